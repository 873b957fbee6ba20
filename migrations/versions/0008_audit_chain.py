"""Audit: hash chain, chain heads, console indexes; monthly partitions on PostgreSQL.

Existing events are chained (lane 0 of their day) as they are carried over. On PostgreSQL the
plain table of 0001 is renamed, a table partitioned by month on ``at`` takes its name (primary
key (id, at), since a partitioned table's keys must include the partition column), rows are
copied in id order, and the old table is dropped. The id sequence is kept.

Revision ID: 0008_audit_chain
Revises: 0001_core
"""

import json
from datetime import date

import sqlalchemy as sa
from alembic import op

from idp.audit.chain import as_utc, event_hash, genesis
from idp.audit.partitions import DEFAULT_PARTITION, create_partition_sql, month_start, next_month

revision = "0008_audit_chain"
down_revision = "0001_core"
branch_labels = None
depends_on = None

OLD_INDEXES = ("type", "account_id", "client_id", "ip")
NEW_INDEXES = {
    "ix_audit_events_account_id_at": ["account_id", "at"],
    "ix_audit_events_ip_at": ["ip", "at"],
    "ix_audit_events_client_id_at": ["client_id", "at"],
    "ix_audit_events_type_outcome_at": ["type", "outcome", "at"],
}
COLUMNS = ("id", "at", "type", "outcome", "account_id", "username", "client_id", "ip",
           "user_agent", "detail")
BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "audit_chain_heads",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lane", sa.SmallInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("prev_day", sa.Date()),
        sa.PrimaryKeyConstraint("day", "lane", name="pk_audit_chain_heads"),
    )
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, "audit_events", columns)


def _upgrade_sqlite() -> None:
    for column in OLD_INDEXES:
        op.drop_index(f"ix_audit_events_{column}", "audit_events")
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("lane", sa.SmallInteger()))
        batch.add_column(sa.Column("prev_hash", sa.String(64)))
        batch.add_column(sa.Column("hash", sa.String(64)))
    conn = op.get_bind()
    update = sa.text("UPDATE audit_events SET lane=0, prev_hash=:prev_hash, hash=:hash WHERE id=:id")
    for rows in _chained(conn, "audit_events"):
        conn.execute(update, rows)
    with op.batch_alter_table("audit_events") as batch:
        for column in ("lane", "prev_hash", "hash"):
            batch.alter_column(column, nullable=False)


def _upgrade_postgresql() -> None:
    conn = op.get_bind()
    op.execute("ALTER TABLE audit_events RENAME TO audit_events_plain")
    for column in (*OLD_INDEXES, "at"):
        op.execute(f"DROP INDEX ix_audit_events_{column}")
    op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY NONE")
    op.execute("""
        CREATE TABLE audit_events (
            id BIGINT NOT NULL DEFAULT nextval('audit_events_id_seq'),
            at TIMESTAMP WITH TIME ZONE NOT NULL,
            type VARCHAR(48) NOT NULL,
            outcome VARCHAR(16) NOT NULL,
            account_id VARCHAR(36),
            username VARCHAR(128),
            client_id VARCHAR(128),
            ip VARCHAR(64),
            user_agent VARCHAR(256),
            detail JSON NOT NULL,
            lane SMALLINT NOT NULL,
            prev_hash VARCHAR(64) NOT NULL,
            hash VARCHAR(64) NOT NULL,
            CONSTRAINT pk_audit_events PRIMARY KEY (id, at)
        ) PARTITION BY RANGE (at)
    """)
    op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id")
    op.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF audit_events DEFAULT")
    oldest = conn.scalar(sa.text("SELECT min(at) FROM audit_events_plain"))
    month = month_start(as_utc(oldest).date() if oldest else date.today())
    last = next_month(next_month(month_start(date.today())))
    while month <= last:
        op.execute(create_partition_sql(month))
        month = next_month(month)
    op.create_index("ix_audit_events_at", "audit_events", ["at"])
    insert = sa.text(
        "INSERT INTO audit_events (id, at, type, outcome, account_id, username, client_id, ip,"
        " user_agent, detail, lane, prev_hash, hash) VALUES (:id, :at, :type, :outcome,"
        " :account_id, :username, :client_id, :ip, :user_agent, CAST(:detail AS JSON), 0,"
        " :prev_hash, :hash)"
    )
    for rows in _chained(conn, "audit_events_plain"):
        conn.execute(insert, [{**row, "detail": json.dumps(row["detail"])} for row in rows])
    op.execute("DROP TABLE audit_events_plain")


def _chained(conn, table: str):
    """The table's events in id order, in batches, each with its chain link and hash."""
    source = sa.table(
        table, sa.column("id"), sa.column("at", sa.DateTime(timezone=True)),
        *(sa.column(c) for c in COLUMNS[2:-1]), sa.column("detail", sa.JSON()),
    )
    result = conn.execute(
        sa.select(source).order_by(source.c.id).execution_options(yield_per=BATCH)
    )
    heads: dict[date, tuple[str, int]] = {}
    for partition in result.partitions(BATCH):
        rows = []
        for raw in partition:
            row = dict(raw._mapping)
            row["at"] = as_utc(row["at"])
            day = row["at"].date()
            prev, count = heads.get(day, (genesis(day, 0), 0))
            row.update(lane=0, prev_hash=prev)
            row["hash"] = event_hash(row)
            heads[day] = (row["hash"], count + 1)
            rows.append(row)
        yield rows
    previous = None
    for day in sorted(heads):
        last_hash, count = heads[day]
        conn.execute(
            sa.text("INSERT INTO audit_chain_heads (day, lane, last_hash, count, prev_day)"
                    " VALUES (:day, 0, :last_hash, :count, :prev_day)"),
            {"day": day, "last_hash": last_hash, "count": count, "prev_day": previous},
        )
        previous = day


def downgrade() -> None:
    for name in NEW_INDEXES:
        op.drop_index(name, "audit_events")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events RENAME TO audit_events_parted")
        op.execute("ALTER TABLE audit_events_parted RENAME CONSTRAINT pk_audit_events TO x_pk")
        op.execute("DROP INDEX ix_audit_events_at")
        op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY NONE")
        op.execute("CREATE TABLE audit_events (LIKE audit_events_parted INCLUDING DEFAULTS)")
        op.execute("ALTER TABLE audit_events DROP COLUMN lane, DROP COLUMN prev_hash,"
                   " DROP COLUMN hash")
        op.execute("ALTER TABLE audit_events ADD CONSTRAINT audit_events_pkey PRIMARY KEY (id)")
        op.execute("INSERT INTO audit_events SELECT id, at, type, outcome, account_id, username,"
                   " client_id, ip, user_agent, detail FROM audit_events_parted")
        op.execute("ALTER SEQUENCE audit_events_id_seq OWNED BY audit_events.id")
        op.execute("DROP TABLE audit_events_parted")
        op.create_index("ix_audit_events_at", "audit_events", ["at"])
    else:
        with op.batch_alter_table("audit_events") as batch:
            for column in ("lane", "prev_hash", "hash"):
                batch.drop_column(column)
    for column in OLD_INDEXES:
        op.create_index(f"ix_audit_events_{column}", "audit_events", [column])
    op.drop_table("audit_chain_heads")
