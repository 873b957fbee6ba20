"""Legal persons, their representatives, and agents acting for them within a validity period."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from idp.accounts import service
from idp.accounts.enums import AuthorisationRole, LegalPersonStatus
from idp.accounts.errors import AccountError
from idp.accounts.models import LegalPerson, Person
from idp.audit import SYSTEM_ACTOR, AuditEvent


@pytest.fixture
def company(services, add_person, new_credit_code):
    """A legal person whose representative is the citizen `boss`."""
    boss = add_person("boss")
    legal = service.create_legal_person(
        services, SYSTEM_ACTOR, name="杭州一网科技有限公司", credit_code=new_credit_code(),
        representative_username="Boss",
    )
    return legal, boss


def roles(services, person, at=None):
    return [(grant.role, legal.name)
            for grant, legal in service.valid_authorisations(services, person.id, at=at)]


def test_a_legal_person_is_registered_with_its_representative(backend, services, company):
    legal, boss = company
    assert service.find_legal_person(services, legal.credit_code.lower()).id == legal.id
    assert legal.status == LegalPersonStatus.ACTIVE
    assert roles(services, boss) == [(AuthorisationRole.REPRESENTATIVE, "杭州一网科技有限公司")]
    with services.db.session() as session:
        types = list(session.scalars(select(AuditEvent.type).order_by(AuditEvent.id)))
    assert types[-2:] == ["legal_person.create", "authorisation.grant"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"credit_code": "91350100M000100Y44"}, "invalid_credit_code"),
        ({"credit_code": "123"}, "invalid_credit_code"),
        ({"representative_username": "nobody"}, "unknown_representative"),
        ({"name": " "}, "invalid_name"),
    ],
)
def test_a_bad_legal_person_is_refused_and_writes_nothing(
    backend, services, add_person, new_credit_code, row_counts, fields, code
):
    add_person("boss")
    before = row_counts()
    values = {"name": "某公司", "credit_code": new_credit_code(),
              "representative_username": "boss"} | fields
    with pytest.raises(AccountError) as error:
        service.create_legal_person(services, SYSTEM_ACTOR, **values)
    assert error.value.code == code
    assert row_counts() == before


def test_a_credit_code_is_registered_only_once(backend, services, company, row_counts):
    legal, _ = company
    before = row_counts()
    with pytest.raises(AccountError) as error:
        service.create_legal_person(services, SYSTEM_ACTOR, name="另一家",
                                    credit_code=legal.credit_code, representative_username="boss")
    assert error.value.code == "duplicate_credit_code"
    assert row_counts() == before


def test_an_agent_acts_only_inside_the_validity_period(backend, services, company, add_person):
    legal, _ = company
    clerk = add_person("clerk")
    start = datetime.now(UTC)
    end = start + timedelta(days=30)
    service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code,
                        username="clerk", valid_until=end, granted_by="admin1")
    assert roles(services, clerk) == [(AuthorisationRole.AGENT, legal.name)]
    assert roles(services, clerk, at=end - timedelta(seconds=1)) != []
    assert roles(services, clerk, at=end) == []
    assert roles(services, clerk, at=start - timedelta(minutes=1)) == []


def test_a_revoked_agent_can_no_longer_act(backend, services, company, add_person):
    legal, _ = company
    clerk = add_person("clerk")
    service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code, username="clerk")
    assert service.revoke_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code,
                                username="clerk", revoked_by="admin1") == 1
    assert roles(services, clerk) == []
    with pytest.raises(AccountError) as again:
        service.revoke_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code,
                             username="clerk")
    assert again.value.code == "no_authorisation"


def test_nobody_acts_for_a_suspended_legal_person(backend, services, company, add_person):
    legal, boss = company
    with services.db.begin() as session:
        session.get(LegalPerson, legal.id).status = LegalPersonStatus.SUSPENDED.value
    assert roles(services, boss) == []
    add_person("clerk")
    with pytest.raises(AccountError) as error:
        service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code,
                            username="clerk")
    assert error.value.code == "legal_person_inactive"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"username": "nobody"}, "unknown_person"),
        ({"credit_code": "91350100M000100Y43"}, "unknown_legal_person"),
        ({"credit_code": "91350100M000100Y44"}, "invalid_credit_code"),
        ({"valid_until": datetime(2020, 1, 1, tzinfo=UTC)}, "invalid_validity"),
        ({"username": "clerk"}, "already_authorised"),
    ],
)
def test_a_bad_agent_grant_is_refused_and_writes_nothing(
    backend, services, company, add_person, row_counts, fields, code
):
    legal, _ = company
    add_person("clerk")
    service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code, username="clerk")
    add_person("other")
    before = row_counts()
    values = {"credit_code": legal.credit_code, "username": "other"} | fields
    with pytest.raises(AccountError) as error:
        service.grant_agent(services, SYSTEM_ACTOR, **values)
    assert error.value.code == code
    assert row_counts() == before


def test_grants_and_revocations_are_audited_without_personal_data(backend, services, company,
                                                                  add_person):
    legal, _ = company
    clerk = add_person("clerk")
    service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code, username="clerk")
    service.revoke_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code, username="clerk")
    with services.db.session() as session:
        events = list(session.scalars(select(AuditEvent).where(
            AuditEvent.account_id == clerk.id).order_by(AuditEvent.id)))
    assert [e.type for e in events] == [
        "account.create", "authorisation.grant", "authorisation.revoke"]
    assert events[1].detail["role"] == "agent"
    assert events[1].detail["legal_person_id"] == legal.id
    assert events[2].detail["fields"] == ["revoked_at", "revoked_by"]


def test_the_grant_of_a_disabled_agent_can_still_be_revoked(backend, services, company,
                                                                 add_person):
    legal, _ = company
    clerk = add_person("clerk")
    service.grant_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code, username="clerk")
    with services.db.begin() as session:
        session.get(Person, clerk.id).disabled = True
    assert service.revoke_agent(services, SYSTEM_ACTOR, credit_code=legal.credit_code,
                                username="clerk") == 1
