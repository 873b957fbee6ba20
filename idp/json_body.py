"""JSON request bodies, read strictly and checked against a JSON Schema before a service sees them.

Python's ``json`` accepts ``NaN``, ``Infinity`` and ``1e400`` (as ``inf``), turns a 5,000-digit
number into a ValueError and deep nesting into a RecursionError, and lets ``"\\ud800"`` through
as a lone surrogate that no database can store. ``read_object`` refuses all of these, and
control characters other than tab, newline and carriage return anywhere in the document (keys
included), with a :class:`BadBody` whose message is safe to show. ``check`` then applies the
endpoint's schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1), so the schema a view is
declared with is both what is enforced and what is documented.

Pure: bytes and a media type in, values out; no Flask.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

MAX_DEPTH = 32
# C0 controls but tab, newline, carriage return; DEL; UTF-16 surrogates (never text on their own).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@cache
def _ecma(pattern: str) -> re.Pattern:
    # ECMA-262 (JSON Schema's regex dialect): `$` matches only at the very end, where Python's
    # also matches before a final newline ("a\n" would pass "^[^\n]*$").
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)


def _pattern(validator, pattern: str, instance: Any, schema: dict) -> Any:
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"does not match {pattern!r}")


Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})
_validators: dict[int, Any] = {}


class BadBody(ValueError):
    """The body is not what the endpoint takes. ``field`` is the JSON path that failed
    (``""`` for the body as a whole); the message names it and is safe to show."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _no_constants(name: str) -> Any:
    raise BadBody(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadBody(f"number out of range: {text[:20]}")
    return value


def read_object(data: bytes, mimetype: str | None, *, empty: bool = True) -> dict[str, Any]:
    """The body as a JSON object; ``{}`` for an empty body when ``empty``. BadBody otherwise."""
    if not data.strip():
        if empty:
            return {}
        raise BadBody("the request body must be a JSON object")
    if mimetype is not None and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise BadBody("the request body must be application/json")
    try:
        text = data.decode("utf-8")
        value = json.loads(text, parse_constant=_no_constants, parse_float=_finite)
    except UnicodeDecodeError as exc:
        raise BadBody("the request body is not UTF-8") from exc
    except RecursionError as exc:
        raise BadBody("the request body is nested too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, and int() of a number of > 4,300 digits
        if isinstance(exc, BadBody):
            raise
        raise BadBody("the request body is not valid JSON") from exc
    if not isinstance(value, dict):
        raise BadBody("the request body must be a JSON object")
    _check_text(value)
    return value


def _check_text(document: Any) -> None:
    # Iterative, so a document just under json's own recursion limit cannot overflow ours.
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadBody("the request body is nested too deeply")
        if isinstance(value, str) and _FORBIDDEN.search(value):
            raise BadBody("the request body holds a control character or an unpaired surrogate")
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def check(schema: dict[str, Any], value: Any) -> None:
    """BadBody naming the first field that breaks ``schema``, if any does."""
    validator = _validators.get(id(schema))
    if validator is None:
        validator = _validators[id(schema)] = Validator(schema)
    error = best_match(validator.iter_errors(value))
    if error is not None:
        field, message = describe(error)
        raise BadBody(f"{field}: {message}" if field else message, field)


def describe(error: ValidationError) -> tuple[str, str]:
    """(field path, a message that never repeats the value sent) for one schema error."""
    path = [str(p) for p in error.absolute_path]
    rule, limit = error.validator, error.validator_value
    if rule == "required":
        missing = next((name for name in limit if name not in error.instance), "")
        return ".".join([*path, missing]), "is required"
    if rule == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return ".".join([*path, *extra[:1]]), "is not a field of this request"
    templates = {
        "maxLength": "must be at most {} characters", "minLength": "must be at least {} characters",
        "maxItems": "must have at most {} items", "minItems": "must have at least {} items",
        "minimum": "must be at least {}", "maximum": "must be at most {}",
    }
    if rule == "type":
        message = "must be of type " + (" or ".join(limit) if isinstance(limit, list) else limit)
    elif rule == "enum":
        message = ("must be one of " + ", ".join(map(str, limit)))[:300]
    elif rule in templates:
        message = templates[rule].format(limit)
    else:  # pattern, const, uniqueItems...: the schema says what it wants
        message = error.schema.get("description") or f"breaks the rule {rule}"
    return ".".join(path), message


# Schema pieces shared by the endpoints' schemas. ECMA-262 and Python agree on these patterns.
NO_CONTROLS = "^[^\\x00-\\x1f\\x7f]*$"
NO_CONTROLS_BUT_LINES = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"


def line(max_length: int, *, nullable: bool = False, min_length: int = 0) -> dict[str, Any]:
    """A one-line string: no control characters at all."""
    schema: dict[str, Any] = {
        "type": ["string", "null"] if nullable else "string", "maxLength": max_length,
        "pattern": NO_CONTROLS, "description": "one line of text, no control characters"}
    if min_length:
        schema["minLength"] = min_length
    return schema


def text(max_length: int) -> dict[str, Any]:
    """A multi-line string: tab, newline and carriage return are the only controls allowed."""
    return {"type": "string", "maxLength": max_length, "pattern": NO_CONTROLS_BUT_LINES,
            "description": "text; tab, newline and carriage return are the only controls"}


def array(items: dict[str, Any], max_items: int, *, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["array", "null"] if nullable else "array", "items": items,
            "maxItems": max_items}
