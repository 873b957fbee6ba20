"""Pushed authorization requests (RFC 9126) in the Store: a single-use ``request_uri`` for the
parameters a client POSTed to ``/par``, valid for ``PAR_TTL`` seconds."""

from __future__ import annotations

import secrets

from idp.oidc.authorization.pending_requests import Params
from idp.store import Store, put_json, take_json

PAR_TTL = 60  # RFC 9126 §2.2: a short-lived, single-use reference
PAR_URN = "urn:ietf:params:oauth:request_uri:"


def push(store: Store, client_id: str, params: Params) -> str:
    """Keep a pushed request; returns its request_uri."""
    reference = secrets.token_urlsafe(24)
    put_json(store, f"oidc-par:{reference}", {"client_id": client_id, "params": params}, PAR_TTL)
    return PAR_URN + reference


def take_pushed(store: Store, request_uri: str, client_id: str | None) -> Params | None:
    """The pushed parameters, once, if request_uri is ours and client_id matches."""
    if not request_uri.startswith(PAR_URN):
        return None
    data = take_json(store, f"oidc-par:{request_uri[len(PAR_URN):]}")
    if data is None or data["client_id"] != client_id:
        return None
    return data["params"]
