"""The register settings are checked at start-up: an HTTP register needs its URL and secret."""

from __future__ import annotations

import pytest

from idp.settings import Settings, SettingsError


@pytest.mark.parametrize(("env", "message"), [
    ({"IDP_POPULATION_REGISTER": "ldap"}, "IDP_POPULATION_REGISTER must be local or http"),
    ({"IDP_POPULATION_REGISTER": "http"}, "IDP_POPULATION_REGISTER=http needs"),
    ({"IDP_ENTITY_REGISTER": "http", "IDP_ENTITY_REGISTER_URL": "https://reg.example.gov.cn"},
     "IDP_ENTITY_REGISTER=http needs"),
    ({"IDP_REGISTER_TIMEOUT_SECONDS": "0"}, "IDP_REGISTER_TIMEOUT_SECONDS"),
    ({"IDP_VERIFY_TRIES_PER_HOUR": "0"}, "IDP_VERIFY_TRIES_PER_HOUR"),
])
def test_bad_register_settings_refuse_to_start(tmp_path, env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({"IDP_DATA_DIR": str(tmp_path), **env})


def test_the_secret_may_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    settings = Settings.from_env({
        "IDP_DATA_DIR": str(tmp_path), "IDP_POPULATION_REGISTER": "http",
        "IDP_POPULATION_REGISTER_URL": "https://rk.example.gov.cn/verify",
        "IDP_POPULATION_REGISTER_SECRET_FILE": str(secret)})
    assert settings.population_register_secret == "s3cret"
