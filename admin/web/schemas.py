"""The admin JSON API's request and response shapes: one table read by two readers.

``guard.api(body=...)`` checks each write's JSON body against its schema here before the view
or any service runs; ``admin.web.openapi`` publishes the very same objects in the API's OpenAPI
3.1 description. Schemas say types, lengths and ranges; what a value means (is this redirect
URI allowed, does this department exist) stays with the services, which answer 400 too.
"""

from __future__ import annotations

from typing import Any

from admin.roles import Role
from clients.grant_types import GRANT_TYPES
from clients.validation import AUTH_METHODS
from idp.audit import EventType, Outcome
from idp.audit.query import MAX_PAGE
from idp.json_body import array, line, text
from keys.algorithms import ALL_SLOTS

# A reason is required on every change: text with at least one character that is not a space.
REASON = {"type": "string", "minLength": 1, "maxLength": 500,
          "pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*[^\\s\\x00-\\x1f\\x7f]"
                     "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
          "description": "why the change is made (audited): not blank, no control characters"}
LEVEL = {"type": "integer", "minimum": 1, "maximum": 3}
_DEPARTMENT = line(200, nullable=True)  # as the clients and SPs columns
_URI = line(2000)
_ATTRIBUTES = array(line(64), 50)


def _write(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A write's body: the fields named, a reason, nothing else."""
    return {"type": "object", "properties": {**properties, "reason": REASON},
            "required": [*required, "reason"], "additionalProperties": False}


# Issue 13: the first factors a relying party accepts.
FIRST_FACTORS = {"type": "array",
                 "items": {"enum": ["password", "sms", "passkey", "scan", "upstream"]},
                 "minItems": 1, "maxItems": 5, "uniqueItems": True}
# Issue 15: the upstream identity providers a relying party accepts, by name (registered ones:
# an unknown name is refused as bad_input); empty: every enabled one.
UPSTREAMS = {"type": "array", "items": line(32, min_length=1), "maxItems": 50,
             "uniqueItems": True}
# Issue 14: which accounts a relying party admits: citizens ("person"), staff, or both.
ACCOUNT_CLASSES = {"type": "array", "items": {"enum": ["person", "staff"]},
                   "minItems": 1, "maxItems": 2, "uniqueItems": True}
_CLIENT_FIELDS: dict[str, Any] = {
    "client_name": line(200),
    "department": _DEPARTMENT,
    "redirect_uris": array(_URI, 20),
    "post_logout_redirect_uris": array(_URI, 20),
    "backchannel_logout_uri": line(2000, nullable=True),
    "frontchannel_logout_uri": line(2000, nullable=True),
    "scope": line(1000),
    "allowed_claims": array(line(64), 50),
    "min_level": LEVEL,
    "account_classes": ACCOUNT_CLASSES,
    "first_factors": FIRST_FACTORS,
    "upstreams": UPSTREAMS,
    "subject_type": {"enum": ["public", "pairwise"]},
    "first_party": {"type": "boolean"},
    "token_endpoint_auth_method": {"enum": list(AUTH_METHODS)},
    "application_type": {"enum": ["web", "native"]},
    # e.g. the device code grant (RFC 8628) for a service hall's terminals
    "grant_types": {"type": "array", "items": {"enum": list(GRANT_TYPES)}, "minItems": 1,
                    "maxItems": len(GRANT_TYPES), "uniqueItems": True},
}

CLIENT_NEW = _write(_CLIENT_FIELDS, ("client_name",))
CLIENT_CHANGE = _write(_CLIENT_FIELDS)
CLIENT_DISABLE = _write({"disabled": {"type": "boolean"}})
REASON_ONLY = _write({})
SAML_NEW = _write({
    "metadata_url": line(2000),
    "metadata_xml": text(512 * 1024),
    "name": line(200, nullable=True),
    "department": _DEPARTMENT,
    "allowed_attributes": _ATTRIBUTES,
    "min_level": LEVEL,
    "account_classes": ACCOUNT_CLASSES,
    "first_factors": FIRST_FACTORS,
    "upstreams": UPSTREAMS,
})
SAML_CHANGE = _write({
    "account_classes": ACCOUNT_CLASSES,
    "first_factors": FIRST_FACTORS,
    "upstreams": UPSTREAMS,
    "name": line(200, min_length=1),
    "department": _DEPARTMENT,
    "allowed_attributes": _ATTRIBUTES,
    "min_level": LEVEL,
    "sign_response": {"type": "boolean"},
    "encrypt_assertions": {"type": "boolean"},
})
ACCOUNT_SEARCH = {"type": "object", "properties": {"q": line(64)}, "required": ["q"],
                  "additionalProperties": False}
REVOKE = _write({"credit_code": line(32, min_length=1)}, ("credit_code",))
KEY_ROTATE = _write({"alg": {"enum": list(ALL_SLOTS)}}, ("alg",))


# Query and path parameters: documented here, parsed strictly by the views' parsers
# (``admin.audit_log.parse_filter``, ``idp.params.parse_int``).
def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": description}


TIME = line(32)
AUDIT_FILTER = [
    _query("since", TIME, "from this time on (ISO 8601; without an offset: China Standard Time)"),
    _query("until", TIME, "before this time (ISO 8601; without an offset: China Standard Time)"),
    _query("account", line(64), "a username or an account id"),
    _query("client_id", line(128), "an OIDC client id or a SAML entity ID"),
    _query("ip", line(64), "the client address"),
    _query("type", {"enum": [e.value for e in EventType]}, "the event type"),
    _query("outcome", {"enum": [o.value for o in Outcome]}, "success or failure"),
]
AUDIT_PAGE = [
    *AUDIT_FILTER,
    _query("after", line(64), "the `next` token of the previous page"),
    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, "events per page"),
]
AUDIT_EXPORT = [*AUDIT_FILTER, _query("format", {"enum": ["csv", "jsonl"]}, "the file format")]
RP_SEARCH = [_query("q", line(100), "part of a name, id or department")]
ENTITY = [_query("entity_id", line(1024, min_length=1), "the SP's entity ID", required=True)]
PATH = {"client_id": line(64, min_length=1), "person_id": line(36, min_length=1)}


# Responses.
def _object(properties: dict[str, Any], required: tuple[str, ...] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties if required is None else required)}


STRING, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
OPT_STRING = {"type": ["string", "null"]}
ERROR = _object({"error": STRING, "error_description": STRING})
ME = _object({"account_id": STRING, "username": STRING, "csrf_token": STRING, "roles": {
    "type": "array", "items": _object({"role": {"enum": [r.value for r in Role]},
                                       "department": OPT_STRING})}})
RELYING_PARTIES = _object({"relying_parties": {"type": "array", "items": _object({
    "kind": {"enum": ["oidc", "saml"]}, "id": STRING, "name": STRING,
    "department": OPT_STRING, "min_level": INT, "disabled": BOOL})}})
CLIENT = _object({"client_id": STRING, "client_name": STRING, "redirect_uris": {
    "type": "array", "items": STRING}, "client_secret": OPT_STRING}, ("client_id",))
CLIENT_STATE = _object({"client_id": STRING, "disabled": BOOL})
SECRET = _object({"client_id": STRING, "client_secret": STRING})
SAML_SP = _object({"entity_id": STRING, "name": OPT_STRING, "department": OPT_STRING,
                   "allowed_attributes": {"type": "array", "items": STRING}, "min_level": INT,
                   "account_classes": {"type": "array", "items": STRING},
                   "first_factors": {"type": "array", "items": STRING},
                   "upstreams": {"type": "array", "items": STRING},
                   "disabled": BOOL}, ("entity_id", "min_level", "disabled"))
EVENT = _object({"id": INT, "at": STRING, "type": STRING, "outcome": STRING,
                 "account_id": OPT_STRING, "username": OPT_STRING, "client_id": OPT_STRING,
                 "ip": OPT_STRING, "user_agent": OPT_STRING, "lane": INT, "hash": STRING},
                ("id", "at", "type", "outcome"))
PERSON = _object({"id": STRING, "username": STRING, "name": STRING, "account_class": STRING,
                  "assurance_level": INT, "disabled": BOOL})
ACCOUNTS = _object({"accounts": {"type": "array", "items": PERSON}})
ACCOUNT = {**PERSON, "properties": {**PERSON["properties"],
                                    "sessions": {"type": "array"}, "logins": {
                                        "type": "array", "items": EVENT},
                                    "authorisations": {"type": "array"}}}
UNLOCKED = _object({"unlocked": {"const": True}})
LOGGED_OUT = _object({"sessions_ended": INT})
REVOKED = _object({"revoked": INT})
KEYS = _object({"keys": {"type": "array", "items": _object(
    {"kid": STRING, "alg": STRING, "state": STRING, "age": STRING})}})
ROTATED = {"type": "object"}
SETTINGS = _object({"sections": {"type": "array", "items": _object(
    {"key": STRING, "rows": {"type": "array"}}, ("key", "rows"))}})
AUDIT = _object({"events": {"type": "array", "items": EVENT}, "next": OPT_STRING})
DASHBOARD = _object({"hours": {"type": "array", "items": STRING},
                     "logins_success": {"type": "array", "items": INT},
                     "logins_failure": {"type": "array", "items": INT},
                     "active_sessions": INT, "alerts": {"type": "array"}},
                    ("hours", "logins_success", "logins_failure"))
SIGNED_OUT = _object({"signed_out": {"const": True}})
OPENAPI = _object({"openapi": STRING, "paths": {"type": "object"}})

# Assisted recovery (admin/account_recovery.py): the phone the person holds now.
PHONE_RESET = _write({"phone": line(20, min_length=11)}, ("phone",))
RECOVERED = _object({"changed": BOOL, "sessions_ended": INT})
