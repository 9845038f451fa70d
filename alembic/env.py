"""Alembic environment: runs on a connection handed in by the journal, or on `-x db=PATH`
(a file) or `-x db=postgresql://…` (a server database)."""

from sqlalchemy import create_engine

from alembic import context

config = context.config
connection = config.attributes.get("connection")


def _run(conn) -> None:
    context.configure(connection=conn, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    db = context.get_x_argument(as_dictionary=True).get("db", "journal.sqlite")
    if db.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from journal.storage.engines.postgres import driver_url

        url = driver_url(db)
    else:
        url = f"sqlite:///{db}"
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
