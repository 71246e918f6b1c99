"""Reminder sweep: claim-and-enqueue over 1,000,000 milestones of which 1% are due, and a sweep
with nothing due, on SQLite (default) or PostgreSQL (--postgres).

    .venv/bin/python bench/reminders.py                      # SQLite, 1,000,000 milestones
    .venv/bin/python bench/reminders.py --postgres           # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/reminders.py --size 100000 --runs 7 --due 0.01

Rows are bulk-inserted with one INSERT ... SELECT (not through the services): 1% have
`next_reminder_at` a minute ago, 79% in the next 30 days, 20% none (done). The timed step is
`sweep.sweep` with the real Huey queue (SqliteHuey in a temporary data directory): the
conditional UPDATE ... RETURNING claims (batches of PACTLINE_REMINDER_BATCH, SKIP LOCKED on
PostgreSQL) and one `process_reminders` task enqueued per batch. Between runs the claimed rows
are made due again and the queue is emptied. Prints medians and the query plan of the claim.
PostgreSQL runs in its own database `pactline_bench`, dropped and created again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/pactline_bench"


def setup(data_dir: str, postgres: bool) -> None:
    os.environ["PACTLINE_DATA_DIR"] = data_dir
    os.environ.pop("REDIS_URL", None)
    if postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS pactline_bench")
            admin.execute("CREATE DATABASE pactline_bench")
        os.environ["DATABASE_URL"] = PG_BENCH
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_rows(size: int, due_share: float) -> float:
    """Insert `size` milestones by copying one row in SQL; returns the seconds it took."""
    from django.db import connection, transaction
    from django.utils import timezone

    from pactline.accounts.models import Membership, Organisation, User
    from pactline.contracts.models import Contract
    from pactline.milestones.models import Milestone

    began = time.perf_counter()
    org = Organisation.objects.create(name="Bench", slug="bench")
    user = User.objects.create_user("bench@example.com", "x")
    Membership.objects.create(user=user, organisation=org, role="owner")
    contract = Contract.objects.create(
        organisation=org, number="B-1", title="Bench", status="active"
    )
    template = Milestone.objects.create(
        organisation=org, contract=contract, title="M", owner=user, due_fixed=timezone.now().date()
    )
    columns = [
        f.column
        for f in Milestone._meta.concrete_fields
        if f.column not in ("id", "next_reminder_at")
    ]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(Milestone._meta.db_table)
    due_every = max(round(1 / due_share), 1)
    now = timezone.now()
    if connection.vendor == "postgresql":
        series = "SELECT generate_series(1, %s) AS n"
        when = (
            f"CASE WHEN n %% {due_every} = 0 THEN %s::timestamptz WHEN n %% 5 = 1 THEN NULL "
            "ELSE %s::timestamptz + (10 + n %% 43200) * interval '1 minute' END"
        )
    else:
        series = (
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < %s) "
            "SELECT n FROM s"
        )
        when = (
            f"CASE WHEN n % {due_every} = 0 THEN %s WHEN n % 5 = 1 THEN NULL "
            "ELSE strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s, "
            "'+' || (10 + n % 43200) || ' minutes') END"
        )
    field = Milestone._meta.get_field("next_reminder_at")
    past = field.get_db_prep_value(now - timedelta(minutes=1), connection)
    future = field.get_db_prep_value(now, connection)
    sql = (
        f"INSERT INTO {table} ({quoted}, next_reminder_at) "
        f"SELECT {quoted}, {when} FROM {table} CROSS JOIN ({series}) AS s "
        f"WHERE {table}.id = %s"
    )
    if connection.vendor == "sqlite":
        sql = sql.replace("%", "%%").replace("%%s", "%s").replace("%%%%", "%%")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [past, future, size - 1, template.pk])
        cursor.execute(f"UPDATE {table} SET next_reminder_at = NULL WHERE id = %s", [template.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - began


def plan_of_claim() -> str:
    from django.db import connection

    table = "milestones_milestone"
    if connection.vendor == "postgresql":
        sql = (
            f"EXPLAIN SELECT id FROM {table} WHERE next_reminder_at <= now() "
            "ORDER BY next_reminder_at LIMIT 500"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return "\n".join("    " + row[0] for row in cursor.fetchall())
    sql = (
        f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE next_reminder_at <= '2030-01-01' "
        "ORDER BY next_reminder_at LIMIT 500"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return "\n".join("    " + str(row[-1]) for row in cursor.fetchall())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--due", type=float, default=0.01, help="share of rows due")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp, args.postgres)
        from django.conf import settings
        from django.db import connection
        from django.utils import timezone
        from huey.contrib.djhuey import HUEY

        from pactline.milestones.models import Milestone
        from pactline.notifications import tasks
        from pactline.notifications.reminders import sweep

        seconds = make_rows(args.size, args.due)
        due = Milestone.objects.filter(next_reminder_at__lte=timezone.now()).count()
        print(
            f"{connection.vendor}: {args.size:,} milestones, {due:,} due "
            f"(inserted in {seconds:.1f} s); claim batches of {settings.PACTLINE_REMINDER_BATCH}"
        )
        print("  plan of the claim's inner SELECT:")
        print(plan_of_claim())

        def enqueue(kind: str, ids: list[int]) -> None:
            tasks.process_reminders(kind, ids)  # a real Huey enqueue (SQLite queue on disk)

        claim_times, empty_times = [], []
        for _run in range(args.runs):
            began = time.perf_counter()
            claimed = sweep.sweep(enqueue)
            claim_times.append(time.perf_counter() - began)
            assert claimed == due, (claimed, due)
            queued = len(HUEY)
            began = time.perf_counter()
            assert sweep.sweep(enqueue) == 0
            empty_times.append(time.perf_counter() - began)
            # Make the same rows due again and empty the queue for the next run.
            Milestone.objects.filter(
                next_reminder_at__gt=timezone.now() + timedelta(seconds=60)
            ).filter(next_reminder_at__lte=timezone.now() + sweep.lease()).update(
                next_reminder_at=timezone.now() - timedelta(minutes=1)
            )
            HUEY.flush()
        med_claim, med_empty = statistics.median(claim_times), statistics.median(empty_times)
        print(
            f"claim-and-enqueue {due:,} due rows: median {med_claim:.3f} s "
            f"({due / med_claim:,.0f} rows/s, {queued} tasks enqueued; runs "
            + ", ".join(f"{t:.3f}" for t in claim_times)
            + ")"
        )
        print(
            f"sweep with nothing due: median {med_empty * 1000:.2f} ms (runs "
            + ", ".join(f"{t * 1000:.2f}" for t in empty_times)
            + ")"
        )
        ok = med_claim < 2 and med_empty < 0.05
        print("targets (< 2 s, < 50 ms):", "met" if ok else "NOT met")
    if args.postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS pactline_bench WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
