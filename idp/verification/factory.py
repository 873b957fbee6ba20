"""Which register implementation the settings chose (``IDP_POPULATION_REGISTER``,
``IDP_ENTITY_REGISTER``: ``local`` or ``http``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from idp.verification.http_registers import HttpEntityRegister, HttpPopulationRegister
from idp.verification.local_registers import (
    LocalEntityRegister,
    LocalPopulationRegister,
    RegisterIndex,
)
from idp.verification.registers import EntityRegister, PopulationRegister

if TYPE_CHECKING:
    from idp.services import Services


def population_register(services: Services) -> PopulationRegister:
    s = services.settings
    if s.population_register == "http":
        return HttpPopulationRegister(s.population_register_url, s.population_register_secret,
                                      s.register_timeout_seconds)
    return LocalPopulationRegister(services.db, RegisterIndex(services.keyring))


def entity_register(services: Services) -> EntityRegister:
    s = services.settings
    if s.entity_register == "http":
        return HttpEntityRegister(s.entity_register_url, s.entity_register_secret,
                                  s.register_timeout_seconds)
    return LocalEntityRegister(services.db, RegisterIndex(services.keyring))
