"""Interoperability fixtures: a live IdP, a person, relying parties, a back-channel receiver."""

from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import parse_qs

import pytest

# --import-mode=importlib does not put test folders on sys.path (see tests/oidc/conftest.py).
sys.path.insert(0, str(Path(__file__).parent))

from interop_helpers import (  # noqa: E402
    FRONT_LOGOUT,
    FRONT_REDIRECT,
    PASSWORD,
    POST_LOGOUT,
    REDIRECT,
    USERNAME,
)

from clients.registry import register_client  # noqa: E402
from idp.accounts.service import create_person  # noqa: E402
from idp.audit import SYSTEM_ACTOR  # noqa: E402


@pytest.fixture
def live(live_app):
    app, base = live_app
    services = app.extensions["yiwang"]
    create_person(services, SYSTEM_ACTOR, username=USERNAME, password=PASSWORD, name="王五",
                  id_number="11010519491231002X", phone="13900139000", assurance_level=2)
    return services, base


class BackchannelReceiver:
    """A relying party's back-channel logout endpoint: the logout tokens POSTed to url."""

    def __init__(self, site) -> None:
        self.site = site
        self.url = site.url + "/backchannel"

    @property
    def tokens(self) -> list[str]:
        return [parse_qs(hit.body.decode())["logout_token"][0] for hit in self.site.hits]


@pytest.fixture
def receiver(http_server):
    return BackchannelReceiver(http_server({"/backchannel": (200, b"")}))


@pytest.fixture
def relying_party(live, receiver):
    services, _ = live
    client, secret = register_client(services, {
        "client_name": "不动产登记", "redirect_uris": [REDIRECT], "first_party": True,
        "grant_types": ["authorization_code", "refresh_token"],
        "scope": "openid profile offline_access", "post_logout_redirect_uris": [POST_LOGOUT],
        "backchannel_logout_uri": receiver.url,
    }, SYSTEM_ACTOR)
    return client.client_id, secret


@pytest.fixture
def frontchannel_party(live):
    services, _ = live
    client, secret = register_client(services, {
        "client_name": "公积金", "redirect_uris": [FRONT_REDIRECT], "first_party": True,
        "scope": "openid profile", "frontchannel_logout_uri": FRONT_LOGOUT,
        "frontchannel_logout_session_required": True,
    }, SYSTEM_ACTOR)
    return client.client_id, secret
