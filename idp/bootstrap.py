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
    finally:
        services.db.dispose()
    if password:
        # A one-time secret: printed to the operator's terminal, never through logging.
        print(
            "\n初始管理员已创建 / Bootstrap administrator created\n"
            f"  username: {BOOTSTRAP_USERNAME}\n  password: {password}\n"
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
