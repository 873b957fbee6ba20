"""Signed userinfo: the client's ``userinfo_signed_response_alg`` becomes a column.

Dynamic registration used to keep the value among the informative metadata in ``extra``;
it is moved into the column so that the userinfo endpoint honours what was registered.

Revision ID: 0010_userinfo_alg
Revises: 0006_oidc
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_userinfo_alg"
down_revision = "0006_oidc"
branch_labels = None
depends_on = None

FIELD = "userinfo_signed_response_alg"
_clients = sa.table(
    "oidc_clients",
    sa.column("client_id", sa.String(64)),
    sa.column("extra", sa.JSON()),
    sa.column(FIELD, sa.String(16)),
)


def upgrade() -> None:
    op.add_column("oidc_clients", sa.Column(FIELD, sa.String(16), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.select(_clients.c.client_id, _clients.c.extra)).all()
    for client_id, extra in rows:
        if isinstance(extra, dict) and FIELD in extra:
            rest = {k: v for k, v in extra.items() if k != FIELD}
            conn.execute(_clients.update().where(_clients.c.client_id == client_id)
                         .values({FIELD: extra[FIELD], "extra": rest}))


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_clients.c.client_id, _clients.c.extra, _clients.c[FIELD])
                        .where(_clients.c[FIELD].is_not(None)))
    for client_id, extra, alg in rows.all():
        conn.execute(_clients.update().where(_clients.c.client_id == client_id)
                     .values(extra={**(extra or {}), FIELD: alg}))
    # A plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): batch mode would recreate the
    # table, and dropping it would cascade to the tables referencing oidc_clients.
    op.drop_column("oidc_clients", FIELD)
