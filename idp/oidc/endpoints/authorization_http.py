"""The HTTP side of the authorization decisions, shared by the authorize, consent,
account-chooser and PAR views: request parameters in, the ``Flow`` of this request (its SSO
session, the server, the audit actor), an ``Outcome`` out as a response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, make_response, redirect, request
from werkzeug.datastructures import MultiDict

from idp.oidc.audit_actor import actor
from idp.oidc.authorization import decisions, outcomes, pending_requests
from idp.oidc.authorization.pending_requests import Params
from idp.oidc.endpoints.response_modes import authorization_response
from idp.oidc.server import oidc_server
from idp.services import services
from idp.web.errors import render_error
from idp.web.sso_cookie import current_session

# Bounds on what one authorization request may carry (bad input never costs a 500).
_MAX_PARAMS = 64
_MAX_VALUE = 8192


def params_of(values: MultiDict) -> Params:
    """Request parameters as lists (repeats stay visible to Authlib's RFC 6749 §3.1 check)."""
    params = {k: [v[:_MAX_VALUE] for v in values.getlist(k)] for k in list(values)[:_MAX_PARAMS]}
    return {k: v for k, v in params.items() if v}


def flow() -> decisions.Flow:
    current = current_session()
    token, session = current if current else (None, None)
    return decisions.Flow(services=services(), server=oidc_server(), sso_token=token,
                          session=session, actor=actor())


def render(outcome: outcomes.Outcome) -> Response:
    if isinstance(outcome, outcomes.Respond):
        return authorization_response(outcome.redirect_uri, outcome.params, outcome.mode,
                                      services().settings.issuer)
    if isinstance(outcome, outcomes.GoLogin):
        return redirect(f"/login?login={outcome.login_id}", code=303)
    if isinstance(outcome, outcomes.AskConsent):
        return redirect(f"/authorize/consent?pending={outcome.pending_id}", code=303)
    if isinstance(outcome, outcomes.ChooseAccount):
        return redirect(f"/authorize/select-account?pending={outcome.pending_id}", code=303)
    return render_error(400, outcome.description)


@dataclass(frozen=True)
class PendingPage:
    """What a page shown mid-authorization (consent, account chooser) needs."""

    saved: pending_requests.Pending
    flow: decisions.Flow
    client: Any


def pending_page() -> PendingPage | Response:
    """The kept request named by ?pending= with its live session and client, or the error
    page to show instead (expired request, no session, client gone)."""
    saved = pending_requests.load(services().store, request.args.get("pending"))
    current = flow()
    if saved is None or current.session is None:
        return make_response(render_error(400, outcomes.EXPIRED))
    client = oidc_server().query_client((saved.params.get("client_id") or [None])[0])
    if client is None:
        return make_response(render_error(400))
    return PendingPage(saved, current, client)
