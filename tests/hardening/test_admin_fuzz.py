"""No input makes the admin console or its JSON API answer 5xx: hostile variants of requests each
page and API operation accepts, sent to a real `idp serve` on SQLite and PostgreSQL
by a system, a security and an audit administrator (each also meets the pages they may not use).

Every rule under ``/admin`` comes from the app's url_map, so a new page is fuzzed without
touching this file. Baselines name real objects (a client, an SP, a person) and carry the
CSRF token and a reason, so the hostile value reaches the service behind the checks. Seeded.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from admin_console import CSRF, administrators, cookie
from fuzzing import HOSTILE, Fuzzer, assert_no_server_error, endpoints

from idp.accounts.service import find_person_by_username

SEED = 20261207
PER_ENDPOINT = 40  # per rule and per administrator
SINCE = "2024-01-01T00:00"
# Values for this surface beyond fuzzing.HOSTILE: times past the calendar's ends, URLs that
# urllib refuses to split (metadata URLs are fetched), numbers JSON cannot hold.
ADMIN_VALUES = (b"9999-12-31T23:59:59-23:59", b"0001-01-01T00:00+23:59", b"2024-02-30",
                b"http://[", b"https://[::1", b"http://a:99999/", b"1e400", b"NaN",
                b"20240101T000000000000." + b"9" * 30)
# Requests that end the console session go last (the cookie is signed, not stored, so the
# session survives them anyway; the order keeps the log readable).
_ENDS_SESSION = ("/admin/logout", "/admin/api/logout")


def _token(rng: random.Random) -> bytes:
    return rng.choice(HOSTILE) if rng.random() < 0.1 else CSRF.encode()


def _baselines(world, person_id: str) -> dict[str, dict[str, str]]:
    client_id = world.first_party[0]
    form = {"csrf_token": CSRF, "reason": "例行检查"}
    filters = {"since": SINCE, "until": "2030-01-01T00:00", "type": "login",
               "outcome": "failure", "account": world.username}
    new_client = {"client_name": "社保查询", "redirect_uris": "https://si.example.gov.cn/cb",
                  "scope": "openid profile", "min_level": "2"}
    return {
        "/admin/login": {"next": "/admin/audit"},
        "/admin/callback": {"code": "abc", "state": "xyz"},
        "/admin/relying-parties": {"q": "三方"},
        "/admin/clients/new": {**form, **new_client},
        "/admin/clients/<client_id>": {"<client_id>": client_id, **form, "min_level": "2"},
        "/admin/clients/<client_id>/disable": {"<client_id>": client_id, **form},
        "/admin/clients/<client_id>/secret": {"<client_id>": client_id, **form},
        "/admin/saml": {"entity_id": world.sp, **form, "min_level": "2"},
        "/admin/saml/new": {**form, "metadata_url": "https://sp.example.gov.cn/md"},
        "/admin/saml/disable": {"entity_id": world.sp, **form},
        "/admin/accounts": {"csrf_token": CSRF, "q": world.username},
        "/admin/accounts/<person_id>": {"<person_id>": person_id},
        "/admin/accounts/<person_id>/unlock": {"<person_id>": person_id, **form},
        "/admin/accounts/<person_id>/logout": {"<person_id>": person_id, **form},
        "/admin/accounts/<person_id>/revoke": {"<person_id>": person_id, **form,
                                               "credit_code": "91350100M000100Y43"},
        "/admin/keys/rotate": {**form, "alg": "ES256"},
        "/admin/audit": {**filters, "after": "20240101T000000000000.5"},
        "/admin/audit/export.<fmt>": {"<fmt>": "csv", **filters},
        "/admin/api/relying-parties": {"q": "三方"},
        "/admin/api/clients": {**new_client, "reason": "r"},
        "/admin/api/clients/<client_id>": {"<client_id>": client_id, "reason": "r",
                                           "min_level": "2"},
        "/admin/api/clients/<client_id>/disable": {"<client_id>": client_id, "reason": "r"},
        "/admin/api/clients/<client_id>/secret": {"<client_id>": client_id, "reason": "r"},
        "/admin/api/saml": {"entity_id": world.sp, "reason": "r", "min_level": "2"},
        "/admin/api/accounts/search": {"q": world.username},
        "/admin/api/accounts/<person_id>": {"<person_id>": person_id},
        "/admin/api/accounts/<person_id>/unlock": {"<person_id>": person_id, "reason": "r"},
        "/admin/api/accounts/<person_id>/logout": {"<person_id>": person_id, "reason": "r"},
        "/admin/api/accounts/<person_id>/revoke": {"<person_id>": person_id, "reason": "r",
                                                   "credit_code": "91350100M000100Y43"},
        "/admin/api/keys/rotate": {"alg": "ES256", "reason": "r"},
        "/admin/api/audit": {**filters, "limit": "10"},
        "/admin/api/audit/export": {**filters, "format": "jsonl"},
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_no_hostile_request_to_the_admin_console_or_its_api_gets_a_5xx(
    backend, app, world, idp_env, serve_idp, tmp_path
):
    services = app.extensions["yiwang"]
    admins = administrators(services)
    person_id = find_person_by_username(services, world.username).id
    log = tmp_path / "server.log"
    base = serve_idp(idp_env(), log=log)  # the same database and keys: our cookies are its own
    rules = endpoints(app, keep=lambda rule: rule.startswith("/admin"))
    assert {"/admin/audit", "/admin/api/audit", "/admin/api/clients/<client_id>"} <= {
        e.rule for e in rules}

    rng = random.Random(SEED)
    fuzzer = Fuzzer(rng, _baselines(world, person_id), extra_values=ADMIN_VALUES)
    batches = []
    for admin in admins:
        batch = fuzzer.requests(rules, PER_ENDPOINT, cookie=cookie(app, admin))
        # The API's writes take the session's CSRF token in a header (now and then a hostile
        # one), as the console's pages take it in a form field.
        batches += [dataclasses.replace(r, headers=(*r.headers, ("X-CSRF-Token", _token(rng))))
                    if r.target.startswith("/admin/api/") else r for r in batch]
    batches.sort(key=lambda r: r.target.startswith(_ENDS_SESSION))
    assert_no_server_error(base, batches, log, backend, len(rules))
