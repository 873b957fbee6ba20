"""The staff linker on its own: one account per directory entry, however many first logins
race for it, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from federation.contract import SourceKind, SourceRefused, UpstreamIdentity
from federation.models import StaffLink
from federation.staff_accounts import StaffLinker
from idp.accounts.models import Person


def identity(**attributes) -> UpstreamIdentity:
    values = {"username": "zhaoliu", "name": "赵六", "entry_dn": "uid=zhaoliu,ou=people,o=x",
              "groups": "", "roles": "", **attributes}
    return UpstreamIdentity(source="gongan", kind=SourceKind.LDAP, subject="uuid-zhaoliu",
                            level=2, amr=("pwd",), attributes=values)


def test_concurrent_first_logins_of_one_entry_make_one_account(backend, svc):
    barrier = threading.Barrier(4)
    results, errors = [], []

    def first_login():
        barrier.wait()
        try:
            results.append(StaffLinker(svc).link(identity()).account_id)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=first_login) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and len(set(results)) == 1 and len(results) == 4
    with svc.db.session() as session:
        assert session.scalar(select(func.count()).select_from(StaffLink)) == 1
        assert session.scalar(select(func.count()).select_from(Person)) == 1


def test_an_entry_without_its_login_name_gets_no_account(svc):
    with pytest.raises(SourceRefused):
        StaffLinker(svc).link(identity(username=""))
