"""The migrations are the schema: what they build matches the models, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

import idp.models  # noqa: F401 - every table on Base.metadata
from idp.db import Base


def test_migrations_build_exactly_the_tables_the_models_declare(backend, database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []
