"""The IdP's own clients get a unique ``builtin`` key; duplicated console clients are merged.

Every worker registered the console's client at start-up after checking it was missing, so
workers starting together registered it twice or more (13 ms apart in the field). From now on
the console's client is the one whose ``builtin`` is ``"console"``, a unique index, and a losing
concurrent insert reads the winner's. This migration keeps the oldest console client, marks it,
and deletes the others with their refresh tokens and consents (an admin signed in through one
of them signs in again).

Revision ID: 0012_builtin_clients
Revises: 0011_refresh_access_jti
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_builtin_clients"
down_revision = "0011_refresh_access_jti"
branch_labels = None
depends_on = None

CONSOLE_NAME = "管理控制台"  # admin.first_party.CONSOLE_NAME when the duplicates were made
_clients = sa.table(
    "oidc_clients",
    sa.column("client_id", sa.String(64)),
    sa.column("name", sa.String(200)),
    sa.column("first_party", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("builtin", sa.String(32)),
)


def upgrade() -> None:
    op.add_column("oidc_clients", sa.Column("builtin", sa.String(32), nullable=True))
    conn = op.get_bind()
    consoles = conn.execute(
        sa.select(_clients.c.client_id)
        .where(_clients.c.name == CONSOLE_NAME, _clients.c.first_party.is_(True))
        .order_by(_clients.c.created_at, _clients.c.client_id)
    ).scalars().all()
    if consoles:
        keep, extra = consoles[0], list(consoles[1:])
        if extra:
            # Explicitly: SQLite enforces ON DELETE CASCADE only with its foreign_keys pragma.
            for table in ("oidc_refresh_tokens", "consents"):
                dependants = sa.table(table, sa.column("client_id", sa.String(64)))
                conn.execute(dependants.delete().where(dependants.c.client_id.in_(extra)))
            conn.execute(_clients.delete().where(_clients.c.client_id.in_(extra)))
        conn.execute(_clients.update().where(_clients.c.client_id == keep)
                     .values(builtin="console"))
    # A unique index, not a constraint: SQLite adds it without rebuilding the table.
    op.create_index("ix_oidc_clients_builtin", "oidc_clients", ["builtin"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_oidc_clients_builtin", "oidc_clients")
    op.drop_column("oidc_clients", "builtin")
