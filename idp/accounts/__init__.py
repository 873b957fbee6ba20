"""Real-name accounts: persons (citizens and administrators), legal persons, authorisations.

Other packages use ``idp.accounts.service`` (functions) and ``idp.accounts.models`` (tables).
"""
