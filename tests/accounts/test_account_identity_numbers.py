"""Resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015).

Fixtures are computed here from the standards' definitions of the weights (2^(17-i) mod 11 and
3^(i-1) mod 31), independently of the module under test, rather than copied from elsewhere.
"""

from datetime import date

import pytest

from idp.accounts.identity_numbers import (
    IdentifierError,
    normalise_credit_code,
    normalise_id_number,
)

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
TODAY = date(2026, 11, 22)


def with_id_check(first17: str) -> str:
    total = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


def with_uscc_check(first17: str) -> str:
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def wrong_last(code: str, alphabet: str) -> str:
    return code[:17] + next(c for c in alphabet if c != code[17])


VALID_ID = with_id_check("11010519491231002")
VALID_ID_2 = with_id_check("44030419900307001")
ID_ENDING_X = next(
    n for n in (with_id_check(f"33010620010101{i:03d}") for i in range(1000)) if n[-1] == "X"
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID_ID, VALID_ID),
        ("11010519491231002X", "11010519491231002X"),  # the standard's public example
        (ID_ENDING_X.lower(), ID_ENDING_X),  # a lowercase x is accepted and made X
        (f"  {VALID_ID_2} ", VALID_ID_2),
        (with_id_check("11010520000229001"), with_id_check("11010520000229001")),  # leap day
        (with_id_check("11010519000101001"), with_id_check("11010519000101001")),
        (with_id_check("110105" + TODAY.strftime("%Y%m%d") + "001"),
         with_id_check("110105" + TODAY.strftime("%Y%m%d") + "001")),
    ],
)
def test_a_valid_id_number_is_accepted_in_its_normal_form(value, expected):
    assert normalise_id_number(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "reason", "words"),
    [
        ("", "length", "18"),
        (VALID_ID[:17], "length", "18"),
        (VALID_ID + "1", "length", "18"),
        ("1101051949123100AX", "characters", "digits"),
        ("11010519491231002Y", "characters", "digits"),
        ("X10105194912310021", "characters", "digits"),
        (wrong_last(VALID_ID, "0123456789X"), "check_digit", "check character"),
        (with_id_check("11010519490231002"), "birth_date", "not a real date"),  # 31 Feb
        (with_id_check("11010519491301002"), "birth_date", "not a real date"),  # month 13
        (with_id_check("11010519010229002"), "birth_date", "not a real date"),  # not leap
        (with_id_check("11010520261123002"), "future_birth_date", "future"),
        (with_id_check("11010518991231002"), "birth_date_before_1900", "before 1900"),
    ],
)
def test_each_broken_rule_of_an_id_number_has_its_own_reason(value, reason, words):
    with pytest.raises(IdentifierError) as error:
        normalise_id_number(value, today=TODAY)
    assert error.value.reason == reason
    assert words in error.value.description
    assert "身份证" in error.value.description


def test_reasons_for_id_numbers_are_all_distinct_messages():
    cases = ["1", "1101051949123100AX", wrong_last(VALID_ID, "0123456789X"),
             with_id_check("11010519490231002"), with_id_check("11010520261123002"),
             with_id_check("11010518991231002")]
    messages = set()
    for value in cases:
        with pytest.raises(IdentifierError) as error:
            normalise_id_number(value, today=TODAY)
        messages.add(error.value.description)
    assert len(messages) == len(cases)


VALID_USCC = with_uscc_check("91350100M000100Y4")
VALID_USCC_2 = with_uscc_check("12100000400012345")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID_USCC, VALID_USCC),
        ("91350100M000100Y43", "91350100M000100Y43"),  # the standard's public example
        (VALID_USCC_2, VALID_USCC_2),
        (VALID_USCC.lower(), VALID_USCC),
        (f" {VALID_USCC} ", VALID_USCC),
    ],
)
def test_a_valid_credit_code_is_accepted_in_capitals(value, expected):
    assert normalise_credit_code(value) == expected


@pytest.mark.parametrize(
    ("value", "reason", "words"),
    [
        ("", "length", "18 characters"),
        (VALID_USCC[:17], "length", "18 characters"),
        (VALID_USCC + "0", "length", "18 characters"),
        ("91350100I000100Y43", "characters", "other than I, O, Z, S, V"),
        ("91350100M00010-Y43", "characters", "other than I, O, Z, S, V"),
        ("9135010OM000100Y43", "characters", "other than I, O, Z, S, V"),
        (wrong_last(VALID_USCC, ALPHABET), "check_digit", "check character"),
        ("91350100M000100Y44", "check_digit", "check character"),
    ],
)
def test_each_broken_rule_of_a_credit_code_has_its_own_reason(value, reason, words):
    with pytest.raises(IdentifierError) as error:
        normalise_credit_code(value)
    assert error.value.reason == reason
    assert words in error.value.description
    assert "统一社会信用代码" in error.value.description
