"""Fixtures of the upstream identity provider tests: a live Yiwang, node oidc-provider as the
upstream it brokers (registered with ``idp federation add-oidc``), people on both sides and a
relying party."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from upstream_helpers import (  # noqa: E402
    ID_NUMBER,
    PASSWORD,
    RP_REDIRECT,
    SECOND_RP_REDIRECT,
    UPSTREAM_CLIENT_ID,
    UPSTREAM_SECRET,
    USERNAME,
    Rp,
    start_upstream,
)

from clients.registry import register_client  # noqa: E402
from federation.oidc import discovery  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402


@pytest.fixture
def live(live_app):
    app, base = live_app
    services = app.extensions["yiwang"]
    create_person(services, SYSTEM_ACTOR, username=USERNAME, password=PASSWORD, name="王五",
                  id_number=ID_NUMBER, phone="13900139000", assurance_level=2)
    return services, base


@pytest.fixture
def upstream(live, tmp_path, cli):
    """The national platform (node oidc-provider), registered as upstream "gov" trusted for
    L2 and to link by its resident ID number claim."""
    services, base = live
    process, issuer = start_upstream(tmp_path, base)
    discovery.forget()
    added = cli("federation", "add-oidc", "--name", "gov", "--display-name", "国家政务服务平台",
                "--issuer", issuer, "--client-id", UPSTREAM_CLIENT_ID, "--client-secret-stdin",
                "--scope", "profile", "--scope", "idcard", "--map", "id_number=resident_id",
                "--map", "name=name", "--map", "phone=phone_number", "--level", "2",
                "--link-by", "id_number", "--json", stdin=UPSTREAM_SECRET + "\n",
                IDP_ISSUER=base)
    assert added.exit_code == 0, added.output
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def rp(live):
    services, _ = live
    client, secret = register_client(services, {
        "client_name": "不动产登记", "redirect_uris": [RP_REDIRECT], "first_party": True,
        "grant_types": ["authorization_code"], "scope": "openid profile",
    }, SYSTEM_ACTOR)
    return Rp(client.client_id, secret)


@pytest.fixture
def second_rp(live):
    services, _ = live
    client, secret = register_client(services, {
        "client_name": "公积金", "redirect_uris": [SECOND_RP_REDIRECT], "first_party": True,
        "grant_types": ["authorization_code"], "scope": "openid profile",
    }, SYSTEM_ACTOR)
    return Rp(client.client_id, secret, SECOND_RP_REDIRECT)
