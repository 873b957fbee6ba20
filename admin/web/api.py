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
from admin.fetch import fetch_metadata
from admin.oidc_form import to_metadata
from admin.relying_parties import list_relying_parties
from admin.roles import Permission
from admin.web import api_bp as bp
from admin.web.audit_views import export_response
from admin.web.guard import api
from clients.metadata import to_metadata as client_metadata
from idp.audit.query import as_record
from idp.services import services
from idp.web import csrf


def _text(value) -> str | None:
    return value.strip()[:200] or None if isinstance(value, str) else None


def _body() -> dict:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def _grant(grant) -> dict:
    return {"role": str(getattr(grant, "role", "")), "department": getattr(grant, "department",
                                                                          None)}


@bp.get("/me")
@api()
def me(admin):
    return {"account_id": admin.account_id, "username": admin.username,
            "roles": [_grant(g) for g in admin.grants], "csrf_token": csrf.token()}


@bp.get("/relying-parties")
@api(Permission.RP_VIEW)
def relying_parties(admin):
    rows = list_relying_parties(services(), admin, request.args.get("q", "")[:100])
    return {"relying_parties": [asdict(rp) for rp in rows]}


@bp.post("/clients")
@csrf.exempt
@api(Permission.RP_REGISTER)
def client_create(admin):
    body = _body()
    client, secret = oidc_clients.register(services(), admin, to_metadata(body, from_form=False),
                                           body.get("reason"))
    return jsonify({**client_metadata(client, policy=True), "client_secret": secret}), 201


@bp.get("/clients/<client_id>")
@api(Permission.RP_VIEW)
def client_get(admin, client_id):
    return client_metadata(oidc_clients.get_client(services(), admin, client_id[:64]),
                           policy=True)


@bp.patch("/clients/<client_id>")
@csrf.exempt
@api(Permission.RP_EDIT)
def client_patch(admin, client_id):
    body = _body()
    client, secret = oidc_clients.update(services(), admin, client_id[:64],
                                         to_metadata(body, from_form=False), body.get("reason"))
    data = client_metadata(client, policy=True)
    return {**data, "client_secret": secret} if secret else data


@bp.post("/clients/<client_id>/disable")
@csrf.exempt
@api(Permission.RP_DISABLE)
def client_disable(admin, client_id):
    body = _body()
    client = oidc_clients.set_disabled(services(), admin, client_id[:64],
                                       body.get("disabled", True) is not False, body.get("reason"))
    return {"client_id": client.client_id, "disabled": client.disabled}


@bp.post("/clients/<client_id>/secret")
@csrf.exempt
@api(Permission.RP_ROTATE_SECRET)
def client_rotate(admin, client_id):
    secret = oidc_clients.rotate_secret(services(), admin, client_id[:64], _body().get("reason"))
    return {"client_id": client_id, "client_secret": secret}


@bp.post("/saml")
@csrf.exempt
@api(Permission.RP_REGISTER)
def saml_create(admin):
    body = _body()
    url, xml = body.get("metadata_url"), body.get("metadata_xml")
    allow_private = services().settings.metadata_fetch_allow_private
    raw = xml.encode() if isinstance(xml, str) else (
        fetch_metadata(str(url), allow_private=allow_private) if url else b"")
    level = body.get("min_level", 1)
    attributes = body.get("allowed_attributes") or []
    sp = saml_sps.register(
        services(), admin, raw, body.get("reason"), department=_text(body.get("department")),
        name=_text(body.get("name")),
        allowed_attributes=[str(a) for a in attributes] if isinstance(attributes, list) else [],
        min_level=level if level in (1, 2, 3) else 0)
    return jsonify(sp.summary()), 201


@bp.get("/saml")
@api(Permission.RP_VIEW)
def saml_get(admin):
    return saml_sps.get_sp(services(), admin, request.args.get("entity_id", "")[:1024]).summary()


@bp.patch("/saml")
@csrf.exempt
@api(Permission.RP_EDIT)
def saml_patch(admin):
    body = _body()
    sp = saml_sps.update_policy(services(), admin, request.args.get("entity_id", "")[:1024],
                                body, body.get("reason"))
    return sp.summary()


@bp.post("/accounts/search")
@csrf.exempt
@api(Permission.ACCOUNTS_SEARCH)
def account_search(admin):
    # POST, not a query string: an ID number must not be written to access logs.
    people = accounts.search_persons(services(), admin, str(_body().get("q", ""))[:64])
    return {"accounts": [_person(p) for p in people]}


def _person(person) -> dict:
    return {"id": person.id, "username": person.username, "name": person.name,
            "account_class": person.account_class, "assurance_level": person.assurance_level,
            "disabled": person.disabled}


@bp.get("/accounts/<person_id>")
@api(Permission.ACCOUNTS_VIEW)
def account_get(admin, person_id):
    view = accounts.overview(services(), admin, person_id[:36])
    return {
        **_person(view.person),
        "locked_until": view.block.until if view.block else None,
        "sessions": [{"sid": s.sid, "level": s.level, "amr": s.amr, "created_at": s.created_at,
                      "last_seen": s.last_seen, "participants": sorted(s.participants)}
                     for s in view.sessions],
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
@api(Permission.ACCOUNTS_UNLOCK)
def account_unlock(admin, person_id):
    accounts.unlock_account(services(), admin, person_id[:36], _body().get("reason"))
    return {"unlocked": True}


@bp.post("/accounts/<person_id>/logout")
@csrf.exempt
@api(Permission.ACCOUNTS_FORCE_LOGOUT)
def account_logout(admin, person_id):
    ended = accounts.force_logout(services(), admin, person_id[:36], _body().get("reason"))
    return {"sessions_ended": ended}


@bp.post("/accounts/<person_id>/revoke")
@csrf.exempt
@api(Permission.ACCOUNTS_REVOKE_AUTHORISATION)
def account_revoke(admin, person_id):
    body = _body()
    count = accounts.revoke_authorisation(services(), admin, person_id[:36],
                                          str(body.get("credit_code", ""))[:32],
                                          body.get("reason"))
    return {"revoked": count}


@bp.get("/keys")
@api(Permission.KEYS_VIEW)
def key_list(admin):
    return {"keys": [{**asdict(k), "age": k.age} for k in signing_keys.list_keys(services(),
                                                                                 admin)]}


@bp.get("/settings")
@api(Permission.SETTINGS)
def settings_overview(admin):
    """The running settings, secrets masked (``admin.running_settings``)."""
    return {"sections": [asdict(s) for s in running_settings.overview(services(), admin)]}


@bp.post("/keys/rotate")
@csrf.exempt
@api(Permission.KEYS_ROTATE)
def key_rotate(admin):
    body = _body()
    result = signing_keys.rotate(services(), admin, str(body.get("alg", ""))[:16],
                                 body.get("reason"))
    return asdict(result)


@bp.get("/audit")
@api(Permission.AUDIT_READ)
def audit_search(admin):
    filter = audit_log.parse_filter(services(), request.args)
    page = audit_log.search(services(), admin, filter, request.args.get("after"),
                            _limit(request.args.get("limit")))
    return {"events": [as_record(_fields(e)) for e in page.events],
            "next": page.next.token if page.next else None}


def _limit(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 50


@bp.get("/audit/export")
@api(Permission.AUDIT_EXPORT)
def audit_export(admin):
    return export_response(admin, request.args.get("format", "jsonl"))


@bp.get("/dashboard")
@api(Permission.DASHBOARD_VIEW)
def dashboard_data(admin):
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
@api()
def logout(admin):
    from admin.web import session as console

    console.end()
    session.pop("csrf", None)
    return {"signed_out": True}
