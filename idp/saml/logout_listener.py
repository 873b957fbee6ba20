"""SAML single logout for sessions ended anywhere else (portal, OIDC, admin, a SAML SP).

Registered on ``services.sessions.end_listeners``. An SP whose metadata lists a SOAP
SingleLogoutService gets a signed LogoutRequest over the back channel (Profiles §4.4.3.4,
Bindings §3.2), in parallel with a short timeout, so an unreachable SP cannot hold up the
logout. SPs with only front-channel endpoints need the browser: ``slo`` visits them when an SP
started the logout, and ``frontchannel_urls`` gives other logout pages signed LogoutRequest
URLs to load in iframes, as OIDC front-channel logout does.
"""

from __future__ import annotations

import logging
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from clients.saml.registry import get_sp
from idp.audit import SYSTEM_ACTOR, EventType, Outcome, record
from idp.saml import constants as c
from idp.saml import messages
from idp.saml.bindings import redirect_url
from idp.saml.endpoints import entity_id
from idp.saml.errors import SamlError
from idp.saml.idp_keys import signer
from idp.saml.xml import parse
from idp.services import Services
from idp.sso.session import SsoSession

log = logging.getLogger(__name__)
PREFIX = "saml:"
TIMEOUT_SECONDS = 3
_NS = {"samlp": c.SAMLP, "soap": c.SOAP_ENV}


def listener(services: Services):
    def on_session_end(session: SsoSession, context: Any) -> None:
        initiator = context.get("initiator") if isinstance(context, dict) else None
        jobs = []
        for key, held in session.participants.items():
            if not key.startswith(PREFIX) or key == initiator:
                continue
            sp = get_sp(services, key[len(PREFIX):])
            endpoint = sp.slo_endpoint((c.SOAP,)) if sp is not None else None
            if endpoint is not None:
                jobs.append((sp.entity_id, endpoint["location"],
                             _soap_request(services, sp.entity_id, endpoint["location"],
                                           held, session.sid)))
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=min(8, len(jobs))) as pool:
            results = list(pool.map(lambda job: _send(*job), jobs))
        with services.db.begin() as db:
            for (sp_id, _, _), ok in zip(jobs, results, strict=True):
                record(db, EventType.LOGOUT, Outcome.SUCCESS if ok else Outcome.FAILURE,
                       actor=SYSTEM_ACTOR, account_id=session.account_id,
                       username=session.username, client_id=sp_id[:128], sid=session.sid,
                       channel="saml-soap")

    return on_session_end


def revoker(services: Services):
    """The ``sessions.participant_revokers`` entry: "sign out of this site" on the account
    page logs the person out of that SP, over SOAP when its metadata offers it."""

    def on_revoke(session: SsoSession, key: str, held: dict) -> None:
        sp = get_sp(services, key[len(PREFIX):]) if key.startswith(PREFIX) else None
        endpoint = sp.slo_endpoint((c.SOAP,)) if sp is not None else None
        if endpoint is None or not held:
            return
        ok = _send(sp.entity_id, endpoint["location"], _soap_request(
            services, sp.entity_id, endpoint["location"], held, session.sid))
        with services.db.begin() as db:
            record(db, EventType.LOGOUT, Outcome.SUCCESS if ok else Outcome.FAILURE,
                   actor=SYSTEM_ACTOR, account_id=session.account_id, username=session.username,
                   client_id=sp.entity_id[:128], sid=session.sid, channel="saml-soap",
                   initiator="revoke")

    return on_revoke


def frontchannel_urls(services: Services, session: SsoSession) -> list[str]:
    """Signed HTTP-Redirect LogoutRequest URLs for the session's SAML SPs that have no SOAP
    endpoint, for a logout page to load in iframes (call before ending the session)."""
    urls = []
    for key, held in session.participants.items():
        sp = get_sp(services, key[len(PREFIX):]) if key.startswith(PREFIX) else None
        if sp is None or sp.slo_endpoint((c.SOAP,)) is not None:
            continue
        endpoint = sp.slo_endpoint((c.REDIRECT,))
        if endpoint is None:
            continue
        request = _logout_request(services, sp.entity_id, endpoint["location"], held, session.sid)
        urls.append(redirect_url(endpoint["location"], "SAMLRequest",
                                 messages.serialize(request), None, signer(services).key))
    return urls


def _logout_request(services: Services, sp_id: str, location: str, held: dict, sid: str):
    return messages.logout_request(entity_id(services.settings.issuer), location,
                                   held["nameid"], held["format"], sp_id, sid, time.time())


def _soap_request(services: Services, sp_id: str, location: str, held: dict, sid: str) -> bytes:
    signed = signer(services).sign(_logout_request(services, sp_id, location, held, sid))
    body = messages.serialize(signed).split(b"?>", 1)[-1]
    return (f'<soap:Envelope xmlns:soap="{c.SOAP_ENV}"><soap:Body>'.encode() + body
            + b"</soap:Body></soap:Envelope>")


def _send(sp_id: str, location: str, envelope: bytes) -> bool:
    request = urllib.request.Request(  # noqa: S310 - an http(s) URL from registered metadata
        location, data=envelope, headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": "http://www.oasis-open.org/committees/security"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            root = parse(response.read())
        code = root.find("soap:Body/samlp:LogoutResponse/samlp:Status/samlp:StatusCode", _NS)
        ok = code is not None and code.get("Value") == c.SUCCESS
        log.info("SAML back-channel logout to %s: %s", sp_id, "ok" if ok else "refused")
        return ok
    except (OSError, SamlError) as exc:  # URLError, HTTPError, timeouts, bad XML
        log.warning("SAML back-channel logout to %s failed: %s", sp_id, exc)
        return False
