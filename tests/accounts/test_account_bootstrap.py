"""The first start creates one administrator with a one-time password, and only once."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from idp.accounts import service
from idp.accounts.bootstrap import ensure_bootstrap_admin
from idp.accounts.enums import AccountClass
from idp.audit import SYSTEM_ACTOR
from idp.bootstrap import BOOTSTRAP_PASSWORD_FILE, prepare
from idp.services import Services


def test_the_first_start_creates_an_admin_who_must_change_the_password(backend, services):
    password = ensure_bootstrap_admin(services)
    assert password is not None and len(password) == 20
    admin = service.verify_login(services, "admin", password)
    assert admin.account_class == AccountClass.ADMIN
    assert admin.must_change_password


def test_the_bootstrap_admin_is_created_only_once(backend, services):
    assert ensure_bootstrap_admin(services) is not None
    assert ensure_bootstrap_admin(services) is None
    admins = service.list_persons(services, account_class=AccountClass.ADMIN)
    assert [a.username for a in admins] == ["admin"]


def test_no_bootstrap_admin_when_an_administrator_exists(backend, services):
    service.create_person(services, SYSTEM_ACTOR, username="ops", name="运维",
                          password="Correct-Horse-42", account_class=AccountClass.ADMIN)
    assert ensure_bootstrap_admin(services) is None
    assert service.find_person_by_username(services, "admin") is None


def test_the_bootstrap_password_meets_a_stricter_admin_policy(services):
    services.settings = replace(services.settings, admin_password_min=24)
    assert len(ensure_bootstrap_admin(services)) == 24


def test_on_a_terminal_the_server_shows_the_password_once_and_not_in_the_log(
    backend, settings, capsys, caplog, monkeypatch
):
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # an operator's terminal
    prepare(settings)
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]
    assert "admin" in first and len(password) == 20
    assert password not in caplog.text
    assert not (settings.data_dir / BOOTSTRAP_PASSWORD_FILE).exists()
    prepare(settings)
    assert "password" not in capsys.readouterr().out


def test_without_a_terminal_the_password_goes_to_an_owner_only_file_never_to_stdout(
    backend, settings, services, capsys, caplog
):
    # stdout captured by systemd, docker or a supervisor ends up in a service log that many
    # people read: the one-time password must not be there, only where to find it.
    prepare(settings)
    out = capsys.readouterr().out
    path = settings.data_dir / BOOTSTRAP_PASSWORD_FILE
    assert str(path) in out
    assert path.stat().st_mode & 0o777 == 0o600
    password = path.read_text().strip().splitlines()[-1]
    assert len(password) == 20 and password not in out and password not in caplog.text
    assert service.verify_login(services, "admin", password).must_change_password
    prepare(settings)
    assert str(path) not in capsys.readouterr().out


def test_servers_starting_together_create_one_bootstrap_admin(backend, settings, services):
    # Separate Services stand in for separate processes: own engines, own connections.
    nodes = [Services.build(settings, upgrade=False) for _ in range(4)]
    try:
        with ThreadPoolExecutor(len(nodes)) as pool:
            passwords = list(pool.map(ensure_bootstrap_admin, nodes))
    finally:
        for node in nodes:
            node.db.dispose()
    assert sum(p is not None for p in passwords) == 1
    assert len(service.list_persons(services, account_class=AccountClass.ADMIN)) == 1
