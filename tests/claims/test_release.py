"""Claims release: a client receives what its scopes (or essential claims) ask for, and never a
claim its policy does not allow."""

import itertools

import pytest

from idp.claims import ALWAYS, KNOWN_CLAIMS, SCOPE_CLAIMS, release, subject_for

PERSON = {
    "sub": "acc-1",
    "acr": "2",
    "name": "张三",
    "username": "zhangsan",
    "updated_at": 1700000000,
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "email": "zs@example.cn",
    "address": {"formatted": "杭州市西湖区"},
}
ACTING_FOR = {"id": "lp1", "name": "示例科技有限公司", "credit_code": "91350100M000100Y43",
              "role": "agent"}
ALL_SCOPES = list(SCOPE_CLAIMS)


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ("openid", {"sub", "acr"}),
        ("openid profile", {"sub", "acr", "name", "preferred_username", "updated_at"}),
        ("openid phone", {"sub", "acr", "phone_number", "phone_number_verified"}),
        ("openid email", {"sub", "acr", "email", "email_verified"}),
        ("openid address", {"sub", "acr", "address"}),
        ("openid id_card", {"sub", "acr", "id_card"}),
        ("openid legal_person", {"sub", "acr", "legal_person"}),
    ],
)
def test_each_scope_releases_its_claims_when_the_policy_allows_them(scopes, expected):
    released = release(PERSON, ACTING_FOR, scopes, KNOWN_CLAIMS)
    assert set(released) == expected


def test_the_released_values_are_the_persons():
    released = release(PERSON, ACTING_FOR, ALL_SCOPES, KNOWN_CLAIMS)
    assert released["id_card"] == "11010519491231002X"
    assert released["phone_number"] == "13800138000"
    assert released["phone_number_verified"] is True
    assert released["preferred_username"] == "zhangsan"
    assert released["legal_person"] == {"name": "示例科技有限公司",
                                        "credit_code": "91350100M000100Y43", "role": "agent"}


# Every combination of allowed claims against every scope set and claims request.
POLICIES = [set(), {"name"}, {"email", "email_verified"}, {"id_card"},
            {"name", "phone_number"}, set(KNOWN_CLAIMS) - {"id_card", "legal_person"}]
SCOPE_SETS = [["openid"], ALL_SCOPES, ["openid", "id_card", "legal_person"], ["profile"]]
REQUESTS = [None, {"id_card": {"essential": True}, "legal_person": None},
            {c: {"essential": True} for c in KNOWN_CLAIMS}, {"unknown": None}]


@pytest.mark.parametrize(
    ("allowed", "scopes", "requested"), list(itertools.product(POLICIES, SCOPE_SETS, REQUESTS))
)
def test_no_disallowed_claim_ever_leaks(allowed, scopes, requested):
    released = release(PERSON, ACTING_FOR, scopes, allowed, requested)
    assert set(released) <= allowed | ALWAYS


def test_an_essential_claim_is_honoured_when_the_policy_allows_it():
    released = release(PERSON, None, "openid", {"name"}, {"name": {"essential": True}})
    assert released["name"] == "张三"


def test_no_legal_person_claim_without_acting_for_one():
    assert "legal_person" not in release(PERSON, None, ALL_SCOPES, KNOWN_CLAIMS)


def test_absent_data_is_not_released_as_null():
    released = release({"sub": "a", "name": "李四"}, None, ALL_SCOPES, KNOWN_CLAIMS)
    assert released == {"sub": "a", "name": "李四"}


class _Client:
    def __init__(self, subject_type, sector, client_id="c1"):
        self.subject_type, self.sector_identifier, self.client_id = subject_type, sector, client_id


def test_a_public_subject_is_the_account_id():
    assert subject_for(_Client("public", "a.gov.cn"), "acc-1", b"salt") == "acc-1"


def test_pairwise_subjects_differ_by_sector_and_are_stable_within_one():
    a1 = subject_for(_Client("pairwise", "a.gov.cn", "c1"), "acc-1", b"salt")
    a2 = subject_for(_Client("pairwise", "a.gov.cn", "c2"), "acc-1", b"salt")
    b = subject_for(_Client("pairwise", "b.gov.cn"), "acc-1", b"salt")
    assert a1 == a2 != b
    assert "acc-1" not in a1 and len(a1) == 43 and "=" not in a1
    assert subject_for(_Client("pairwise", "a.gov.cn"), "acc-2", b"salt") != a1
