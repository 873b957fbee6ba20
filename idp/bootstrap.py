"""What a server does once before serving: migrate, check the KEK, greet a first start."""

from __future__ import annotations

import logging
import sys

from idp.services import Services
from idp.settings import Settings
from keys.private_files import write_private

# Where the bootstrap password goes when stdout is not a terminal (inside the data folder).
BOOTSTRAP_PASSWORD_FILE = "bootstrap-admin-password"  # noqa: S105 - a file name


def prepare(settings: Settings) -> None:
    """Migrate the schema and check the KEK (fails with its message), in the master process;
    on a first start, create the bootstrap administrator and hand its password over once."""
    from idp.accounts.bootstrap import BOOTSTRAP_USERNAME, ensure_bootstrap_admin

    services = Services.build(settings)
    try:
        _publish_keys(services)
        password = ensure_bootstrap_admin(services)
        _purge_deleted(services)
        if password:
            _make_security_admin(services, BOOTSTRAP_USERNAME)
    finally:
        services.db.dispose()
    if password:
        _hand_over(settings, BOOTSTRAP_USERNAME, password)


def _hand_over(settings: Settings, username: str, password: str) -> None:
    """A one-time secret, never through logging. On the operator's terminal it is printed;
    otherwise stdout is a service log (systemd, docker, a supervisor) that others read, so the
    password goes to an owner-only file in the data folder and stdout says only where."""
    console = settings.issuer.rstrip("/")
    about = (f"  username: {username}\n"
             "  role: 安全管理员 security administrator (creates the other administrators and\n"
             f"        grants their roles at {console}/admin/roles, or with\n"
             "        idp admin grant-role --username U --role system_admin|audit_admin)\n"
             "首次登录须修改密码。It must be changed at first login.\n")
    if sys.stdout.isatty():
        print("\n初始管理员已创建 / Bootstrap administrator created\n"
              f"  password: {password}\n{about}"
              "此密码不会再次显示。It will not be shown again.\n", flush=True)
        return
    path = settings.data_dir / BOOTSTRAP_PASSWORD_FILE
    write_private(path, f"# 初始管理员 {username} 的一次性密码 / one-time password of "
                        f"{username}: read it, then delete this file\n{password}\n")
    if settings.log_format == "json":  # the service log is one JSON object per line
        logging.getLogger(__name__).warning(
            "bootstrap administrator %s created (security administrator; change the password "
            "at first login): one-time password in %s (mode 0600; read it, then delete the "
            "file)", username, path)
        return
    print("\n初始管理员已创建 / Bootstrap administrator created\n"
          f"  password: in {path} (mode 0600; read it, then delete the file)\n{about}",
          flush=True)


def _publish_keys(services: Services) -> None:
    """Make every algorithm's keys before serving, so the first JWKS a relying party caches
    already holds every key that may sign (not only those used so far)."""
    from keys.algorithms import JWT_ALGORITHMS

    for alg in JWT_ALGORITHMS:
        services.signing_keys.signing_key(alg)
    services.signing_keys.saml_signing()


def _purge_deleted(services: Services) -> None:
    """The erasure job (``idp users purge-deleted``) once at start-up, so a server without
    the daily timer still erases accounts whose deletion grace period is over (PIPL art. 47)."""
    import logging

    from idp.oidc.logout import session_hooks
    from idp.privacy.erasure import purge_deleted

    session_hooks.install(services)
    erased = purge_deleted(services)
    if erased:
        logging.getLogger(__name__).info("erased %d deleted account(s)", len(erased))


def _make_security_admin(services: Services, username: str) -> None:
    """The first administrator holds the security role, which assigns every other role
    (separation of duties: it can neither register relying parties nor read the audit)."""
    from admin.roles import Role, assign_role
    from idp.accounts.service import find_person_by_username

    account = find_person_by_username(services, username)
    assign_role(services.db, account_id=account.id, role=Role.SECURITY_ADMIN,
                granted_by="bootstrap")
