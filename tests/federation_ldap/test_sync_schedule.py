"""The sync schedule runs in the serving node, without cron and without anyone running the CLI:
with a short interval, a change made in the directory reaches the staff account by itself; and
each period of a directory is taken by one node only."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from federation.directories import add_directory
from federation.sync_schedule import claim, run_due
from idp.accounts.models import Person
from idp.audit import SYSTEM_ACTOR, AuditEvent
from idp.services import Services
from idp.settings import Settings, SettingsError
from tests.federation_ldap.conftest import spec_of

RENAME = """dn: uid=sunqi,ou=people,dc=gongan,dc=gov,dc=cn
changetype: modify
replace: cn
cn: {}
"""


def name_of(services, username: str) -> str | None:
    with services.db.session() as session:
        return session.scalar(select(Person.name).where(Person.username == username))


def test_a_change_in_the_directory_reaches_the_account_on_schedule(settings, gongan,
                                                                   ldap_modify):
    from idp.app import create_app

    app = create_app(replace(settings, ldap_sync_interval_seconds=1))
    services = app.extensions["yiwang"]
    schedule = app.extensions["federation.sync_schedule"]
    try:
        add_directory(services, spec_of(gongan), SYSTEM_ACTOR)
        for _ in range(400):  # the first scheduled run (full: nothing synced yet)
            if name_of(services, "sunqi@gongan") == "孙七":
                break
            time.sleep(0.05)
        assert name_of(services, "sunqi@gongan") == "孙七"
        ldap_modify(RENAME.format("孙七七"))
        try:
            for _ in range(400):  # a later period's incremental run
                if name_of(services, "sunqi@gongan") == "孙七七":
                    break
                time.sleep(0.05)
            assert name_of(services, "sunqi@gongan") == "孙七七"
        finally:
            ldap_modify(RENAME.format("孙七"))
    finally:
        schedule.stop()
        services.db.dispose()
    with services.db.session() as session:
        modes = [e.detail["mode"] for e in session.scalars(
            select(AuditEvent).where(AuditEvent.type == "admin.action"))
            if e.detail.get("action") == "directory.sync"]
    assert modes[0] == "full" and "incremental" in modes[1:]


def test_each_period_of_a_directory_is_taken_by_one_node(settings, gongan):
    nodes = [Services.build(settings), Services.build(settings)]  # one Store, one database
    try:
        add_directory(nodes[0], spec_of(gongan), SYSTEM_ACTOR)
        assert claim(nodes[0], "gongan", "incremental", 60)
        assert not claim(nodes[1], "gongan", "incremental", 60)
        assert run_due(nodes[1], incremental=60, full=0) == []  # this period is taken
        assert run_due(nodes[1], incremental=0, full=3600) == ["gongan"]
        assert run_due(nodes[0], incremental=0, full=3600) == []
    finally:
        for node in nodes:
            node.db.dispose()


def test_the_intervals_are_read_from_the_environment_and_checked(settings):
    env = {"IDP_LDAP_SYNC_INTERVAL_SECONDS": "600", "IDP_LDAP_FULL_SYNC_INTERVAL_SECONDS": "86400",
           "IDP_KEK": settings.kek}
    read = Settings.from_env(env)
    assert (read.ldap_sync_interval_seconds, read.ldap_full_sync_interval_seconds) == (600, 86400)
    with pytest.raises(SettingsError, match="IDP_LDAP_SYNC_INTERVAL_SECONDS"):
        Settings.from_env({**env, "IDP_LDAP_SYNC_INTERVAL_SECONDS": "-1"})
