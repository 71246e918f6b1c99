"""Dashboard and analytics on a large portfolio: medians and SQL query counts.

    .venv/bin/python bench/dashboard.py [--contracts 100000] [--per 10] [--runs 5]
    .venv/bin/python bench/dashboard.py --data-dir /tmp/pactline-bench   # keep and reuse

Works in a temporary data directory with its own SQLite database (or DATABASE_URL); with
`--data-dir` the generated database is kept there and reused by the next run (migrations are
applied to it first, so new indexes are built on the existing rows).

Rows are
bulk-inserted with raw executemany (not through the services; the generator is not what is
measured): contracts spread over 2020-2029 in 3 currencies with 20 owners, 50 parties, 5 tags;
each has `per` milestones, a share of them payments (some invoiced, some paid, some with
retention), some with penalty terms, completed ones done on time or up to 60 days late;
half of the milestones depend on the one before (finish-to-start), every fourth has a
two-item checklist, and the audit trail holds one hash-chained event per contract created and
per milestone completed (about 0.8 events per milestone; `pactline audit verify` passes). On
PostgreSQL the id sequences are moved past the inserted rows.
Then it times `dashboard()` and `analytics()` (after one warm-up run each) and prints the
median, the slowest run and the number of SQL queries of each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = (
    "initiation",
    "design_approval",
    "development_complete",
    "user_acceptance",
    "go_live",
    "completion",
    "payment",
    "report",
)
TODAY = date(2026, 11, 2)


def setup(data_dir: str) -> None:
    os.environ.setdefault("PACTLINE_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(contracts: int, per: int, seed: int = 7) -> object:
    from django.db import connection, transaction
    from django.utils import timezone

    from pactline.accounts.models import Membership, Organisation, User
    from pactline.accounts.permissions import Actor
    from pactline.contracts.models import Party, Tag

    rnd = random.Random(seed)
    org = Organisation.objects.create(name="Bench", slug="bench", default_time_zone="UTC")
    users = [User.objects.create_user(f"owner{i}@example.com", "x") for i in range(20)]
    for u in users:
        Membership.objects.create(user=u, organisation=org, role="manager")
    parties = [Party.objects.create(organisation=org, name=f"Party {i}") for i in range(50)]
    tags = [Tag.objects.create(organisation=org, name=f"tag{i}") for i in range(5)]
    now = timezone.now()
    c_rows, m_rows, cp_rows, ct_rows = [], [], [], []
    history = History(org.pk, users[0])
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM contracts_contract")
        c_id = cur.fetchone()[0]
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM milestones_milestone")
        m_id = cur.fetchone()[0]
    for c in range(contracts):
        c_id += 1
        start = date(2020, 1, 1) + timedelta(days=rnd.randrange(0, 3400))
        currency = ("EUR", "USD", "GBP")[c % 3]
        owner = rnd.choice(users).pk
        c_rows.append(
            (
                c_id,
                org.pk,
                f"B-{c:06d}",
                f"Contract {c}",
                "",
                "",
                owner,
                "100000.00",
                currency,
                start,
                start,
                start + timedelta(days=400),
                "UTC",
                "",
                "",
                31,
                "active" if start > date(2024, 1, 1) else "completed",
                1,
                now,
                now,
                "none",
                0,
                False,
                "none",
                False,
                TODAY,
            )
        )
        cp_rows.append((c_id, rnd.choice(parties).pk))
        ct_rows.append((c_id, rnd.choice(tags).pk))
        history.add("created", "contract", c_id, f"B-{c:06d} Contract {c}", c_id, now)
        for p in range(per):
            m_id += 1
            if p and rnd.random() < 0.5:  # finish-to-start on the milestone before
                history.links.append((org.pk, m_id - 1, m_id, 0, "working_days", now))
            due = start + timedelta(days=20 + 40 * p + rnd.randrange(0, 10))
            done = due < TODAY - timedelta(days=rnd.randrange(0, 60))
            status = "done" if done else rnd.choice(("planned", "in_progress", "planned"))
            completed = due + timedelta(days=max(0, rnd.randrange(-10, 60))) if done else None
            if completed and completed > TODAY:
                completed = TODAY
            pay = "10000.00" if p % 3 == 2 else None
            invoiced = completed if pay and done and rnd.random() < 0.8 else None
            paid = invoiced + timedelta(days=30) if invoiced and rnd.random() < 0.8 else None
            if paid and paid > TODAY:
                paid = None
            forecast = due + timedelta(days=rnd.randrange(0, 20)) if not done else due
            penalty = "fixed" if p % 10 == 9 else "none"
            if p % 4 == 0:  # a two-item checklist on every fourth milestone
                for n, title in enumerate(("Documents received", "Signed off")):
                    ticked = done or (n == 0 and status == "in_progress")
                    history.items.append((m_id, title, ticked, now if ticked else None, None, n, 1))
            if completed:
                late = (completed - due).days
                history.add(
                    "completed",
                    "milestone",
                    m_id,
                    f"Milestone {p}",
                    c_id,
                    now,
                    f"Milestone {p} done on {completed}"
                    + (f", {late} days late" if late > 0 else ""),
                )
            m_rows.append(
                (
                    m_id,
                    org.pk,
                    c_id,
                    f"Milestone {p}",
                    "",
                    KINDS[p % len(KINDS)],
                    "",
                    rnd.choice(users).pk,
                    "absolute",
                    due,
                    0,
                    "calendar_days",
                    "none",
                    "none",
                    due,
                    "",
                    due,
                    "",
                    False,
                    due,
                    forecast,
                    status,
                    completed,
                    pay,
                    p,
                    False,
                    False,
                    1,
                    now,
                    now,
                    completed if pay else None,
                    invoiced,
                    paid,
                    "1000.00" if pay and p % 6 == 5 else None,
                    penalty,
                    "100.0000" if penalty == "fixed" else None,
                    0,
                    False,
                    "none",
                    None,
                    currency,
                )
            )
        if len(m_rows) > 50_000 or c == contracts - 1:
            _flush(c_rows, m_rows, cp_rows, ct_rows)
            history.flush()
            c_rows, m_rows, cp_rows, ct_rows = [], [], [], []
    Organisation.objects.filter(pk=org.pk).update(
        audit_seq=history.seq, audit_head=history.head, revision=history.seq
    )
    with transaction.atomic():
        from pactline.reports.penalties import ensure_fresh

        ensure_fresh(org, TODAY)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    membership = Membership.objects.select_related("organisation", "user").first()
    return Actor.for_membership(membership)


class History:
    """Dependencies, checklist items and the audit trail (one hash-chained event per contract
    created and per milestone completed, as the services would have written them), inserted
    in batches after the milestones they refer to."""

    def __init__(self, org_id: int, actor: object) -> None:
        self.org_id, self.actor = org_id, actor
        self.links: list[tuple] = []
        self.items: list[tuple] = []
        self.events: list[object] = []
        self.seq, self.head = 0, ""

    def add(
        self,
        verb: str,
        subject_type: str,
        subject_id: int,
        label: str,
        contract_id: int,
        at: object,
        summary: str = "",
    ) -> None:
        from pactline.activity.models import Event

        self.seq += 1
        event = Event(
            organisation_id=self.org_id,
            seq=self.seq,
            created_at=at,
            actor_id=self.actor.pk,  # type: ignore[attr-defined]
            actor_label=self.actor.email,  # type: ignore[attr-defined]
            verb=verb,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=label,
            contract_id=contract_id,
            summary=summary or f"{subject_type.capitalize()} {label} {verb}",
            changes={},
            prev_hash=self.head,
        )
        event.hash = self.head = event.content_hash()
        self.events.append(event)

    def flush(self) -> None:
        from django.db import connection, transaction

        from pactline.activity.models import Event

        changes = Event._meta.get_field("changes").get_db_prep_save({}, connection)
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO milestones_dependency (organisation_id, predecessor_id, "
                "successor_id, lag, lag_unit, created_at) VALUES (%s, %s, %s, %s, %s, %s)",
                self.links,
            )
            cur.executemany(
                "INSERT INTO milestones_checklistitem (milestone_id, title, done, done_at, "
                "done_by_id, position, version) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                self.items,
            )
            cur.executemany(
                "INSERT INTO activity_event (organisation_id, seq, created_at, actor_id, "
                "actor_label, verb, subject_type, subject_id, subject_label, contract_id, "
                "summary, changes, prev_hash, hash) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        e.organisation_id,
                        e.seq,
                        e.created_at,
                        e.actor_id,
                        e.actor_label,
                        e.verb,
                        e.subject_type,
                        e.subject_id,
                        e.subject_label,
                        e.contract_id,
                        e.summary,
                        changes,
                        e.prev_hash,
                        e.hash,
                    )
                    for e in self.events  # type: ignore[attr-defined]
                ],
            )
        self.links, self.items, self.events = [], [], []


def _flush(c_rows: list, m_rows: list, cp_rows: list, ct_rows: list) -> None:
    from django.db import connection, transaction

    c_cols = (
        "id, organisation_id, number, title, external_id, description, owner_id, value, "
        "currency, signed_on, start_on, end_on, time_zone, calendar_country, "
        "calendar_subdivision, workweek, status, version, created_at, updated_at, "
        "penalty_kind, penalty_grace_days, penalty_working_days, penalty_cap_kind, "
        "penalty_live, penalties_as_of"
    )
    m_cols = (
        "id, organisation_id, contract_id, title, external_id, kind, description, owner_id, "
        "due_anchor, due_fixed, due_offset, due_unit, due_period_end, due_roll, "
        "computed_due_date, due_override_reason, due_date, due_date_trace, due_provisional, "
        "baseline_due_date, forecast_date, status, completed_on, payment_amount, position, "
        "shared_with_guests, detached, version, created_at, updated_at, invoiceable_on, "
        "invoiced_on, paid_on, retention_amount, penalty_kind, penalty_rate, "
        "penalty_grace_days, penalty_working_days, penalty_cap_kind, penalty_cap, currency"
    )
    with transaction.atomic(), connection.cursor() as cur:
        extra = ", restricted" if _has_column("contracts_contract", "restricted") else ""
        if extra:
            c_rows = [(*r, False) for r in c_rows]
        c_cols, c_rows = _with_defaults("contracts.Contract", c_cols + extra, c_rows)
        m_cols, m_rows = _with_defaults("milestones.Milestone", m_cols, m_rows)
        marks = ", ".join(["%s"] * (len(c_rows[0]) if c_rows else 1))
        cur.executemany(f"INSERT INTO contracts_contract ({c_cols}) VALUES ({marks})", c_rows)
        marks = ", ".join(["%s"] * len(m_rows[0]))
        cur.executemany(f"INSERT INTO milestones_milestone ({m_cols}) VALUES ({marks})", m_rows)
        cur.executemany(
            "INSERT INTO contracts_contract_parties (contract_id, party_id) VALUES (%s, %s)",
            cp_rows,
        )
        cur.executemany(
            "INSERT INTO contracts_contract_tags (contract_id, tag_id) VALUES (%s, %s)", ct_rows
        )
        _reset_sequences(cur)


def _reset_sequences(cur: object) -> None:
    """Rows inserted with their ids leave PostgreSQL's id sequences behind: move them past the
    rows, or the first row the application creates collides (SQLite needs nothing)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    models = [apps.get_model("contracts.Contract"), apps.get_model("milestones.Milestone")]
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        cur.execute(sql)  # type: ignore[attr-defined]


def _with_defaults(model: str, cols: str, rows: list) -> tuple[str, list]:
    """Columns added to the model after this generator was written get their defaults."""
    from django.apps import apps
    from django.db import connection

    listed = {c.strip() for c in cols.split(",")}
    extra = [
        f
        for f in apps.get_model(model)._meta.concrete_fields
        if f.column not in listed and not f.primary_key and f.has_default()
    ]
    if not extra:
        return cols, rows
    values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
    names = ", ".join(f.column for f in extra)
    return f"{cols}, {names}", [(*r, *values) for r in rows]


def _has_column(table: str, column: str) -> bool:
    from django.db import connection

    with connection.cursor() as cur:
        names = [c.name for c in connection.introspection.get_table_description(cur, table)]
    return column in names


def measure(label: str, run: object, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # type: ignore[operator]
    times, cpu = [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            run()  # type: ignore[operator]
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries = len(ctx.captured_queries)
    median, worst = statistics.median(times), max(times)
    print(
        f"{label:<28} median {median:8.1f} ms   slowest {worst:8.1f} ms   "
        f"CPU {statistics.median(cpu):7.1f} ms   {queries} queries   load {_load()}"
    )
    return median, worst, queries


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def baseline(runs: int) -> float:
    """The same process counting the open milestones and the last year's completions straight
    through sqlite3 (index scans, no Django): the unit the report timings are compared with."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        return float("nan")
    conn = sqlite3.connect(connection.settings_dict["NAME"])
    sql = (
        "SELECT (SELECT COUNT(*) FROM milestones_milestone WHERE organisation_id = 1 AND status"
        " IN ('planned', 'in_progress', 'submitted', 'rejected')), (SELECT COUNT(*) FROM"
        " milestones_milestone WHERE organisation_id = 1 AND completed_on >= ? AND"
        " completed_on <= ?)"
    )
    args = (str(TODAY - timedelta(days=365)), str(TODAY))
    conn.execute(sql, args).fetchall()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        conn.execute(sql, args).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    conn.close()
    median = statistics.median(times)
    print(f"{'baseline (sqlite3 counts)':<28} median {median:8.1f} ms   load {_load()}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, default=100_000)
    parser.add_argument("--per", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data-dir", help="keep the database here and reuse it next time")
    args = parser.parse_args()
    if args.data_dir:
        Path(args.data_dir).mkdir(parents=True, exist_ok=True)
        run(args, args.data_dir)
    else:
        with tempfile.TemporaryDirectory() as data_dir:
            run(args, data_dir)


def existing_actor() -> object | None:
    from pactline.accounts.models import Membership
    from pactline.accounts.permissions import Actor

    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation__slug="bench")
        .order_by("pk")
        .first()
    )
    return Actor.for_membership(membership) if membership else None


def run(args: argparse.Namespace, data_dir: str) -> None:
    setup(data_dir)
    import time_machine

    from pactline.reports.queries import PortfolioFilter, analytics, cash_flow, dashboard

    actor = existing_actor()
    if actor is None:
        started = time.perf_counter()
        actor = generate(args.contracts, args.per)
        print(
            f"generated {args.contracts:,} contracts, {args.contracts * args.per:,} milestones "
            f"in {time.perf_counter() - started:.0f} s"
        )
    else:
        from pactline.milestones.models import Milestone

        print(f"reusing {data_dir}: {Milestone.objects.count():,} milestones")
    with time_machine.travel(TODAY, tick=False):
        f = PortfolioFilter()
        unit = baseline(args.runs)
        median, _, _ = measure("dashboard", lambda: dashboard(actor, f), args.runs)  # type: ignore[arg-type]
        print(f"{'':<28} {median / unit:.1f}x the baseline")
        measure(
            "dashboard (one party)",
            lambda: dashboard(actor, PortfolioFilter(party_id=1)),
            args.runs,
        )  # type: ignore[arg-type]
        median, _, _ = measure("analytics (365 days)", lambda: analytics(actor, f), args.runs)  # type: ignore[arg-type]
        print(f"{'':<28} {median / unit:.1f}x the baseline")
        measure("cash flow (by month)", lambda: cash_flow(actor, f), args.runs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
