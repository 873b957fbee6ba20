"""The KEK: a wrong one stops start-up; re-wrapping moves the database to a new one."""

import base64
import secrets
from dataclasses import replace

import pytest

from idp.app import create_app
from keys.kek import KekError


def _new_kek() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_an_app_started_with_another_kek_stops_with_a_clear_message(settings):
    create_app(settings).extensions["yiwang"].db.dispose()
    with pytest.raises(KekError, match="IDP_KEK differs from the one this database was created"):
        create_app(replace(settings, kek=_new_kek()))


def test_idp_serve_with_another_kek_exits_with_the_message(settings, idp_env, run_idp):
    create_app(settings).extensions["yiwang"].db.dispose()
    result = run_idp(["serve", "--bind", "127.0.0.1:0"], idp_env(IDP_KEK=_new_kek()))
    assert result.returncode == 1
    assert "IDP_KEK differs from the one this database was created with" in result.stderr


def test_after_rewrap_the_new_kek_opens_the_keys_and_the_old_one_fails(
    settings, tmp_path, idp_env, run_idp
):
    app = create_app(settings)
    before = app.extensions["yiwang"].signing_keys.sign_jwt({"sub": "alice"}, "ES256")
    app.extensions["yiwang"].db.dispose()
    new_kek = _new_kek()
    (tmp_path / "new.kek").write_text(new_kek + "\n")

    result = run_idp(["keys", "rewrap", "--new-kek-file", str(tmp_path / "new.kek")],
                  idp_env())
    assert result.returncode == 0, result.stderr
    assert "re-wrapped" in result.stdout and "IDP_KEK" in result.stdout

    renewed = create_app(replace(settings, kek=new_kek))
    keys = renewed.extensions["yiwang"].signing_keys
    assert keys.verify_jwt(before, ["ES256"]) == {"sub": "alice"}
    assert keys.verify_jwt(keys.sign_jwt({"sub": "bob"}, "ES256"), ["ES256"])["sub"] == "bob"
    renewed.extensions["yiwang"].db.dispose()
    with pytest.raises(KekError):
        create_app(settings)


def test_rewrap_refuses_a_file_that_is_not_a_kek(tmp_path, cli):
    (tmp_path / "bad.kek").write_text("not base64!\n")
    result = cli("keys", "rewrap", "--new-kek-file", str(tmp_path / "bad.kek"))
    assert result.exit_code == 1
    assert "is not base64" in result.output


def test_generate_kek_prints_32_random_bytes_in_base64(tmp_path, cli):
    printed = cli("keys", "generate-kek").stdout.strip()
    assert len(base64.b64decode(printed, validate=True)) == 32
    cli("keys", "generate-kek", "--out", str(tmp_path / "kek"))
    assert (tmp_path / "kek").stat().st_mode & 0o777 == 0o600
    assert len(base64.b64decode((tmp_path / "kek").read_text().strip())) == 32


def test_without_idp_kek_a_kek_is_generated_0600_with_a_warning(settings, caplog):
    app = create_app(replace(settings, kek=""))
    app.extensions["yiwang"].db.dispose()
    kek_file = settings.data_dir / "kek"
    assert kek_file.stat().st_mode & 0o777 == 0o600
    assert "Production must supply its own" in caplog.text
    again = create_app(replace(settings, kek=""))  # the same file opens the same keys
    again.extensions["yiwang"].db.dispose()
