"""Password policies (NIST SP 800-63B for citizens, GB/T 22239 level 3 for admins) and argon2id."""

from dataclasses import replace

import pytest

from idp.accounts.enums import AccountClass
from idp.accounts.password_policy import WeakPassword, check_password, common_passwords
from idp.accounts.passwords import Passwords


def reason(settings, password, account_class, username="zhangsan"):
    try:
        check_password(password, account_class=account_class, username=username,
                       settings=settings)
    except WeakPassword as error:
        return error.reason
    return None


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("horse battery", None),
        ("abcdefgh".replace("abc", "xq7"), None),  # 8 characters, no composition rules
        ("onlysmallletters", None),
        ("长城在北京很长很长", None),  # any Unicode
        ("x" * 64, None),
        ("y" * 128, None),
        ("short12", "too_short"),
        ("z" * 129, "too_long"),
        ("password", "common"),
        ("PassWord", "common"),  # case-insensitive
        ("iloveyou", "common"),
        ("qwertyuiop", "common"),
        ("my-zhangsan-pw", "contains_username"),
        ("MY-ZHANGSAN-PW", "contains_username"),
    ],
)
def test_citizen_passwords_follow_nist_800_63b(settings, password, expected):
    assert reason(settings, password, AccountClass.PERSON) == expected


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Tiger-lily-42", None),
        ("tiger-lily-42x", None),  # small, digits, symbols: 3 of 4
        ("TIGERLILY42x", None),
        ("Tiger-lily4", "too_short"),
        ("tigerlilyfourtwo", "too_simple"),
        ("tigerlily4242", "too_simple"),
        ("Tiger-zhangsan-1", "contains_username"),
        ("Password123!", None),
        ("P" + "a" * 130, "too_long"),
    ],
)
def test_admin_passwords_follow_gb_t_22239_level_3(settings, password, expected):
    assert reason(settings, password, AccountClass.ADMIN) == expected


def test_an_admin_password_on_the_common_list_is_rejected(settings):
    # "Password1" has three character classes; only the list stops it.
    lenient = replace(settings, admin_password_min=9)
    assert reason(lenient, "Password1", AccountClass.ADMIN) == "common"


def test_the_minimum_lengths_come_from_the_settings(settings):
    strict = replace(settings, person_password_min=10, admin_password_min=16)
    assert reason(strict, "ninechars", AccountClass.PERSON) == "too_short"
    assert reason(strict, "Tiger-lily-42!", AccountClass.ADMIN) == "too_short"


def test_the_shipped_list_holds_at_least_ten_thousand_passwords():
    assert len(common_passwords()) >= 10_000


def test_a_short_username_is_not_matched_inside_passwords(settings):
    assert reason(settings, "the lion king", AccountClass.PERSON, username="li") is None


def test_a_hash_verifies_only_its_own_password(settings):
    passwords = Passwords(settings)
    stored = passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "correct horse")
    assert not passwords.verify(stored, "correct horsE")
    assert not passwords.verify("not a hash", "correct horse")


def test_full_width_and_half_width_forms_are_the_same_password(settings):
    passwords = Passwords(settings)
    assert passwords.verify(passwords.hash("ｐａｓｓ１２３４"), "pass1234")


def test_an_unknown_account_still_costs_a_verification_and_fails(settings):
    passwords = Passwords(settings)
    assert passwords.verify_or_dummy(None, "anything") is False
    assert passwords._dummy is not None  # a real argon2 verification happened


def test_a_hash_made_with_other_costs_needs_rehashing(settings):
    old = Passwords(replace(settings, argon2_time_cost=1)).hash("correct horse")
    current = Passwords(replace(settings, argon2_time_cost=2))
    assert current.needs_rehash(old)
    assert not current.needs_rehash(current.hash("correct horse"))
