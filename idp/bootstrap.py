"""What a server does once before serving: migrate, check the KEK, greet a first start."""

from __future__ import annotations

from idp.services import Services
from idp.settings import Settings


def prepare(settings: Settings) -> None:
    """Migrate the schema and check the KEK (fails with its message), in the master process;
    on a first start, create the bootstrap administrator and show its password once."""
    from idp.accounts.bootstrap import BOOTSTRAP_USERNAME, ensure_bootstrap_admin

    services = Services.build(settings)
    try:
        _publish_keys(services)
        password = ensure_bootstrap_admin(services)
        if password:
            _make_security_admin(services, BOOTSTRAP_USERNAME)
    finally:
        services.db.dispose()
    if password:
        # A one-time secret: printed to the operator's terminal, never through logging.
        print(
            "\n初始管理员已创建 / Bootstrap administrator created\n"
            f"  username: {BOOTSTRAP_USERNAME}\n  password: {password}\n"
            "  role: 安全管理员 security administrator (grants the other roles:\n"
            "        idp admin grant-role --username U --role system_admin|audit_admin)\n"
            "首次登录须修改密码；此密码不会再次显示。\n"
            "It must be changed at first login and will not be shown again.\n",
            flush=True,
        )


def _publish_keys(services: Services) -> None:
    """Make every algorithm's keys before serving, so the first JWKS a relying party caches
    already holds every key that may sign (not only those used so far)."""
    from keys.algorithms import JWT_ALGORITHMS

    for alg in JWT_ALGORITHMS:
        services.signing_keys.signing_key(alg)
    services.signing_keys.saml_signing()


def _make_security_admin(services: Services, username: str) -> None:
    """The first administrator holds the security role, which assigns every other role
    (separation of duties: it can neither register relying parties nor read the audit)."""
    from admin.roles import Role, assign_role
    from idp.accounts.service import find_person_by_username

    account = find_person_by_username(services, username)
    assign_role(services.db, account_id=account.id, role=Role.SECURITY_ADMIN,
                granted_by="bootstrap")
