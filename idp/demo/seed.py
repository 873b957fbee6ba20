"""Demo data: citizens with known passwords, a company with its representative and agent.

Idempotent: running the demo again resets the demo passwords and reuses what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from idp.accounts.errors import AccountError
from idp.accounts.identity_numbers import credit_code_check_char, id_number_check_char
from idp.accounts.legal_persons import create_legal_person, find_legal_person, grant_agent
from idp.accounts.service import change_password, create_person, find_person_by_username
from idp.audit import SYSTEM_ACTOR
from idp.services import Services


@dataclass(frozen=True)
class DemoPerson:
    username: str
    password: str
    name: str
    id_first17: str
    phone: str
    role: str  # what the person is in the demo story

    @property
    def id_number(self) -> str:
        return self.id_first17 + id_number_check_char(self.id_first17)


# Fictitious people; ID numbers get a correct GB 11643 check character computed here.
PEOPLE = (
    DemoPerson("zhangsan", "Demo-pass-zs01", "张三", "33010619850312003", "13800000001",
               "市民 / citizen; 示例科技法定代表人 / the company's representative"),
    DemoPerson("lisi", "Demo-pass-ls02", "李四", "33010219920704004", "13800000002",
               "市民 / citizen; 示例科技经办人 / the company's agent"),
    DemoPerson("wangwu", "Demo-pass-ww03", "王五", "35010219780101005", "13800000003",
               "市民 / citizen"),
)
COMPANY_NAME = "示例科技有限公司"
_COMPANY_FIRST17 = "91330100MA2DEMA01"
COMPANY_CODE = _COMPANY_FIRST17 + credit_code_check_char(_COMPANY_FIRST17)


def seed_people(services: Services) -> tuple[DemoPerson, ...]:
    """Create (or reset the passwords of) the demo people and the demo company."""
    for person in PEOPLE:
        existing = find_person_by_username(services, person.username)
        if existing is None:
            create_person(
                services, SYSTEM_ACTOR, username=person.username, password=person.password,
                name=person.name, id_number=person.id_number, phone=person.phone,
                email=f"{person.username}@example.cn", assurance_level=2,
                address={"formatted": "浙江省杭州市西湖区示例路1号", "country": "CN"},
            )
        else:
            change_password(services, SYSTEM_ACTOR, existing.id, person.password)
    if find_legal_person(services, COMPANY_CODE) is None:
        create_legal_person(services, SYSTEM_ACTOR, name=COMPANY_NAME, credit_code=COMPANY_CODE,
                            representative_username=PEOPLE[0].username)
    try:
        grant_agent(services, SYSTEM_ACTOR, credit_code=COMPANY_CODE, username=PEOPLE[1].username)
    except AccountError:  # already authorised on an earlier run
        pass
    return PEOPLE
