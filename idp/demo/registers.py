"""Sample identities in the demo's local registers, so a visitor can sign up at /register,
verify at /account/verify and register a company at /account/entities/new (issue 12).

Nobody real: the names say 示例 / 演示 / 样例 (example), the ID numbers are 北京市朝阳区's area
code 110105 with 1990s birth dates and a GB 11643 check character computed here, the credit
code a GB 32100 one. They go in the way an operator's files do: CSV files in
``<data dir>/demo-registers/`` imported by the functions behind ``idp verifier import`` and
``import-entities`` (importing them again changes nothing, so the demo can start again).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from idp.accounts.identity_numbers import credit_code_check_char, id_number_check_char
from idp.notify.outbox import OUTBOX_NAME
from idp.verification.imports import (
    ENTITY_COLUMNS,
    PERSON_COLUMNS,
    import_entities,
    import_population,
)

if TYPE_CHECKING:
    from idp.services import Services

FOLDER = "demo-registers"


@dataclass(frozen=True)
class SampleIdentity:
    name: str
    id_first17: str

    @property
    def id_number(self) -> str:
        return self.id_first17 + id_number_check_char(self.id_first17)


@dataclass(frozen=True)
class SampleCompany:
    name: str
    code_first17: str
    representative: SampleIdentity

    @property
    def credit_code(self) -> str:
        return self.code_first17 + credit_code_check_char(self.code_first17)


SAMPLE_PEOPLE = (
    SampleIdentity("赵示例", "11010519900307001"),
    SampleIdentity("钱演示", "11010519920815002"),
    SampleIdentity("孙样例", "11010519951120003"),
)
SAMPLE_COMPANY = SampleCompany("演示数据服务有限公司", "91110105MA01XY7K2", SAMPLE_PEOPLE[0])


def seed_registers(services: Services) -> Path:
    """Write the samples as register files and import them; returns their folder."""
    folder = services.settings.data_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    people = folder / "population.csv"
    _write(people, PERSON_COLUMNS, [(p.id_number, p.name) for p in SAMPLE_PEOPLE])
    entities = folder / "entities.csv"
    company = SAMPLE_COMPANY
    _write(entities, ENTITY_COLUMNS,
           [(company.credit_code, company.name, company.representative.id_number)])
    import_population(services, people)
    import_entities(services, entities)
    return folder


def _write(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def banner_lines(issuer: str, data_dir: Path) -> list[str]:
    """What the demo prints so a visitor can make, prove and keep an account of their own."""
    folder = data_dir.resolve()
    company = SAMPLE_COMPANY
    lines = ["", "  注册并实名 / sign up and verify your real name:",
             f"    a. 注册 / sign up at {issuer}/register with any mobile number not used yet",
             "       (e.g. 13900000001); 短信验证码 / the SMS code is written to",
             f"       {folder / OUTBOX_NAME}",
             f"    b. 实名认证 / verify at {issuer}/account/verify with a 示例身份 / "
             "sample identity (fictional):"]
    lines += [f"         {p.name}  {p.id_number}" for p in SAMPLE_PEOPLE]
    lines += [f"    c. 登记单位 / register a company at {issuer}/account/entities/new as "
              f"{company.representative.name}:",
              f"         {company.name}  {company.credit_code}",
              f"    (人口库、法人库 / local registers imported from {folder / FOLDER}/,",
              "     as idp verifier import --csv / import-entities --csv would)"]
    return lines
