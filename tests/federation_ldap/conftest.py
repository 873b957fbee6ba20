"""Two real department directories (slapd in temp dirs on free ports, loaded with slapadd,
stopped at teardown): 公安厅 ``gongan`` listening on two URLs (and ldaps), 税务局 ``shuiwu``.

Each directory has a service account that may search (anonymous users may not), staff with
inetOrgPerson attributes and groupOfNames groups; ``ldap_modify`` changes an entry as the
directory's root, as its department would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from federation.directories import DirectorySpec, add_directory
from idp.audit import SYSTEM_ACTOR
from tests.conftest import free_port
from tests.federation_ldap.slapd_servers import (
    DEPARTMENTS,
    ROOT_PASSWORD,
    SERVICE_PASSWORD,
    SLAPD,
    Slapd,
    start,
)


@pytest.fixture(scope="session")
def slapds(tmp_path_factory) -> Iterator[dict[str, Slapd]]:
    if not Path(SLAPD).exists():
        pytest.skip("slapd is not installed")
    root = tmp_path_factory.mktemp("slapd")
    started: dict[str, Slapd] = {}
    try:
        started["gongan"] = start(root, "gongan", [free_port(), free_port()], free_port())
        started["shuiwu"] = start(root, "shuiwu", [free_port()], free_port())
        yield started
    finally:
        for slapd in started.values():
            slapd.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def gongan(slapds) -> Slapd:
    return slapds["gongan"]


@pytest.fixture
def shuiwu(slapds) -> Slapd:
    return slapds["shuiwu"]


def spec_of(slapd: Slapd, **changes) -> DirectorySpec:
    values = dict(
        name=slapd.name, department=DEPARTMENTS.get(slapd.name, slapd.name),
        urls=slapd.urls, bind_dn=slapd.service_dn, bind_password=SERVICE_PASSWORD,
        user_base=f"ou=people,{slapd.suffix}", user_filter="(objectClass=inetOrgPerson)",
        group_base=f"ou=groups,{slapd.suffix}",
        group_roles={"leaders": "department_admin", "clerks": "clerk"}, timeout=2.0)
    values.update(changes)
    return DirectorySpec(**values)


@pytest.fixture
def register(svc) -> Callable:
    """register(slapd, **changes): the directory added to the test's IdP, as add-ldap does."""

    def add(slapd: Slapd, **changes):
        return add_directory(svc, spec_of(slapd, **changes), SYSTEM_ACTOR)

    return add


@pytest.fixture
def ldap_modify(gongan) -> Callable:
    """ldap_modify(ldif): change gongan's entries as its root (restored by the caller)."""

    def modify(ldif: str) -> None:
        subprocess.run(["ldapmodify", "-x", "-H", gongan.urls[0], "-D", gongan.root_dn,
                        "-w", ROOT_PASSWORD], input=ldif.encode(), check=True,
                       capture_output=True)

    return modify


@pytest.fixture
def stopped(shuiwu) -> Iterator[Slapd]:
    """shuiwu hung (SIGSTOP): it accepts connections and never answers; resumed after."""
    os.kill(shuiwu.process.pid, signal.SIGSTOP)
    try:
        yield shuiwu
    finally:
        os.kill(shuiwu.process.pid, signal.SIGCONT)
