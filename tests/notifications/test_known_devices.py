"""The Store's memory of devices: one notice for concurrent first logins from one browser, and
keys that give away neither the account nor the device id. On the SQL and Redis Store."""

from __future__ import annotations

import threading
import time

import pytest

from idp.authn.known_devices import is_device_id, new_device_id
from idp.authn.new_device_login import known_devices

BOTH_STORES = pytest.mark.parametrize("store_backend", ["sql", "redis"])


@BOTH_STORES
def test_of_concurrent_first_logins_from_one_browser_exactly_one_is_new(svc, alice):
    devices, device, now = known_devices(svc), new_device_id(), int(time.time())
    answers: list[bool] = []
    start = threading.Barrier(6)

    def log_in() -> None:
        start.wait()
        answers.append(devices.check_in(alice.id, device, now))

    threads = [threading.Thread(target=log_in) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(answers) == [False] * 5 + [True]


@BOTH_STORES
def test_the_store_key_holds_neither_the_account_nor_the_device_id(svc, alice):
    devices, device = known_devices(svc), new_device_id()
    entry = devices._entry(alice.id, device)
    assert devices.check_in(alice.id, device, int(time.time()))
    assert svc.store.get(entry) is not None
    assert alice.id not in entry and device not in entry


@pytest.mark.parametrize(("value", "accepted"), [
    (new_device_id(), True),
    (None, False),
    ("", False),
    ("short", False),
    ("a" * 31 + "/", False),
    ("a" * 33, False),
])
def test_only_a_value_shaped_like_a_device_id_is_looked_up(value, accepted):
    assert is_device_id(value) is accepted
