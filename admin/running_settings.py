"""What the running server uses: its ``Settings``, as read-only sections for the console.

Settings come from ``IDP_*`` variables read once at start-up (12-factor: changed by
redeploying, never at runtime), so this is a report, not a form. No secret leaves here: the
KEK is reported as set or generated, credentials inside URLs are removed
(``hide_credentials``), and a setting no section places yet is shown only if it is a number,
a flag or a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path

from admin.access import require
from admin.principal import Admin
from admin.roles import Permission
from clients.policy import LIFETIMES
from idp.accounts import password_policy
from idp.oidc.provider_metadata import metadata
from idp.saml.endpoints import entity_id
from idp.services import Services
from idp.settings import Settings

Text = tuple[str, str]  # (Chinese, English)
HIDDEN = "***"
# Query parameters that carry a credential (libpq's ``?password=``, redis-py's, tokens).
_SECRET_PARAM = re.compile(r"([?&;][^=&;#]*(?:pass|pwd|secret|token|key)[^=&;#]*=)[^&;#]*", re.I)


class Unit(StrEnum):
    SECONDS = "s"
    DAYS = "d"
    KIB = "KiB"
    BITS = "bit"
    CHARACTERS = "characters"
    CLASSES = "classes"
    FAILURES = "failures"
    ACCOUNTS = "accounts"
    ADDRESSES = "addresses"
    PASSES = "passes"  # argon2's t
    LANES = "lanes"  # argon2's p
    PROXIES = "proxies"


class Secret(StrEnum):
    """What the page says instead of a secret's value."""

    SET = "set"
    GENERATED = "generated"  # the KEK, made into <data_dir>/kek on first start (dev only)
    NOT_SET = "not_set"


@dataclass(frozen=True)
class Row:
    label: Text
    value: str | int | bool | Secret | Text
    env: str | None  # the IDP_* variable; None: not an environment setting, see ``where``
    unit: Unit | None = None
    note: Text | None = None
    where: Text = ("代码固定", "fixed in code")


@dataclass(frozen=True)
class Section:
    key: str
    title: Text
    rows: tuple[Row, ...]


def hide_credentials(url: str) -> str:
    """``url`` with the password of its user info and any credential parameter replaced.

    The user info runs to the *last* ``@`` (a password with an unescaped ``@`` stays hidden);
    only the user name before the first ``:`` is kept.
    """
    start = url.find("://") + 3 if "://" in url else 0
    at = url.rfind("@")
    if at >= start:
        user, colon, _ = url[start:at].partition(":")
        url = url[:start] + user + (":" + HIDDEN if colon else "") + url[at:]
    return _SECRET_PARAM.sub(lambda m: m.group(1) + HIDDEN, url)


def overview(services: Services, admin: Admin) -> list[Section]:
    require(admin, Permission.SETTINGS)
    return sections(services.settings)


def sections(s: Settings) -> list[Section]:
    """Every section of the page, built from ``s`` alone."""
    built = [_service(s), _storage(s), _session(s), _lockout(s), _passwords(s), _keys(s),
             _audit(s)]
    placed = {row.env for section in built for row in section.rows}
    others = tuple(_unplaced(s, f.name) for f in fields(s) if _variable(f.name) not in placed)
    return built + ([Section("other", ("其他", "Other"), others)] if others else [])


def env(name: str) -> str:
    """The variable of a ``Settings`` field; KeyError for no such field (none is invented)."""
    if name not in {f.name for f in fields(Settings)}:
        raise KeyError(name)
    return _variable(name)


def _variable(name: str) -> str:
    return f"IDP_{name.upper()}"  # as Settings.from_env reads it (or IDP_<FIELD>_FILE)


def _row(s: Settings, name: str, label: Text, unit: Unit | None = None,
         note: Text | None = None) -> Row:
    return Row(label, getattr(s, name), env(name), unit, note)


def _unplaced(s: Settings, name: str) -> Row:
    value = getattr(s, name)
    if isinstance(value, Path):
        value = str(value)
    elif not isinstance(value, int):  # bool is an int; a string may be a secret
        value = Secret.SET if value else Secret.NOT_SET
    return Row((name, name), value, _variable(name))


def _service(s: Settings) -> Section:
    derived = ("由签发者派生", "derived from the issuer")
    return Section("service", ("服务", "Service"), (
        _row(s, "issuer", ("签发者（公开基础地址）", "Issuer (public base URL)"),
             note=("每个令牌的 iss", "every token's iss")),
        Row(("OIDC 发现文档", "OIDC discovery"), s.issuer + "/.well-known/openid-configuration",
            env("issuer"), note=derived),
        Row(("JWKS 公钥地址", "JWKS URL"), metadata(s)["jwks_uri"], env("issuer"), note=derived),
        Row(("SAML 实体 ID 与元数据", "SAML entity ID and metadata"), entity_id(s.issuer),
            env("issuer"), note=derived),
        _row(s, "default_language", ("默认语言", "Default language")),
        _row(s, "trusted_proxies", ("受信任的前置代理", "Trusted proxies"), Unit.PROXIES,
             ("采信其 X-Forwarded-For/-Proto；0 为不采信",
              "whose X-Forwarded-For/-Proto are honoured; 0: none")),
        _row(s, "oidc_backchannel_timeout", ("后端通道登出超时", "Back-channel logout timeout"),
             Unit.SECONDS),
        _row(s, "oidc_jwks_fetch_timeout", ("获取应用 JWKS 超时", "Client JWKS fetch timeout"),
             Unit.SECONDS),
        _row(s, "metadata_fetch_allow_private",
             ("允许从内网地址获取 SP 元数据", "SP metadata from private addresses"),
             note=("链路本地与保留地址始终拒绝", "link-local and reserved addresses: never")),
        Row(("SP 元数据签名证书", "SP metadata signer certificate"),
            str(s.saml_metadata_signer_cert) if s.saml_metadata_signer_cert else Secret.NOT_SET,
            env("saml_metadata_signer_cert"),
            note=("设置后仅接受其签名的元数据", "set: only metadata it signed is registered")),
    ))


def _storage(s: Settings) -> Section:
    url = s.resolved_database_url
    redis = bool(s.redis_url)
    return Section("storage", ("存储", "Storage"), (
        Row(("数据库", "Database"), url.split(":", 1)[0].split("+", 1)[0], env("database_url")),
        Row(("数据库地址", "Database URL"), hide_credentials(url), env("database_url"),
            note=None if s.database_url else ("默认：数据目录中的 SQLite",
                                              "default: SQLite in the data folder")),
        Row(("临时状态存储（Store）", "Ephemeral Store"),
            ("Redis", "Redis") if redis else ("SQL 数据库", "SQL database"), env("redis_url")),
        Row(("Redis 地址", "Redis URL"), hide_credentials(s.redis_url) if redis else "—",
            env("redis_url"), note=None if redis else ("未设置：存于 SQL 数据库",
                                                       "not set: kept in the SQL database")),
        _row(s, "store_prefix", ("Store 键前缀", "Store key prefix")),
        _row(s, "db_timeout_seconds", ("数据库语句超时", "Database statement timeout"),
             Unit.SECONDS, ("无应答的服务器再多等 1 秒；超时答 503",
                            "a silent server gets 1 s more; then 503")),
        _row(s, "redis_timeout_seconds", ("Redis 命令超时", "Redis command timeout"),
             Unit.SECONDS, ("连接与应答各自；超时答 503", "connect and answer each; then 503")),
        Row(("数据目录", "Data folder"), str(s.data_dir.resolve()), env("data_dir")),
    ))


def _session(s: Settings) -> Section:
    return Section("session", ("会话", "Sessions"), (
        _row(s, "session_absolute_seconds",
             ("单点登录会话绝对时长", "SSO session absolute lifetime"), Unit.SECONDS,
             ("自登录起", "from login")),
        _row(s, "session_idle_seconds", ("单点登录会话空闲时长", "SSO session idle lifetime"),
             Unit.SECONDS, ("自上次使用起", "since last use")),
        Row(("Cookie Secure 标志", "Cookie Secure flag"), s.secure_cookies, env("issuer"),
            note=("签发者为 https 时开启", "on when the issuer is https")),
    ))


def _lockout(s: Settings) -> Section:
    return Section("lockout", ("登录保护", "Login protection"), (
        _row(s, "lockout_free_failures", ("开始延迟前允许的失败", "Failures before delays start"),
             Unit.FAILURES),
        _row(s, "lockout_delay_seconds", ("首次延迟", "First delay"), Unit.SECONDS,
             ("之后每次失败加倍", "doubles with each further failure")),
        _row(s, "lockout_max_delay_seconds", ("延迟上限", "Delay cap"), Unit.SECONDS),
        _row(s, "lockout_threshold", ("锁定前的失败", "Failures before lockout"), Unit.FAILURES),
        _row(s, "lockout_seconds", ("锁定时长", "Lockout length"), Unit.SECONDS),
        _row(s, "lockout_window_seconds", ("失败计数窗口", "Failure counting window"),
             Unit.SECONDS),
        _row(s, "ip_failure_threshold",
             ("同一 IP 锁定前的失败", "Failures from one IP before it is locked"), Unit.FAILURES),
    ))


def _passwords(s: Settings) -> Section:
    both = ("个人与管理员账号", "citizens and administrators")
    return Section("passwords", ("密码", "Passwords"), (
        _row(s, "argon2_memory_kib", ("argon2id 内存", "argon2id memory"), Unit.KIB),
        _row(s, "argon2_time_cost", ("argon2id 迭代", "argon2id time cost"), Unit.PASSES),
        _row(s, "argon2_parallelism", ("argon2id 并行度", "argon2id parallelism"), Unit.LANES),
        _row(s, "person_password_min", ("个人密码最短长度", "Citizen password minimum"),
             Unit.CHARACTERS, ("NIST SP 800-63B", "NIST SP 800-63B")),
        _row(s, "admin_password_min", ("管理员密码最短长度", "Administrator password minimum"),
             Unit.CHARACTERS, ("GB/T 22239-2019 三级", "GB/T 22239-2019 level 3")),
        Row(("管理员密码字符类别", "Administrator character classes"),
            password_policy.ADMIN_CLASSES_REQUIRED, None, Unit.CLASSES,
            ("大写、小写、数字、符号", "capitals, small letters, digits, symbols")),
        Row(("密码最长长度", "Password maximum"), password_policy.MAX_LENGTH, None,
            Unit.CHARACTERS, both),
        Row(("拒绝常见或已泄露的密码", "Common or breached passwords refused"), True, None,
            note=both),
    ))


def _keys(s: Settings) -> Section:
    return Section("keys", ("令牌与密钥", "Tokens and keys"), (
        _per_client("access_token_lifetime", ("访问令牌有效期", "Access token lifetime")),
        _per_client("id_token_lifetime", ("ID 令牌有效期", "ID token lifetime")),
        _per_client("refresh_token_lifetime",
                    ("刷新令牌有效期（滑动）", "Refresh token lifetime (sliding)")),
        _per_client("refresh_token_absolute_lifetime",
                    ("刷新令牌绝对有效期", "Refresh token absolute lifetime")),
        _row(s, "longest_token_seconds", ("最长令牌有效期", "Longest token lifetime"),
             Unit.SECONDS, ("退役密钥继续公布的时长", "how long a retired key stays published")),
        _row(s, "oidc_access_token_alg", ("访问令牌签名算法", "Access token algorithm")),
        _row(s, "key_rotation_days", ("自动轮换周期", "Automatic rotation every"), Unit.DAYS,
             ("0 为仅手动轮换（idp keys rotate）", "0: only by hand (idp keys rotate)")),
        _row(s, "rsa_key_bits", ("新 RSA 密钥长度", "New RSA key size"), Unit.BITS),
        _row(s, "jwks_max_age_seconds", ("JWKS 缓存时长", "JWKS max-age"), Unit.SECONDS),
        Row(("密钥加密密钥（KEK）", "Key-encryption key (KEK)"),
            Secret.SET if s.kek else Secret.GENERATED, env("kek"),
            note=("由 IDP_KEK 或 IDP_KEK_FILE 给出", "from IDP_KEK or IDP_KEK_FILE") if s.kek else
            ("仅限开发：生产环境须设置 IDP_KEK", "development only: production sets IDP_KEK")),
    ))


def _per_client(name: str, label: Text) -> Row:
    # Not a setting: each relying party's registration holds its own lifetime (clients/policy).
    low, high, default = LIFETIMES[name]
    return Row(label, default, None, Unit.SECONDS,
               (f"默认值，可设 {low}–{high} 秒", f"default; {low}–{high} s allowed"),
               ("各应用的登记", "each relying party's registration"))


def _audit(s: Settings) -> Section:
    return Section("audit", ("审计", "Audit"), (
        _row(s, "audit_retention_days", ("审计保存期", "Audit retention"), Unit.DAYS,
             ("不少于 180 天（法定最低）", "at least 180 (legal minimum)")),
        _row(s, "alert_window_seconds", ("告警统计窗口", "Alert window"), Unit.SECONDS),
        _row(s, "alert_ip_accounts",
             ("告警：同一 IP 登录失败的账号数", "Alert: accounts failing from one IP"),
             Unit.ACCOUNTS, ("窗口内达到即告警（撞库）", "within one window: credential stuffing")),
        _row(s, "alert_account_ips",
             ("告警：同一账号登录失败的 IP 数", "Alert: IPs failing on one account"),
             Unit.ADDRESSES, ("窗口内达到即告警", "within the window")),
    ))
