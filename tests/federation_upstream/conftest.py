"""Fixtures of the upstream identity provider tests: a live Yiwang, node oidc-provider as the
upstream it brokers (registered with ``idp federation add-oidc``), people on both sides and a
relying party."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))

from upstream_helpers import (  # noqa: E402
    RP_REDIRECT,
    SECOND_RP_REDIRECT,
    UPSTREAM_CLIENT_ID,
    UPSTREAM_SECRET,
    Rp,
)

from clients.registry import register_client  # noqa: E402
from federation.oidc import discovery  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from tests.conftest import free_port  # noqa: E402

HERE = Path(__file__).parent
# Wang Wu has an account here (L2, real-name verified) and one at the national platform.
ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105194912310038"  # valid check digit, nobody's account here
USERNAME, PASSWORD = "wangwu", "Correct-horse-9"
PEOPLE = {
    "nat-wangwu": {"name": "王五", "resident_id": ID_NUMBER, "phone": "13900139000"},
    # Same name and phone as Wang Wu, another ID number: must never reach his account.
    "nat-lookalike": {"name": "王五", "resident_id": OTHER_ID_NUMBER, "phone": "13900139000"},
    "nat-newcomer": {"name": "赵六", "resident_id": "110101199003070011", "phone": "13700137000"},
}


@pytest.fixture
def live(live_app):
    app, base = live_app
    services = app.extensions["yiwang"]
    create_person(services, SYSTEM_ACTOR, username=USERNAME, password=PASSWORD, name="王五",
                  id_number=ID_NUMBER, phone="13900139000", assurance_level=2)
    return services, base


def start_upstream(tmp_path: Path, base: str, name: str = "gov", *, port: int | None = None,
                   **client: object) -> tuple[subprocess.Popen, str]:
    """node oidc-provider on ``port`` with our client; ``client`` overrides its metadata."""
    port = port or free_port()
    config = tmp_path / f"upstream-{port}.json"
    config.write_text(json.dumps({"people": PEOPLE, "clients": [{k: v for k, v in {
        "client_id": UPSTREAM_CLIENT_ID, "client_secret": UPSTREAM_SECRET,
        # The same client serves a plain OAuth 2.0 registration ("pay") in its tests.
        "redirect_uris": [f"{base}/federation/{name}/callback", f"{base}/federation/pay/callback"],
        "post_logout_redirect_uris": [f"{base}/"],
        "backchannel_logout_uri": f"{base}/federation/{name}/backchannel-logout",
        "backchannel_logout_session_required": True,
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "ES256", **client,
    }.items() if v is not None}]}))
    log = tmp_path / f"upstream-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(["node", str(HERE / "upstream.mjs"), str(port), str(config)],
                                   stdout=output, stderr=subprocess.STDOUT)
    for _ in range(300):  # "ready <issuer>" within a few seconds, or it died
        if "ready http" in log.read_text() or process.poll() is not None:
            break
        time.sleep(0.05)
    assert "ready http" in log.read_text(), log.read_text()
    return process, f"http://127.0.0.1:{port}"


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


def next_upstream_person(issuer: str, sub: str) -> None:
    """Who logs in at the upstream next (its interaction logs them in without a form)."""
    assert requests.post(f"{issuer}/_next", params={"sub": sub}, timeout=5).text == "ok"


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
