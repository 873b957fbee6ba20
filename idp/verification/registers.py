"""The two outside registers as narrow interfaces, and what they answer.

The population register (人口信息库) confirms a name and resident ID number; the legal-entity
register (法人库) confirms a credit code, the entity's name and its legal representative's ID
number. Implementations: ``local_registers`` (a table imported from CSV, the default) and
``http_registers`` (the real services). Either raises ``RegisterUnavailable`` when it cannot
answer; the pages turn that into a 503 "service unavailable" page.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class RegisterUnavailable(RuntimeError):
    """The register did not answer (down, timeout, malformed answer); ``detail`` is logged."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class PersonVerdict(StrEnum):
    MATCH = "match"
    NAME_MISMATCH = "name_mismatch"  # the number is registered under another name
    UNKNOWN = "unknown"  # no such number in the register


class EntityVerdict(StrEnum):
    MATCH = "match"  # the code, name and representative all agree
    NAME_MISMATCH = "name_mismatch"
    NOT_REPRESENTATIVE = "not_representative"  # someone else is the legal representative
    UNKNOWN = "unknown"


class PopulationRegister(Protocol):
    name: str  # "local" | "http", for the audit

    def check(self, id_number: str, name: str) -> PersonVerdict:
        """Whether the register holds this normalised ID number under this name."""


class EntityRegister(Protocol):
    name: str

    def check(self, credit_code: str, name: str, representative_id_number: str) -> EntityVerdict:
        """Whether the register holds this entity, under this name, with this representative."""
