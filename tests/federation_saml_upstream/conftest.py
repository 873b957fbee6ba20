"""Fixtures of the SAML upstream tests: our live Yiwang brokering a SECOND Yiwang (another
province's IdP, a real ``idp serve`` on its own port, database and data dir) as a SAML 2.0
upstream. Each side registers the other from its metadata through its own CLI, as operators
would. The upstream answers on ``localhost`` and ours on ``127.0.0.1``: two hosts, so their
cookies (same names) never mix in the test's browser."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).parent))

from saml_upstream_helpers import RP_REDIRECT, Rp  # noqa: E402

from clients.registry import register_client  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402
from tests.conftest import IDP, free_port, wait_for_health  # noqa: E402

# Wang Wu has an account here (L2) and one at the other province's IdP, same ID number.
ID_NUMBER = "11010519491231002X"
USERNAME, PASSWORD = "wangwu", "Correct-horse-9"
UPSTREAM_USER, UPSTREAM_PASSWORD = "wangwu-sh", "Other-province-7"
ID_CARD = "urn:oid:1.3.6.1.4.1.25178.1.2.15"  # what a Yiwang IdP releases the ID number as
NAME = "prov"


@pytest.fixture
def live(live_app):
    app, base = live_app
    services = app.extensions["yiwang"]
    create_person(services, SYSTEM_ACTOR, username=USERNAME, password=PASSWORD, name="王五",
                  id_number=ID_NUMBER, phone="13900139000", assurance_level=2)
    return services, base


@pytest.fixture
def upstream(tmp_path, sqlite_template, idp_env, run_idp):
    """(base URL, env) of the second Yiwang, with Wang Wu's account there (real-name, L2)."""
    folder = tmp_path / "upstream"
    folder.mkdir()
    shutil.copy(sqlite_template, folder / "yiwang.db")
    port = free_port()
    base = f"http://localhost:{port}"
    env = idp_env(IDP_ISSUER=base, IDP_DATA_DIR=str(folder),
                  IDP_DATABASE_URL=f"sqlite:///{folder / 'yiwang.db'}",
                  IDP_STORE_PREFIX="upstream-" + folder.name[-8:] + str(port) + ":")
    added = run_idp(["users", "add-person", "--username", UPSTREAM_USER, "--password-stdin",
                     "--name", "王五", "--id-number", ID_NUMBER, "--level", "2", "--json"], env,
                    stdin=UPSTREAM_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [IDP, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
            env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_health(process, base, log)
        yield base, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def saml_upstream(live, upstream, cli, run_idp, tmp_path):
    """The upstream registered here by its metadata URL (trusted for L2, linking by its ID
    number), and our SP metadata registered there (releasing the ID number and name)."""
    services, base = live
    up_base, up_env = upstream
    added = cli("federation", "add-saml", "--name", NAME, "--display-name", "上海一网通办",
                "--metadata-url", f"{up_base}/saml/metadata", "--map", f"id_number={ID_CARD}",
                "--map", "name=name", "--level", "2", "--link-by", "id_number", "--json",
                IDP_ISSUER=base)
    assert added.exit_code == 0, added.output
    ours = requests.get(f"{base}/federation/{NAME}/metadata", timeout=10)
    assert ours.status_code == 200
    (tmp_path / "our-sp.xml").write_bytes(ours.content)
    there = run_idp(["clients", "add-saml", "--metadata-file", str(tmp_path / "our-sp.xml"),
                     "--name", "浙江政务服务网", "--attribute", "id_card", "--attribute", "name",
                     "--json"], up_env)
    assert there.returncode == 0, there.stderr + there.stdout
    return up_base


@pytest.fixture
def rp(live):
    services, _ = live
    client, secret = register_client(services, {
        "client_name": "不动产登记", "redirect_uris": [RP_REDIRECT], "first_party": True,
        "grant_types": ["authorization_code"], "scope": "openid profile",
    }, SYSTEM_ACTOR)
    return Rp(client.client_id, secret)
