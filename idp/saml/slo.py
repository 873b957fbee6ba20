"""Single logout (SAML Profiles §4.4), SP-initiated, front-channel through the browser.

A signed LogoutRequest ends the SSO session with ``idp.sso.logout.end_session``: the end
listeners log the person out of OIDC clients (back-channel) and of SAML SPs with a SOAP logout
endpoint (``logout_listener``). OIDC clients with a front-channel logout URI are loaded in
iframes by the first page, which then continues by itself. The other SAML SPs of the session
are then visited in turn through the browser — a LogoutRequest each, their LogoutResponse
brings the browser back here — and finally the initiator gets our signed LogoutResponse
(PartialLogout if any SP failed).
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from clients.saml.models import ServiceProvider
from clients.saml.registry import get_sp
from idp.audit import Actor, EventType, Outcome, record
from idp.saml import constants as c
from idp.saml import messages
from idp.saml.answers import Answer
from idp.saml.authn_request import check_issue_instant, check_signature
from idp.saml.bindings import Inbound
from idp.saml.endpoints import entity_id, slo_url
from idp.saml.errors import MalformedMessage, RequestDenied, SamlError
from idp.saml.outbound import send
from idp.services import Services
from idp.sso.logout import end_session, frontchannel_urls
from idp.sso.session import SsoSession

STATE_PREFIX = "saml-slo:"
STATE_TTL = 10 * 60
FRONT_CHANNEL = (c.REDIRECT, c.POST)
_NS = {"samlp": c.SAMLP, "saml": c.SAML}


def handle_request(services: Services, inbound: Inbound, current: tuple[str, SsoSession] | None,
                   actor: Actor) -> Answer:
    """An SP asks to end the session (its LogoutRequest)."""
    root = inbound.root
    if root.tag != f"{{{c.SAMLP}}}LogoutRequest":
        return Answer.error("not a LogoutRequest")
    sp = _issuer(services, root)
    if sp is None:
        return Answer.error("unknown service provider")
    endpoint = sp.slo_endpoint((inbound.binding, *FRONT_CHANNEL))
    if endpoint is None:
        return Answer.error("the service provider has no logout endpoint in its metadata")
    request_id = root.get("ID")
    try:
        _check(services, inbound, sp)
    except SamlError as error:
        with services.db.begin() as db:
            record(db, EventType.LOGOUT, Outcome.FAILURE, actor=actor,
                   client_id=sp.entity_id[:128], reason=type(error).__name__,
                   detail=error.detail[:200])
        return _reply(services, sp, endpoint, request_id, None, error.status, error.substatus)
    nameid = (root.findtext("saml:NameID", namespaces=_NS) or "").strip()
    indexes = [(e.text or "").strip() for e in root.findall("samlp:SessionIndex", _NS)]
    found = _session_of(services, current, sp, nameid, indexes)
    key = f"saml:{sp.entity_id}"
    state = {"reply": {"sp": sp.entity_id, "binding": endpoint["binding"], "id": request_id,
                       "relay_state": inbound.relay_state}, "queue": [], "partial": False}
    frames: list[str] = []
    if found is not None:
        token, session = found
        state["queue"] = [
            {"sp": k[len("saml:"):], **v} | {"sid": session.sid}
            for k, v in session.participants.items() if k.startswith("saml:") and k != key
        ]
        # The SAML SPs are visited in the chain below; the others' front channels (OIDC
        # Front-Channel Logout 1.0 §3) need the browser too, before the session is forgotten.
        frames = frontchannel_urls(services, session, skip=("saml",))
        end_session(services, token=token, sid=None if token else session.sid, actor=actor,
                    initiator=key, client_id=sp.entity_id[:128])
    answer = _continue(services, state)
    answer.clear_session = found is not None and found[0] is not None
    answer.frames = frames
    return answer


def handle_response(services: Services, inbound: Inbound, actor: Actor) -> Answer:
    """An SP answers a LogoutRequest we sent it in a logout chain."""
    root = inbound.root
    raw = services.store.take(STATE_PREFIX + inbound.relay_state) if inbound.relay_state else None
    if root.tag != f"{{{c.SAMLP}}}LogoutResponse" or raw is None:
        return Answer("page", message="")
    state = json.loads(raw)
    sp = _issuer(services, root)
    ok = sp is not None and sp.entity_id == state.get("waiting_for")
    try:
        ok = ok and root.get("InResponseTo") == state.get("waiting_id")
        ok = ok and check_signature(inbound, sp)
    except SamlError:
        ok = False
    status = root.find("samlp:Status/samlp:StatusCode", _NS)
    if not ok or status is None or status.get("Value") != c.SUCCESS:
        state["partial"] = True
    return _continue(services, state)


def _continue(services: Services, state: dict[str, Any]) -> Answer:
    """Send the browser to the next SP to log out, or answer the initiator."""
    issuer = services.settings.issuer
    while state["queue"]:
        item = state["queue"].pop(0)
        sp = get_sp(services, item["sp"])
        if sp is None or sp.slo_endpoint((c.SOAP,)) is not None:
            continue  # SPs with a SOAP endpoint were told by the end listener
        endpoint = sp.slo_endpoint(FRONT_CHANNEL)
        if endpoint is None:
            continue
        request = messages.logout_request(
            entity_id(issuer), endpoint["location"], item["nameid"], item["format"],
            sp.entity_id, item["sid"], time.time())
        key = secrets.token_urlsafe(24)
        state["waiting_for"], state["waiting_id"] = sp.entity_id, request.get("ID")
        services.store.put(STATE_PREFIX + key, json.dumps(state), STATE_TTL)
        return send(services, endpoint, "SAMLRequest", request, key)
    reply = state["reply"]
    sp = get_sp(services, reply["sp"])
    if sp is None:
        return Answer("page")
    status = c.SUCCESS if not state["partial"] else c.RESPONDER
    substatus = c.PARTIAL_LOGOUT if state["partial"] else None
    endpoint = sp.slo_endpoint((reply["binding"], *FRONT_CHANNEL))
    return _reply(services, sp, endpoint, reply["id"], reply["relay_state"], status, substatus)


def _reply(services: Services, sp: ServiceProvider, endpoint: dict, request_id: str | None,
           relay_state: str | None, status: str, substatus: str | None) -> Answer:
    location = endpoint.get("response_location") or endpoint["location"]
    response = messages.logout_response(
        entity_id(services.settings.issuer), location, request_id, status, time.time(),
        substatus=substatus)
    return send(services, endpoint, "SAMLResponse", response, relay_state, location=location)


def _check(services: Services, inbound: Inbound, sp: ServiceProvider) -> None:
    root = inbound.root
    inbound.check_relay_state()
    if root.get("Version") != "2.0" or not root.get("ID"):
        raise MalformedMessage("not a SAML 2.0 request with an ID")
    # Profiles §4.4.4.1: a LogoutRequest over a front-channel binding MUST be signed.
    if not check_signature(inbound, sp):
        raise RequestDenied("logout requests must be signed")
    if root.get("Destination") != slo_url(services.settings.issuer):
        raise RequestDenied("Destination is not this endpoint")
    now = int(time.time())
    check_issue_instant(root.get("IssueInstant"), now)
    if not services.store.add(f"saml-rid:{sp.entity_id}:{root.get('ID')}", "1", 600):
        raise RequestDenied("request ID already used")


def _session_of(services: Services, current, sp: ServiceProvider, nameid: str, indexes: list[str]):
    """(cookie token or None, session) the request names: the browser's own session, or the
    one its SessionIndex names, when that session gave this SP this NameID."""
    key = f"saml:{sp.entity_id}"
    candidates = [current] if current is not None else []
    candidates += [(None, s) for s in map(services.sessions.by_sid, indexes) if s is not None]
    for token, session in candidates:
        held = session.participants.get(key)
        if held and held.get("nameid") == nameid and (not indexes or session.sid in indexes):
            return token, session
    return None


def _issuer(services: Services, root) -> ServiceProvider | None:
    sp = get_sp(services, (root.findtext("saml:Issuer", namespaces=_NS) or "").strip())
    return sp if sp is not None and not sp.disabled else None

