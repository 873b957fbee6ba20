"""Fixtures for the relying-party registry: the app's services and ready-made clients."""

from __future__ import annotations

import pytest

from clients.registry import register_client
from idp.audit import SYSTEM_ACTOR

WEB_CLIENT = {
    "client_name": "公积金中心",
    "redirect_uris": ["https://gjj.example.gov.cn/callback"],
}


@pytest.fixture
def services(app):
    return app.extensions["yiwang"]


@pytest.fixture
def web_client(services):
    """A confidential web client: (client, secret)."""
    return register_client(services, WEB_CLIENT, SYSTEM_ACTOR)


@pytest.fixture
def initial_token(services):
    from clients.initial_tokens import issue_initial_access_token

    return issue_initial_access_token(services, SYSTEM_ACTOR, ttl=600)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
