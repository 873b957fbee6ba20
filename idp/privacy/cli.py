"""``idp users purge-deleted``: the erasure job (attached to ``idp users`` by ``idp.cli``).

Run it daily (cron, a systemd timer); ``idp serve`` also runs it once at start-up. The job's
services get the OIDC session hooks, so a session still alive at erasure tells its relying
parties through back-channel logout, as a logout in the browser would.
"""

from __future__ import annotations

import click

from idp.commands import emit, with_services
from idp.oidc.logout import session_hooks
from idp.privacy.erasure import purge_deleted
from idp.services import Services


@click.command("purge-deleted")
@click.option("--json", "as_json", is_flag=True, help="print the erased accounts as JSON")
@with_services
def purge_deleted_command(services: Services, as_json: bool) -> None:
    """Erase the personal data of accounts whose deletion grace period is over."""
    session_hooks.install(services)
    done = purge_deleted(services)
    emit({"erased": done}, as_json,
         f"erased {len(done)} account(s)" + "".join(f"\n  {d['account_id']}" for d in done))
