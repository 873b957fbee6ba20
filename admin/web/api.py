"""The JSON API under /admin/api: the console's pages as JSON, same services, same checks.

Writes send JSON with a ``reason`` and the ``X-CSRF-Token`` header (from ``GET /admin/api/me``).
"""

from __future__ import annotations

from dataclasses import asdict

from flask import jsonify, request, session

from admin import (
    accounts,
    audit_log,
    dashboard,
    oidc_clients,
    running_settings,
    saml_sps,
    signing_keys,
)
from admin.errors import AdminError
from admin.fetch import fetch_metadata
from admin.oidc_form import to_metadata
from admin.relying_parties import list_relying_parties
from admin.roles import Permission
from admin.web import schemas as s
from admin.web.audit_views import MEDIA_TYPES, export_response
from admin.web.blueprints import api_bp as bp
from admin.web.guard import api
from admin.web.guard import body as _body
from clients.metadata import to_metadata as client_metadata
from idp.audit.query import MAX_PAGE, as_record
from idp.params import InvalidInteger, parse_int
from idp.services import services
from idp.web import csrf


def _text(value) -> str | None:
    return value.strip()[:200] or None if isinstance(value, str) else None


def _grant(grant) -> dict:
    return {"role": str(getattr(grant, "role", "")), "department": getattr(grant, "department",
                                                                          None)}


@bp.get("/me")
@api(returns=s.ME)
def me(admin):
    """Who is signed in, their roles, and the CSRF token that writes send."""
    return {"account_id": admin.account_id, "username": admin.username,
            "roles": [_grant(g) for g in admin.grants], "csrf_token": csrf.token()}


@bp.get("/relying-parties")
@api(Permission.RP_VIEW, query=s.RP_SEARCH, returns=s.RELYING_PARTIES)
def relying_parties(admin):
    """The relying parties (OIDC clients and SAML SPs) this administrator may see."""
    rows = list_relying_parties(services(), admin, request.args.get("q", "")[:100])
    return {"relying_parties": [asdict(rp) for rp in rows]}


@bp.post("/clients")
@csrf.exempt
@api(Permission.RP_REGISTER, body=s.CLIENT_NEW, returns=s.CLIENT, status=201)
def client_create(admin):
    """Register an OIDC client; its secret is in this answer only."""
    body = _body()
    client, secret = oidc_clients.register(services(), admin, to_metadata(body, from_form=False),
                                           body.get("reason"))
    return jsonify({**client_metadata(client, policy=True), "client_secret": secret}), 201


@bp.get("/clients/<client_id>")
@api(Permission.RP_VIEW, returns=s.CLIENT)
def client_get(admin, client_id):
    """One OIDC client's metadata and policy."""
    return client_metadata(oidc_clients.get_client(services(), admin, client_id[:64]),
                           policy=True)


@bp.patch("/clients/<client_id>")
@csrf.exempt
@api(Permission.RP_EDIT, body=s.CLIENT_CHANGE, returns=s.CLIENT)
def client_patch(admin, client_id):
    """Change an OIDC client's policy (the fields sent)."""
    body = _body()
    client, secret = oidc_clients.update(services(), admin, client_id[:64],
                                         to_metadata(body, from_form=False), body.get("reason"))
    data = client_metadata(client, policy=True)
    return {**data, "client_secret": secret} if secret else data


@bp.post("/clients/<client_id>/disable")
@csrf.exempt
@api(Permission.RP_DISABLE, body=s.CLIENT_DISABLE, returns=s.CLIENT_STATE)
def client_disable(admin, client_id):
    """Disable an OIDC client (or enable it again with ``"disabled": false``)."""
    body = _body()
    client = oidc_clients.set_disabled(services(), admin, client_id[:64],
                                       body.get("disabled", True) is not False, body.get("reason"))
    return {"client_id": client.client_id, "disabled": client.disabled}


@bp.post("/clients/<client_id>/secret")
@csrf.exempt
@api(Permission.RP_ROTATE_SECRET, body=s.REASON_ONLY, returns=s.SECRET)
def client_rotate(admin, client_id):
    """Replace an OIDC client's secret; the new one is in this answer only."""
    secret = oidc_clients.rotate_secret(services(), admin, client_id[:64], _body().get("reason"))
    return {"client_id": client_id, "client_secret": secret}


@bp.post("/saml")
@csrf.exempt
@api(Permission.RP_REGISTER, body=s.SAML_NEW, returns=s.SAML_SP, status=201)
def saml_create(admin):
    """Register a SAML SP from its metadata (sent, or fetched from a vetted URL)."""
    body = _body()
    url, xml = body.get("metadata_url"), body.get("metadata_xml")
    allow_private = services().settings.metadata_fetch_allow_private
    raw = xml.encode() if xml is not None else (
        fetch_metadata(url, allow_private=allow_private) if url else b"")
    sp = saml_sps.register(
        services(), admin, raw, body["reason"], department=_text(body.get("department")),
        name=_text(body.get("name")), allowed_attributes=body.get("allowed_attributes") or [],
        min_level=body.get("min_level", 1), account_classes=body.get("account_classes"),
        first_factors=body.get("first_factors"), upstreams=body.get("upstreams"))
    return jsonify(sp.summary()), 201


@bp.get("/saml")
@api(Permission.RP_VIEW, query=s.ENTITY, returns=s.SAML_SP)
def saml_get(admin):
    """One SAML SP."""
    return saml_sps.get_sp(services(), admin, request.args.get("entity_id", "")[:1024]).summary()


@bp.patch("/saml")
@csrf.exempt
@api(Permission.RP_EDIT, query=s.ENTITY, body=s.SAML_CHANGE, returns=s.SAML_SP)
def saml_patch(admin):
    """Change a SAML SP's policy (the fields sent)."""
    body = _body()
    sp = saml_sps.update_policy(services(), admin, request.args.get("entity_id", "")[:1024],
                                body, body.get("reason"))
    return sp.summary()


@bp.post("/accounts/search")
@csrf.exempt
@api(Permission.ACCOUNTS_SEARCH, body=s.ACCOUNT_SEARCH, returns=s.ACCOUNTS)
def account_search(admin):
    """Persons by ID number (exact), username prefix or exact name."""
    # POST, not a query string: an ID number must not be written to access logs.
    people = accounts.search_persons(services(), admin, _body()["q"])
    return {"accounts": [_person(p) for p in people]}


def _person(person) -> dict:
    return {"id": person.id, "username": person.username, "name": person.name,
            "account_class": person.account_class, "assurance_level": person.assurance_level,
            "disabled": person.disabled}


@bp.get("/accounts/<person_id>")
@api(Permission.ACCOUNTS_VIEW, returns=s.ACCOUNT)
def account_get(admin, person_id):
    """One person: lock, sessions, recent sign-ins, authorisations."""
    view = accounts.overview(services(), admin, person_id[:36])
    return {
        **_person(view.person),
        "locked_until": view.block.until if view.block else None,
        "sessions": [{"sid": one.sid, "level": one.level, "amr": one.amr,
                      "created_at": one.created_at, "last_seen": one.last_seen,
                      "participants": sorted(one.participants)} for one in view.sessions],
        "logins": [as_record(_fields(e)) for e in view.logins],
        "authorisations": [{"legal_person": legal.name, "credit_code": legal.credit_code,
                            "role": grant.role} for grant, legal in view.authorisations],
    }


def _fields(event) -> dict:
    return {name: getattr(event, name) for name in
            ("id", "at", "type", "outcome", "account_id", "username", "client_id", "ip",
             "user_agent", "detail", "lane", "prev_hash", "hash")}


@bp.post("/accounts/<person_id>/unlock")
@csrf.exempt
@api(Permission.ACCOUNTS_UNLOCK, body=s.REASON_ONLY, returns=s.UNLOCKED)
def account_unlock(admin, person_id):
    """Lift a sign-in lock."""
    accounts.unlock_account(services(), admin, person_id[:36], _body().get("reason"))
    return {"unlocked": True}


@bp.post("/accounts/<person_id>/logout")
@csrf.exempt
@api(Permission.ACCOUNTS_FORCE_LOGOUT, body=s.REASON_ONLY, returns=s.LOGGED_OUT)
def account_logout(admin, person_id):
    """End every single sign-on session of a person."""
    ended = accounts.force_logout(services(), admin, person_id[:36], _body().get("reason"))
    return {"sessions_ended": ended}


@bp.post("/accounts/<person_id>/revoke")
@csrf.exempt
@api(Permission.ACCOUNTS_REVOKE_AUTHORISATION, body=s.REVOKE, returns=s.REVOKED)
def account_revoke(admin, person_id):
    """Revoke a person's authorisation to act for a legal person."""
    body = _body()
    count = accounts.revoke_authorisation(services(), admin, person_id[:36],
                                          body["credit_code"],
                                          body.get("reason"))
    return {"revoked": count}


@bp.get("/keys")
@api(Permission.KEYS_VIEW, returns=s.KEYS)
def key_list(admin):
    """The signing keys and their states."""
    return {"keys": [{**asdict(k), "age": k.age} for k in signing_keys.list_keys(services(),
                                                                                 admin)]}


@bp.get("/settings")
@api(Permission.SETTINGS, returns=s.SETTINGS)
def settings_overview(admin):
    """The running settings, secrets masked (``admin.running_settings``)."""
    return {"sections": [asdict(s) for s in running_settings.overview(services(), admin)]}


@bp.post("/keys/rotate")
@csrf.exempt
@api(Permission.KEYS_ROTATE, body=s.KEY_ROTATE, returns=s.ROTATED)
def key_rotate(admin):
    """Rotate the signing key of one algorithm (or the SAML key)."""
    body = _body()
    result = signing_keys.rotate(services(), admin, body["alg"],
                                 body.get("reason"))
    return asdict(result)


@bp.get("/audit")
@api(Permission.AUDIT_READ, query=s.AUDIT_PAGE, returns=s.AUDIT)
def audit_search(admin):
    """One page of audit events, newest first; ``next`` pages on."""
    filter = audit_log.parse_filter(services(), request.args)
    page = audit_log.search(services(), admin, filter, request.args.get("after"),
                            _limit(request.args.get("limit")))
    return {"events": [as_record(_fields(e)) for e in page.events],
            "next": page.next.token if page.next else None}


def _limit(value: str | None) -> int:
    if not value:
        return 50
    try:
        return parse_int(value, minimum=1, maximum=MAX_PAGE, max_digits=4)
    except InvalidInteger as exc:
        raise AdminError("bad_input", f"limit: {exc}") from exc


@bp.get("/audit/export")
@api(Permission.AUDIT_EXPORT, query=s.AUDIT_EXPORT, returns={"type": "string"},
     media=tuple(MEDIA_TYPES.values()))
def audit_export(admin):
    """Every matching event as a CSV or JSON Lines file (the export is itself audited)."""
    return export_response(admin, request.args.get("format", "jsonl"))


@bp.get("/dashboard")
@api(Permission.DASHBOARD_VIEW, returns=s.DASHBOARD)
def dashboard_data(admin):
    """Sign-ins per hour, top failures, tokens per client, sessions, alerts."""
    data = dashboard.build(services(), admin)
    return {
        "hours": [h.isoformat() for h in data.hours], "logins_success": data.logins_ok,
        "logins_failure": data.logins_failed, "top_failing_accounts": data.top_failing_accounts,
        "top_failing_ips": data.top_failing_ips, "tokens_per_client": data.tokens_per_client,
        "active_sessions": data.active_sessions, "active_sessions_capped": data.sessions_capped,
        "alerts": [{"at": a.at.isoformat(), "kind": a.kind.value, "ip": a.ip,
                    "username": a.username, "count": a.count} for a in data.alerts],
    }


@bp.post("/logout")
@csrf.exempt
@api(returns=s.SIGNED_OUT)
def logout(admin):
    """End the console session."""
    from admin.web import session as console

    console.end()
    session.pop("csrf", None)
    return {"signed_out": True}
