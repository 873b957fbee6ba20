"""Real-name verification (level 2) and legal persons registered online.

Names and ID numbers are checked against the population register, companies against the
legal-entity register; each register is a ``typing.Protocol`` (``registers``) with a local
table imported from CSV (``local_registers``, keyed hashes only) and an HTTP adapter
(``http_registers``), chosen by the settings (``factory``). ``real_name`` raises a person to
level 2, ``entities`` makes a level-2 person the representative of a company the register names
them for, and ``invitations`` lets that representative invite agents (经办人).
"""
