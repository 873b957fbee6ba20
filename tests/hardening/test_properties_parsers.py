"""Properties of the parsers every request value meets: valid values are accepted and come back
unchanged; any other text raises the parser's documented error and nothing else.

Hypothesis settings (bounded, derandomized) are the ``hardening`` profile in conftest.py.
"""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from idp.accounts import inputs
from idp.accounts.errors import AccountError
from idp.accounts.identity_numbers import (
    USCC_ALPHABET,
    IdentifierError,
    credit_code_check_char,
    id_number_check_char,
    normalise_credit_code,
    normalise_id_number,
)
from idp.audit.query import EARLIEST, LATEST, InvalidTime, parse_time
from idp.params import (
    InvalidInteger,
    InvalidText,
    check_text,
    decode_text,
    is_digits,
    parse_int,
)

TODAY = date(2024, 6, 1)
CST = timezone(timedelta(hours=8))
# Text as a hostile client sends it: any code point (surrogates included), often digits of
# other scripts, superscripts, signs and spaces.
hostile_text = st.one_of(
    st.text(), st.text(alphabet=st.characters(codec=None)),
    st.text(alphabet="0123456789²³¹٣۴߀١ +-_.eE xX\x00\t\n"), st.just("9" * 5000),
)


# --- integers ---------------------------------------------------------------------------------

@given(st.integers(min_value=0, max_value=10**18 - 1), st.integers(min_value=0, max_value=3))
def test_any_integer_in_range_written_in_ascii_digits_parses_back(value, zeros):
    text = "0" * zeros + str(value)
    assume(len(text) <= 18)
    assert parse_int(text, minimum=0, maximum=10**18 - 1) == value


@given(hostile_text, st.integers(-5, 5), st.integers(0, 10**6))
def test_parse_int_raises_only_invalid_integer_and_returns_only_values_in_range(
    text, low, high
):
    try:
        value = parse_int(text, minimum=low, maximum=high)
    except InvalidInteger as exc:
        assert str(exc)  # a message safe to show
        return
    assert low <= value <= high
    assert text.isascii() and text.isdigit() and int(text) == value


@pytest.mark.parametrize("text", ["²", "٣", "-1", "+1", " 1", "1 ", "1_0", "0x1", "1e3", "",
                                  "1\n", "9" * 5000, "١٢"])
def test_what_int_would_take_but_a_parameter_may_not_hold(text):
    with pytest.raises(InvalidInteger):
        parse_int(text, minimum=0, maximum=10**9)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.lists(st.integers()), st.binary()))
def test_a_value_that_is_not_text_is_not_an_integer_parameter(value):
    with pytest.raises(InvalidInteger):
        parse_int(value, minimum=0, maximum=10)


@given(hostile_text)
def test_one_time_codes_are_six_ascii_digits_only(text):
    assert is_digits(text, 6) == (len(text) == 6 and all(c in string.digits for c in text))


# --- text -------------------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])
               ) | st.text(alphabet="\t\r\n ab"))
def test_printable_text_and_line_breaks_pass_the_edge_check(text):
    assert check_text(text) == text
    assert decode_text(text.encode()) == text


@given(st.text(alphabet=st.characters(codec=None)))
def test_the_edge_check_refuses_exactly_c0_controls_and_surrogates(text):
    bad = any((ord(c) < 0x20 and c not in "\t\r\n") or 0xD800 <= ord(c) <= 0xDFFF
              for c in text)
    try:
        check_text(text)
    except InvalidText:
        assert bad
    else:
        assert not bad


@given(st.binary())
def test_any_bytes_decode_to_checked_text_or_invalid_text(raw):
    try:
        text = decode_text(raw)
    except InvalidText:
        return
    assert text.encode() == raw


# --- resident ID numbers (GB 11643-1999) ------------------------------------------------------

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@st.composite
def id_numbers(draw) -> str:
    region = draw(st.text(alphabet=string.digits, min_size=6, max_size=6))
    born = draw(birth_dates)
    serial = draw(st.text(alphabet=string.digits, min_size=3, max_size=3))
    first17 = f"{region}{born:%Y%m%d}{serial}"
    return first17 + id_number_check_char(first17)


@given(id_numbers(), st.booleans(), st.sampled_from(["", " ", "\t"]))
def test_a_valid_id_number_is_accepted_and_normalised_once_for_all(number, lower, pad):
    sent = pad + (number.lower() if lower else number) + pad
    normalised = normalise_id_number(sent, today=TODAY)
    assert normalised == number
    assert normalise_id_number(normalised, today=TODAY) == normalised


@given(id_numbers(), st.integers(0, 16), st.sampled_from("0123456789"))
def test_changing_one_digit_of_an_id_number_is_caught(number, at, digit):
    assume(number[at] != digit)
    with pytest.raises(IdentifierError):
        normalise_id_number(number[:at] + digit + number[at + 1:], today=TODAY)


@given(hostile_text)
def test_any_text_is_an_id_number_or_an_identifier_error(text):
    try:
        number = normalise_id_number(text, today=TODAY)
    except IdentifierError as exc:
        assert exc.reason and exc.zh and exc.en
        return
    assert len(number) == 18 and number[:17].isascii() and number[:17].isdigit()


@pytest.mark.parametrize("digits", ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９"])
def test_digits_of_other_scripts_are_not_an_id_number(digits):
    ascii17 = "11010519491231002"
    foreign = ascii17.translate(str.maketrans("0123456789", digits))
    with pytest.raises(IdentifierError):
        normalise_id_number(foreign + id_number_check_char(ascii17), today=TODAY)


# --- unified social credit codes (GB 32100-2015) ----------------------------------------------

credit_codes = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).map(
    lambda first17: first17 + credit_code_check_char(first17))


@given(credit_codes, st.booleans())
def test_a_valid_credit_code_is_accepted_and_normalised_once_for_all(code, lower):
    normalised = normalise_credit_code(code.lower() if lower else code)
    assert normalised == code and normalise_credit_code(normalised) == code


@given(credit_codes, st.integers(0, 16), st.sampled_from(USCC_ALPHABET))
def test_changing_one_character_of_a_credit_code_is_caught(code, at, char):
    assume(code[at] != char)
    with pytest.raises(IdentifierError):
        normalise_credit_code(code[:at] + char + code[at + 1:])


@given(hostile_text)
def test_any_text_is_a_credit_code_or_an_identifier_error(text):
    try:
        code = normalise_credit_code(text)
    except IdentifierError:
        return
    assert len(code) == 18 and all(c in USCC_ALPHABET for c in code)


# --- audit filter times (since / until) -------------------------------------------------------

moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2998, 12, 31),
                       timezones=st.just(UTC))


@given(moments, st.sampled_from(["T", " "]), st.sampled_from(["Z", "+08:00", "-05:30", ""]))
def test_an_iso_time_round_trips(moment, separator, zone):
    moment = moment.replace(microsecond=0)
    offset = {"Z": UTC, "": CST}.get(zone) or datetime.strptime(zone, "%z").tzinfo
    local = moment.astimezone(offset)
    text = f"{local:%Y-%m-%d}{separator}{local:%H:%M:%S}{zone}"
    assert parse_time(text, zone=CST) == moment


@given(hostile_text | st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2})?"
                                    r"([+-][0-9]{2}:[0-9]{2})?", fullmatch=True))
def test_any_text_is_a_time_in_bounds_or_invalid_time(text):
    try:
        moment = parse_time(text, zone=CST)
    except InvalidTime as exc:
        assert str(exc)
        return
    assert EARLIEST <= moment <= LATEST and moment.tzinfo is not None


# --- mobile numbers ---------------------------------------------------------------------------

@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86"]),
       st.sampled_from(["", " ", "-"]))
def test_a_mobile_number_as_typed_is_accepted_in_its_plain_form(number, prefix, gap):
    typed = prefix + number[:3] + gap + number[3:7] + gap + number[7:]
    assert inputs.phone(typed) == number


@given(hostile_text)
def test_any_text_is_a_mobile_number_of_ascii_digits_or_an_account_error(text):
    try:
        number = inputs.phone(text)
    except AccountError:
        return
    assert len(number) == 11 and number.isascii() and number.isdigit()
