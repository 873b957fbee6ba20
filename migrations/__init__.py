"""Alembic migrations: the only way the schema changes (shipped inside the package)."""
