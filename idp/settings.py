"""The one settings object, loaded once from ``IDP_*`` environment variables.

Every field documents itself here; docs/operating.md's table is generated from the same names.
Secrets may be given as ``IDP_X_FILE`` pointing at a file instead of ``IDP_X``.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

log = logging.getLogger(__name__)


class SettingsError(ValueError):
    """A setting is missing or malformed; start-up stops with this message."""


@dataclass(frozen=True)
class Settings:
    # Public base URL of the IdP; every token's `iss`. https in production.
    issuer: str = "http://127.0.0.1:8000"
    # Folder for the embedded database, the generated KEK and other local state.
    data_dir: Path = Path("instance")
    # SQLAlchemy URL; default is SQLite at <data_dir>/yiwang.db.
    database_url: str = ""
    # Redis URL for the ephemeral Store; empty keeps it in the SQL database. One server
    # (redis://), a Cluster (redis+cluster://) or Sentinel (redis+sentinel://):
    # docs/operating.md "Production" and idp/store/redis_urls.py.
    redis_url: str = ""
    # Prefix of every Store key (lets several deployments or tests share one Redis).
    store_prefix: str = "yiwang:"
    # Key-encryption key, base64 of 32 bytes. Empty: generated into <data_dir>/kek (dev only).
    kek: str = ""
    # argon2id cost for person passwords (OWASP minimum: 19 MiB, t=2, p=1).
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    # SSO session lifetimes in seconds: absolute (from login) and idle (since last use).
    session_absolute_seconds: int = 8 * 3600
    session_idle_seconds: int = 30 * 60
    # Brute-force protection (as Keycloak's): failures before delays start, delay base and
    # cap, failures before a temporary lockout, its length, and the counting window.
    lockout_free_failures: int = 3
    lockout_delay_seconds: int = 1
    lockout_max_delay_seconds: int = 60
    lockout_threshold: int = 10
    lockout_seconds: int = 15 * 60
    lockout_window_seconds: int = 12 * 3600
    ip_failure_threshold: int = 100
    # Password policies: minimum lengths for citizens (NIST 800-63B) and admins (GB/T 22239).
    person_password_min: int = 8
    admin_password_min: int = 12
    # PIPL art. 47: an account whose owner asked for deletion is erased after this many days;
    # a login before then cancels the request (idp/accounts/deletion.py).
    account_deletion_grace_days: int = 15
    # Language used when Accept-Language names none we have.
    default_language: str = "zh"
    # Honour X-Forwarded-For/-Proto from this many proxies in front of the IdP.
    trusted_proxies: int = 0
    # Keys (keys/): RSA size of new RS256/PS256/SAML keys (2048 or 3072); automatic rotation
    # every N days (0: only `idp keys rotate`); how long a retired key stays published = the
    # longest lifetime of any token or assertion we sign; JWKS Cache-Control max-age, kept
    # far shorter than the time a `next` key is published before it signs.
    rsa_key_bits: int = 2048
    key_rotation_days: int = 0
    longest_token_seconds: int = 24 * 3600
    jwks_max_age_seconds: int = 300
    # OpenID Connect provider (idp/oidc/): algorithm of RFC 9068 access tokens (ES256 signs
    # ~12x faster than RS256 here); timeout in seconds of each back-channel logout POST;
    # timeout in seconds of fetching a private_key_jwt client's jwks_uri.
    oidc_access_token_alg: str = "ES256"  # noqa: S105 - an algorithm name
    oidc_backchannel_timeout: int = 2
    oidc_jwks_fetch_timeout: int = 3
    # Device flow (RFC 8628, idp/oidc/device/): how long a device code and its user code live,
    # and the polling interval a device is given (each slow_down adds 5 seconds to it).
    device_code_seconds: int = 600
    device_poll_interval_seconds: int = 5
    # Outages (docs/operating.md "Production"): the longest one Redis command may wait to
    # connect or to be answered, and one SQL statement may run (PostgreSQL's statement_timeout;
    # the client gives up on a server that answers nothing at all one second later). Past them the
    # request answers 503 (idp/web/errors.py), so a hung backend never holds a worker long.
    redis_timeout_seconds: int = 2
    db_timeout_seconds: int = 5
    # Console (admin/fetch.py): let SP metadata URLs point at private, loopback and 100.64/10
    # addresses, for intranets whose SPs publish metadata there. Off: only public addresses
    # (SSRF); link-local, multicast and reserved addresses are refused either way.
    metadata_fetch_allow_private: bool = False
    # SAML SP metadata (idp/saml/metadata_trust.py): PEM certificate of the metadata
    # signer. Set, SP metadata is registered only with a valid enveloped signature by it
    # (as Shibboleth's SignatureValidation filter); unset, metadata is taken unverified.
    saml_metadata_signer_cert: Path | None = None

    # Audit (idp/audit/): days events are kept (180 is the legal minimum and the floor);
    # alerts: within each window of N seconds, failed logins from one IP across this many
    # distinct accounts (credential stuffing), or against one account from this many IPs.
    audit_retention_days: int = 180
    alert_window_seconds: int = 600
    alert_ip_accounts: int = 20
    alert_account_ips: int = 10

    # SMS (idp/notify/): "outbox" appends each message to <data_dir>/outbox.jsonl (development
    # and tests: nothing reaches a phone); "http" POSTs JSON to the gateway URL. The template
    # is the body, with {phone}, {text} and {kind} inside JSON strings, replaced JSON-escaped.
    # Each POST waits at most the timeout; network errors, 429 and 5xx are retried this many
    # times. The token (a secret: use IDP_SMS_GATEWAY_TOKEN_FILE) goes as a Bearer header.
    sms_sender: str = "outbox"
    sms_gateway_url: str = ""
    sms_gateway_template: str = '{"phone": "{phone}", "text": "{text}"}'
    sms_gateway_token: str = ""
    sms_gateway_timeout_seconds: int = 3
    sms_gateway_retries: int = 1
    # One-time SMS codes (idp/authn/one_time_codes.py): per phone at most one per interval and
    # `sms_phone_daily` per day (Beijing calendar day); per client IP `sms_ip_hourly` an hour.
    sms_phone_interval_seconds: int = 60
    sms_phone_daily: int = 10
    sms_ip_hourly: int = 20
    # Self sign-up (/register): how many accounts one phone number may hold (0: no limit).
    accounts_per_phone: int = 1

    # Real-name verification (idp/verification/): "local" checks the register tables imported
    # by `idp verifier import` / `import-entities`; "http" POSTs each check, HMAC-signed with
    # the secret (use the _FILE variants), to the URL, waiting at most the timeout.
    population_register: str = "local"
    population_register_url: str = ""
    population_register_secret: str = ""
    entity_register: str = "local"
    entity_register_url: str = ""
    entity_register_secret: str = ""
    register_timeout_seconds: int = 3
    # Verification tries per account and per client IP in an hour (every try counts).
    verify_tries_per_hour: int = 5

    # Staff directory sync (federation/sync_schedule.py), run by the serving nodes without
    # cron: incremental every `ldap_sync_interval_seconds`, full (which also disables the
    # accounts of entries gone) every `ldap_full_sync_interval_seconds`; 0 turns one off. Each
    # period of each directory is run by one node only.
    ldap_sync_interval_seconds: int = 0
    ldap_full_sync_interval_seconds: int = 0

    # Operating it (docs/operating.md "Monitoring"). /metrics (Prometheus) is off unless a
    # bearer token guards it (a secret: use IDP_METRICS_TOKEN_FILE) or `idp serve` gives it an
    # address of its own (host:port, not published by the balancer); both: that address, with
    # the token.
    # Logs: "text", or "json" for one object per line with each request's id.
    metrics_token: str = ""  # noqa: S105 - empty: no token
    metrics_bind: str = ""
    log_format: str = "text"

    def _validate_registers(self) -> None:
        for prefix in ("population", "entity"):
            kind, url = getattr(self, f"{prefix}_register"), getattr(self, f"{prefix}_register_url")
            upper = f"IDP_{prefix.upper()}_REGISTER"
            if kind not in ("local", "http"):
                raise SettingsError(f"{upper} must be local or http")
            if kind == "http" and not (url.startswith(("https://", "http://"))
                                       and getattr(self, f"{prefix}_register_secret")):
                raise SettingsError(f"{upper}=http needs {upper}_URL (http(s)) and "
                                    f"{upper}_SECRET")
        if self.register_timeout_seconds < 1 or self.verify_tries_per_hour < 1:
            raise SettingsError("IDP_REGISTER_TIMEOUT_SECONDS and IDP_VERIFY_TRIES_PER_HOUR must "
                                "be at least 1")

    @property
    def secure_cookies(self) -> bool:
        return self.issuer.startswith("https://")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'yiwang.db').resolve()}"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Build settings from ``IDP_<FIELD>`` (or ``IDP_<FIELD>_FILE``) variables."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            name = f"IDP_{f.name.upper()}"
            raw = env.get(name)
            if raw is None and env.get(name + "_FILE"):
                raw = Path(env[name + "_FILE"]).read_text().strip()
            if raw is None:
                continue
            values[f.name] = _convert(f.name, f.type, raw)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        if not self.issuer.startswith(("https://", "http://")):
            raise SettingsError("IDP_ISSUER must be an http(s) URL")
        if self.issuer.endswith("/"):
            raise SettingsError("IDP_ISSUER must not end with '/'")
        if self.issuer.startswith("http://") and not _is_loopback(self.issuer):
            log.warning("IDP_ISSUER is plain http on a non-loopback host: use https in production")
        if self.audit_retention_days < 180:
            raise SettingsError("IDP_AUDIT_RETENTION_DAYS must be at least 180 (legal minimum)")
        if self.account_deletion_grace_days < 0:
            raise SettingsError("IDP_ACCOUNT_DELETION_GRACE_DAYS must be 0 or more")
        if min(self.device_code_seconds, self.device_poll_interval_seconds) < 1:
            raise SettingsError("IDP_DEVICE_CODE_SECONDS and IDP_DEVICE_POLL_INTERVAL_SECONDS "
                                "must be at least 1")
        if min(self.redis_timeout_seconds, self.db_timeout_seconds) < 1:
            raise SettingsError("IDP_REDIS_TIMEOUT_SECONDS and IDP_DB_TIMEOUT_SECONDS must be "
                                "at least 1")
        if self.redis_url:
            from idp.store.redis_urls import parse_redis_url  # here: idp.store imports settings

            try:
                parse_redis_url(self.redis_url)
            except ValueError as exc:
                raise SettingsError(f"IDP_REDIS_URL {exc}") from None
        if self.saml_metadata_signer_cert and not self.saml_metadata_signer_cert.is_file():
            raise SettingsError("IDP_SAML_METADATA_SIGNER_CERT must name a PEM certificate file")
        if min(self.ldap_sync_interval_seconds, self.ldap_full_sync_interval_seconds) < 0:
            raise SettingsError("IDP_LDAP_SYNC_INTERVAL_SECONDS and "
                                "IDP_LDAP_FULL_SYNC_INTERVAL_SECONDS must be 0 (off) or more")
        self._validate_sms()
        self._validate_registers()
        self._validate_operations()
        if self.argon2_memory_kib < 19456 or self.argon2_time_cost < 2:
            log.warning("argon2 parameters below OWASP's minimum: acceptable for tests only")

    def _validate_operations(self) -> None:
        if self.log_format not in ("text", "json"):
            raise SettingsError("IDP_LOG_FORMAT must be text or json")
        if self.metrics_bind and not re.fullmatch(r"\[?[0-9A-Za-z.:-]*\]?:\d{1,5}",
                                                  self.metrics_bind):
            raise SettingsError("IDP_METRICS_BIND must be host:port")
        if self.metrics_token and len(self.metrics_token) < 16:
            raise SettingsError("IDP_METRICS_TOKEN must be at least 16 characters")

    def _validate_sms(self) -> None:
        if self.sms_sender not in ("outbox", "http"):
            raise SettingsError("IDP_SMS_SENDER must be outbox or http")
        if self.sms_sender == "outbox":
            log.warning("IDP_SMS_SENDER=outbox: SMS are written to %s, not sent to phones "
                        "(development only)", self.data_dir / "outbox.jsonl")
            return
        if not self.sms_gateway_url.startswith(("https://", "http://")):
            raise SettingsError("IDP_SMS_GATEWAY_URL must be an http(s) URL")
        # The template with empty values must be JSON (idp/notify/http_gateway.py fills it).
        try:
            if "{phone}" not in self.sms_gateway_template or \
                    "{text}" not in self.sms_gateway_template:
                raise ValueError("a placeholder is missing")
            json.loads(re.sub(r"\{(phone|text|kind)\}", "", self.sms_gateway_template))
        except ValueError as exc:
            raise SettingsError("IDP_SMS_GATEWAY_TEMPLATE must be JSON with {phone} and {text} "
                                "inside strings") from exc
        if self.sms_gateway_timeout_seconds < 1 or self.sms_gateway_retries < 0:
            raise SettingsError("IDP_SMS_GATEWAY_TIMEOUT_SECONDS must be at least 1 and "
                                "IDP_SMS_GATEWAY_RETRIES at least 0")


def _convert(name: str, kind: object, raw: str) -> object:
    kind = str(kind)
    try:
        if kind == "int":
            return int(raw)
        if kind == "bool":
            return {"1": True, "true": True, "0": False, "false": False}[raw.strip().lower()]
        if kind == "Path":
            return Path(raw)
        if kind == "Path | None":  # optional path: empty means unset
            return Path(raw) if raw.strip() else None
    except ValueError as exc:
        raise SettingsError(f"IDP_{name.upper()} must be an integer, got {raw!r}") from exc
    except KeyError as exc:
        raise SettingsError(f"IDP_{name.upper()} must be true or false, got {raw!r}") from exc
    return raw


def _is_loopback(url: str) -> bool:
    host = url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0]
    return host in {"127.0.0.1", "localhost", "[::1]"}
