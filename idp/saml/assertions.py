"""Answering an SP: the signed (and optionally encrypted) assertion in a Response, or an
error-status Response — never an assertion for a request we refuse."""

from __future__ import annotations

import time

from clients.saml.models import ServiceProvider
from federation.staff_accounts import staff_claims
from idp.accounts.enums import AccountClass
from idp.accounts.service import claims_row, person_claims
from idp.saml import constants as c
from idp.saml import messages
from idp.saml.attributes import released
from idp.saml.bindings import post_fields
from idp.saml.encryption import encrypt_assertion
from idp.saml.endpoints import entity_id
from idp.saml.errors import SamlError
from idp.saml.idp_keys import signer
from idp.saml.nameid import KEY_PURPOSE, persistent, transient
from idp.services import Services
from idp.sso.session import SsoSession

# Claims that come from the session, not from the person's record.
_SESSION_CLAIMS = {"acr", "sub", "legal_person", "preferred_username"}


def participant_key(sp: ServiceProvider) -> str:
    return f"saml:{sp.entity_id}"


def nameid_for(services: Services, sp: ServiceProvider, session: SsoSession, fmt: str) -> str:
    if fmt == c.TRANSIENT:
        known = session.participants.get(participant_key(sp), {})
        return known["nameid"] if known.get("format") == c.TRANSIENT else transient()
    return persistent(services.keyring.key(KEY_PURPOSE)[1], sp.entity_id, session.account_id)


def person_row(services: Services, sp: ServiceProvider, account_id: str):
    """The person's claims row (``claims_row``, which has the account class too) when sp is
    allowed personal claims, else None: only those SPs cost a lookup of the person."""
    if set(sp.allowed_attributes) - _SESSION_CLAIMS:
        return claims_row(services, account_id)
    return None


def success_fields(
    services: Services, sp: ServiceProvider, session: SsoSession, person, *, acs_url: str,
    in_response_to: str | None, nameid: str, nameid_format: str, relay_state: str | None,
    class_ref: str | None = None,
) -> dict[str, str]:
    """The POST form fields carrying a signed Response with the session's assertion; person is
    ``person_row``'s answer. Its AuthnContextClassRef is the session's level unless a requested
    class met is given."""
    now = time.time()
    issuer = entity_id(services.settings.issuer)
    claims = person_claims(services, person) if person is not None else {}
    if person is not None and person.account_class == AccountClass.STAFF:
        claims.update(staff_claims(services, session.account_id))
    claims["username"] = session.username
    facts = messages.AssertionFacts(
        issuer=issuer, audience=sp.entity_id, recipient=acs_url, nameid=nameid,
        nameid_format=nameid_format, in_response_to=in_response_to,
        session_index=session.sid, auth_time=session.auth_time,
        class_ref=class_ref or c.LEVEL_CLASSES.get(session.level, c.LEVEL_CLASSES[1]),
        decl_ref=_method_class(session.amr, services.settings.issuer),
        attributes=released(claims, session.acting_for, session.level, sp.allowed_attributes),
    )
    sign = signer(services)
    assertion = sign.sign(messages.assertion(facts, now))  # CONFORMANCE: always signed
    if sp.encryption_certs and sp.encrypt_assertions:
        assertion = encrypt_assertion(assertion, sp.encryption_certs[0])
    response = messages.response(issuer, acs_url, in_response_to, c.SUCCESS, now)
    response.append(assertion)
    if sp.sign_response:
        response = sign.sign(response)
    return post_fields("SAMLResponse", messages.serialize(response), relay_state)


def error_fields(services: Services, acs_url: str, in_response_to: str | None, error: SamlError,
                 relay_state: str | None) -> dict[str, str]:
    """A signed error-status Response (Core §3.2.2.2) carrying the public description."""
    issuer = entity_id(services.settings.issuer)
    response = messages.response(
        issuer, acs_url, in_response_to, error.status, time.time(), substatus=error.substatus,
        message=error.description,
    )
    return post_fields("SAMLResponse", messages.serialize(signer(services).sign(response)),
                       relay_state)


def _method_class(amr: list[str], issuer: str) -> str:
    """The standard class of the method really used (AuthnContext §3.4)."""
    for method, ref in c.METHOD_CLASSES.items():
        if method in amr:
            return ref
    if "pwd" in amr:
        return c.PASSWORD_PROTECTED if issuer.startswith("https://") else c.PASSWORD
    return c.UNSPECIFIED_CLASS
