"""Citizen and administrator accounts: creation, look-up, login, and personal data at rest."""

import json
from dataclasses import replace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from idp.accounts import service
from idp.accounts.enums import AccountClass
from idp.accounts.errors import AccountError
from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR, Actor, AuditEvent
from idp.services import Services

ADDRESS = {"region": "浙江省", "locality": "杭州市", "street_address": "西湖区文三路1号"}


def test_a_citizen_is_created_and_found_by_username_in_any_case(backend, services, add_person):
    created = add_person("ZhangSan", phone="138 0013 8000", email="Zhang@Example.CN",
                         address=ADDRESS, assurance_level=2)
    found = service.find_person_by_username(services, "  ZHANGSAN ")
    assert found.id == created.id == service.get_person(services, created.id).id
    assert found.username == "zhangsan"
    assert found.account_class == AccountClass.PERSON
    assert found.assurance_level == 2
    assert not found.must_change_password and not found.disabled


def test_claims_give_back_the_personal_data_in_clear(backend, services, add_person,
                                                     new_id_number):
    number = new_id_number()
    person = add_person("lisi", id_number=number.lower(), phone="+86 13800138000",
                        email="li@example.cn", address=ADDRESS, name="李四")
    assert service.person_claims(services, person) == {
        "name": "李四", "id_number": number, "phone": "13800138000",
        "email": "li@example.cn", "address": ADDRESS,
    }


def test_absent_personal_data_gives_empty_claims(services, add_person, new_id_number):
    person = add_person("wangwu", id_number=new_id_number())
    claims = service.person_claims(services, person)
    assert claims["phone"] is claims["email"] is claims["address"] is None


def test_no_clear_id_number_phone_or_email_is_stored_anywhere(backend, services, add_person,
                                                               new_id_number):
    number = new_id_number()
    add_person("zhaoliu", id_number=number, phone="13912345678", email="zl@example.cn",
               address=ADDRESS)
    with services.db.session() as session:
        rows = [str(tuple(r)) for r in session.execute(text("SELECT * FROM persons"))]
        rows += [str(tuple(r)) for r in session.execute(text("SELECT * FROM audit_events"))]
    dump = "\n".join(rows)
    for secret in (number, number[:17], "13912345678", "zl@example.cn", "文三路",
                   "correct horse battery"):
        assert secret not in dump


def test_a_person_is_found_by_id_number_through_the_blind_index(backend, services, add_person,
                                                                new_id_number):
    number = new_id_number()
    person = add_person("sunqi", id_number=number)
    add_person("zhouba")
    assert service.find_person_by_id_number(services, number).id == person.id
    assert service.find_person_by_id_number(services, number.lower()).id == person.id
    assert service.find_person_by_id_number(services, new_id_number()) is None
    assert service.find_person_by_id_number(services, "not a number") is None


@pytest.mark.parametrize(
    ("fields", "code", "reason"),
    [
        ({"username": "x"}, "invalid_username", None),
        ({"username": "bad name"}, "invalid_username", None),
        ({"name": "  "}, "invalid_name", None),
        ({"id_number": None}, "id_number_required", None),
        ({"id_number": "11010519491231002"}, "invalid_id_number", "length"),
        ({"id_number": "110105194912310021"}, "invalid_id_number", "check_digit"),
        ({"phone": "12345"}, "invalid_phone", None),
        ({"email": "no-at-sign"}, "invalid_email", None),
        ({"address": {"planet": "Mars"}}, "invalid_address", None),
        ({"assurance_level": 4}, "invalid_level", None),
        ({"password": "short"}, "weak_password", "too_short"),
        ({"password": "password123"}, "weak_password", "common"),
        ({"password": "i-am-qianjiu-ok"}, "weak_password", "contains_username"),
    ],
)
def test_bad_input_is_refused_with_its_own_code_and_writes_nothing(
    backend, services, new_id_number, row_counts, fields, code, reason
):
    before = row_counts()
    values = {"username": "qianjiu", "password": "correct horse battery", "name": "钱九",
              "id_number": new_id_number()} | fields
    with pytest.raises(AccountError) as error:
        service.create_person(services, SYSTEM_ACTOR, **values)
    assert error.value.code == code
    assert error.value.reason == reason
    assert " / " in error.value.description  # Chinese / English
    assert row_counts() == before


def test_a_taken_username_or_id_number_is_refused(backend, services, add_person,
                                                  new_id_number, row_counts):
    number = new_id_number()
    add_person("zhengshi", id_number=number)
    before = row_counts()
    with pytest.raises(AccountError) as taken:
        add_person("ZhengShi")
    with pytest.raises(AccountError) as twice:
        add_person("zhengshi2", id_number=number.lower())
    assert (taken.value.code, twice.value.code) == ("duplicate_username", "duplicate_id_number")
    assert row_counts() == before


def test_the_database_itself_refuses_an_assurance_level_outside_1_to_3(backend, services,
                                                                       add_person):
    person = add_person("level")
    with pytest.raises(IntegrityError), services.db.begin() as session:
        session.execute(text("UPDATE persons SET assurance_level = 4 WHERE id = :id"),
                        {"id": person.id})


def test_an_admin_needs_no_id_number_but_a_complex_password(backend, services):
    with pytest.raises(AccountError) as weak:
        service.create_person(services, SYSTEM_ACTOR, username="ops", name="运维",
                              password="correct horse battery",
                              account_class=AccountClass.ADMIN)
    assert weak.value.reason == "too_simple"
    admin = service.create_person(services, SYSTEM_ACTOR, username="ops", name="运维",
                                  password="Correct-Horse-42", account_class=AccountClass.ADMIN)
    assert admin.is_admin and admin.id_number_index is None
    assert [p.username for p in service.list_persons(
        services, account_class=AccountClass.ADMIN)] == ["ops"]


def test_login_succeeds_only_with_the_right_password(backend, services, add_person):
    person = add_person("login", password="correct horse battery")
    assert service.verify_login(services, "LOGIN", "correct horse battery").id == person.id
    assert service.verify_login(services, "login", "wrong horse battery") is None
    assert service.verify_login(services, "nobody", "correct horse battery") is None
    assert service.verify_login(services, "", "") is None


def test_a_disabled_account_cannot_log_in(backend, services, add_person):
    person = add_person("disabled", password="correct horse battery")
    with services.db.begin() as session:
        session.get(Person, person.id).disabled = True
    assert service.verify_login(services, "disabled", "correct horse battery") is None


def test_a_login_upgrades_a_hash_made_with_older_costs(backend, settings, services,
                                                       add_person):
    add_person("rehash", password="correct horse battery")
    stronger = Services.build(replace(settings, argon2_time_cost=2), upgrade=False)
    try:
        assert service.verify_login(stronger, "rehash", "correct horse battery")
        stored = service.find_person_by_username(services, "rehash").password_hash
        assert "t=2" in stored
        assert service.verify_login(stronger, "rehash", "correct horse battery")
    finally:
        stronger.db.dispose()


def test_creating_an_account_is_audited_with_field_names_only(backend, services,
                                                            new_id_number):
    person = service.create_person(
        services, Actor("203.0.113.9", "browser"), username="audited",
        password="correct horse battery", name="审计", id_number=new_id_number(),
        phone="13700000000",
    )
    with services.db.session() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.type == "account.create"))
    assert (event.account_id, event.username, event.outcome) == (person.id, "audited", "success")
    assert (event.ip, event.user_agent) == ("203.0.113.9", "browser")
    assert set(event.detail["fields"]) >= {"username", "password", "id_number", "phone"}
    assert "13700000000" not in json.dumps(event.detail)


def test_changing_a_password_checks_the_policy_and_clears_the_reminder(backend, services,
                                                                       add_person):
    person = add_person("changer", must_change_password=True)
    with pytest.raises(AccountError):
        service.change_password(services, SYSTEM_ACTOR, person.id, "123456789")
    service.change_password(services, SYSTEM_ACTOR, person.id, "a new long passphrase")
    assert service.verify_login(services, "changer", "a new long passphrase")
    assert not service.get_person(services, person.id).must_change_password
