"""Console form fields -> RFC 7591 client metadata (what ``clients.validation`` checks).

The console edits a client's policy: scopes, claims, minimum assurance level, subject type,
redirect and logout URIs, department. Lists arrive one per line (pages) or as arrays (API).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Fields the console may set; anything else in a request is ignored.
EDITABLE = (
    "client_name", "department", "redirect_uris", "post_logout_redirect_uris",
    "backchannel_logout_uri", "frontchannel_logout_uri", "scope", "allowed_claims",
    "min_level", "subject_type", "first_party", "token_endpoint_auth_method",
    "application_type", "first_factors", "account_classes", "grant_types", "upstreams",
)
_LISTS = ("redirect_uris", "post_logout_redirect_uris", "allowed_claims", "first_factors",
          "account_classes", "grant_types", "upstreams")
# Checkbox lists: a hidden "<field>_sent" marker says the list was on the form (even if empty).
_CHECKBOXES = ("allowed_claims", "account_classes", "first_factors", "upstreams")
_FLAGS = ("first_party",)


def lines(value: Any) -> list[str]:
    """A textarea (one item per line, or spaces) or a JSON array, as a clean list."""
    items = value if isinstance(value, list) else [value]
    return [part for item in items for part in str(item or "").split()]


def to_metadata(values: Mapping[str, Any], *, from_form: bool) -> dict[str, Any]:
    """Only the editable fields that were sent, in RFC 7591 types."""
    metadata: dict[str, Any] = {}
    for field in EDITABLE:
        if field in _FLAGS and from_form:
            # An unticked checkbox is absent from a form: absent means false.
            metadata[field] = values.get(field) in ("1", "on", "true", True)
            continue
        if field == "scope" and from_form and values.get("scope_sent"):
            # The form's scope checkboxes (the API and older forms send one string).
            metadata[field] = " ".join(values.getlist(field))
            continue
        if field in _CHECKBOXES and from_form:
            if values.get(f"{field}_sent"):
                metadata[field] = list(values.getlist(field))
            continue
        if field not in values:
            continue
        value = values[field]
        if field in _LISTS:
            metadata[field] = lines(value)
        elif field == "min_level":
            metadata[field] = _int(value)
        elif field in ("backchannel_logout_uri", "frontchannel_logout_uri", "department"):
            metadata[field] = (str(value).strip() or None) if value is not None else None
        elif field == "scope":
            metadata[field] = " ".join(lines(value))
        else:
            metadata[field] = value.strip() if isinstance(value, str) else value
    return metadata


def _int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value  # validation names the field
