"""The floors: what the journal's own stack can do at best, measured in the same run.

Each floor is a small Python program run in a child process with the same interpreter as
the journal. Start-up floors (`pass`, the one-row insert) are timed from outside, like the
commands they bound; throughput floors time only their loop inside the child and print the
seconds, so interpreter start-up is not counted in their favour.
"""

# `python -c pass`: what any Python command pays before doing anything.
PASS = "pass"


# Raw sqlite3: read every event in log order and decode each payload. Prints seconds.
SCAN = """
import json, sqlite3, sys, time

conn = sqlite3.connect(sys.argv[1])
start = time.perf_counter()
count = 0
for row in conn.execute(
    "SELECT seq, event_id, stream, version, type, schema_version, payload, occurred_at,"
    " recorded_at, prev_hash, hash FROM events ORDER BY seq"
):
    json.loads(row[6])
    count += 1
print(time.perf_counter() - start, count)
"""

# Raw sqlite3: insert the same rows into an empty journal of the same schema with one
# executemany in one transaction. The rows are read into memory first (not timed).
# argv: source journal, empty target journal. Prints seconds.
EXECUTEMANY = """
import sqlite3, sys, time

cols = ("seq, event_id, stream, version, type, schema_version, payload, occurred_at,"
        " recorded_at, prev_hash, hash")
rows = sqlite3.connect(sys.argv[1]).execute(f"SELECT {cols} FROM events ORDER BY seq").fetchall()
conn = sqlite3.connect(sys.argv[2], isolation_level=None)
conn.execute("PRAGMA synchronous = NORMAL")
start = time.perf_counter()
conn.execute("BEGIN IMMEDIATE")
conn.executemany(f"INSERT INTO events ({cols}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
conn.execute("COMMIT")
print(time.perf_counter() - start, len(rows))
"""

# PostgreSQL: a process that imports the journal's server driver stack (SQLAlchemy and
# psycopg 3), connects like the store does (NullPool, a fresh connection) and inserts one
# row in one transaction into a table on the same server: the least a `journal add` on a
# shared journal can cost. argv: the database URL (postgresql+psycopg://…). Timed from
# outside, like the command.
PG_ONE_ROW_INSERT = """
import sys
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

engine = create_engine(
    sys.argv[1],
    poolclass=NullPool,
    connect_args={"connect_timeout": 10, "application_name": "journal-bench-floor"},
)
with engine.connect() as conn:
    conn.exec_driver_sql("INSERT INTO bench_floor (note) VALUES ('x')")
    conn.commit()
"""

PG_FLOOR_TABLE = "CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, note text)"
