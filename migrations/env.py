"""Alembic environment: runs the migrations on the URL that ``idp db upgrade`` passes in."""

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, render_as_batch=url.startswith("sqlite"))
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
