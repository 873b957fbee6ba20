"""A copy of one's own data (PIPL art. 45): the record in clear, as JSON.

Everything the IdP keeps about the person and nobody else: the account (name, phone, e-mail,
address unsealed; the ID number masked, or in full after a fresh password, ``idp.authn.reauth``),
the consents given to sites, the sites holding a live grant (refresh token), and the
authorisations to act for legal persons. The download is audited (``account.data_export``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from clients.consent import consents_for
from idp.accounts.deletion import pending
from idp.accounts.models import Authorisation, LegalPerson
from idp.accounts.service import get_person, person_claims
from idp.audit import Actor, EventType, record
from idp.audit.chain import as_utc
from idp.db import utcnow
from idp.masking import mask_id_number
from idp.oidc.grants.refresh_token_model import RefreshToken
from idp.privacy.history import site_names
from idp.services import Services

FORMAT = "yiwang.personal-data/1"


def data_copy(services: Services, actor: Actor, account_id: str, *,
              full_id_number: bool) -> dict[str, Any] | None:
    """The person's data as a JSON-ready dict, the export audited; None for no account."""
    person = get_person(services, account_id)
    if person is None:
        return None
    claims = person_claims(services, person)
    number = claims["id_number"] if full_id_number else mask_id_number(claims["id_number"])
    now = utcnow()
    with services.db.begin() as session:
        consents = consents_for(session, account_id)
        grants = session.execute(
            select(RefreshToken.client_id, RefreshToken.scope, RefreshToken.created_at)
            .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None),
                   RefreshToken.rotated_at.is_(None), RefreshToken.family_expires_at > now)
        ).all()
        names = site_names(session, {c.client_id for c in consents} | {g[0] for g in grants})
        authorisations = session.execute(
            select(Authorisation, LegalPerson)
            .join(LegalPerson, Authorisation.legal_person_id == LegalPerson.id)
            .where(Authorisation.person_id == account_id).order_by(Authorisation.granted_at)
        ).all()
        record(session, EventType.DATA_EXPORT, actor=actor, account_id=person.id,
               username=person.username, id_number="full" if full_id_number else "masked")
    deletion = pending(services, account_id)
    return {
        "format": FORMAT,
        "exported_at": _iso(now),
        "account": {
            "id": person.id, "username": person.username, "name": claims["name"],
            "id_number": number, "id_number_masked": not full_id_number,
            "phone": claims["phone"], "email": claims["email"], "address": claims["address"],
            "phone_verified_at": _iso(person.phone_verified_at),
            "assurance_level": person.assurance_level, "created_at": _iso(person.created_at),
            "privacy_notice": {"version": person.privacy_notice_version,
                               "accepted_at": _iso(person.privacy_notice_accepted_at)},
            "deletion_due": _iso(deletion.purge_after) if deletion else None,
        },
        "consents": [{"site": names.get(c.client_id, c.client_id), "client_id": c.client_id,
                      "scopes": list(c.scopes), "granted_at": _iso(c.granted_at)}
                     for c in consents],
        "authorised_sites": [{"site": names.get(client, client), "client_id": client,
                              "scope": scope, "since": _iso(since)}
                             for client, scope, since in grants],
        "authorisations": [{
            "legal_person": legal.name, "credit_code": legal.credit_code, "role": grant.role,
            "valid_from": _iso(grant.valid_from), "valid_until": _iso(grant.valid_until),
            "granted_by": grant.granted_by, "revoked_at": _iso(grant.revoked_at),
        } for grant, legal in authorisations],
    }


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat().replace("+00:00", "Z") if moment else None
