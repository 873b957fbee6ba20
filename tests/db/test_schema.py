"""The migrations are the schema: what they build matches the models, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import idp.models  # noqa: F401 - every table on Base.metadata
from idp.audit.partitions import is_partition
from idp.db import Base


def _not_a_partition(name, type_, _parent) -> bool:
    # On PostgreSQL audit_events is partitioned by month (migration 0008); its partitions are
    # tables PostgreSQL makes from the parent, which the model declares and which is compared.
    return not (type_ == "table" and is_partition(name))


def test_migrations_build_exactly_the_tables_the_models_declare(backend, database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": _not_a_partition})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
