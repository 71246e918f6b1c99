"""Deadline engine: recompute a 5,000-milestone dependency chain, and a 100,000-milestone
portfolio after a calendar change.

    .venv/bin/python bench/deadlines.py [--chain 5000] [--contracts 10000] [--per 10] [--runs 3]

Works in a temporary data directory with its own SQLite database (or DATABASE_URL). Data is
bulk-inserted (not through the services); each timed step then runs through the services:
1. chain: move the first milestone of a contract whose milestones each follow the previous one
   by 2 working days: every one of them moves, one event each, one transaction;
2. portfolio: add an organisation closure day and recompute every contract (`contracts` x `per`
   milestones, chained by anchors as the standard template does).
Prints the median of `--runs` runs and the rate, with a baseline of the pure solver on the same
chain (no database) so the database's share is visible as a ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(data_dir: str) -> None:
    os.environ.setdefault("PACTLINE_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_world(n_chain: int, n_contracts: int, per: int):  # type: ignore[no-untyped-def]
    from pactline.accounts.models import Membership, Organisation, User
    from pactline.accounts.permissions import Actor
    from pactline.contracts.models import Contract
    from pactline.milestones.models import Milestone

    org = Organisation.objects.create(name="Bench", slug="bench")
    user = User.objects.create_user("bench@example.com", "x")
    Membership.objects.create(user=user, organisation=org, role="owner")
    start = date(2027, 1, 4)

    def chain(contract: Contract, n: int) -> None:
        rows = [
            Milestone(
                organisation=org,
                contract=contract,
                title=f"M{i}",
                position=i,
                due_anchor="contract_start" if i == 0 else "milestone",
                due_offset=5 if i == 0 else 2,
                due_unit="working_days",
            )
            for i in range(n)
        ]
        Milestone.objects.bulk_create(rows, batch_size=2000)
        ids = list(
            Milestone.objects.filter(contract=contract).order_by("pk").values_list("pk", flat=True)
        )
        for i in range(1, n):
            rows[i].pk = ids[i]
            rows[i].anchor_milestone_id = ids[i - 1]
        Milestone.objects.bulk_update(rows[1:], ["anchor_milestone"], batch_size=2000)

    long = Contract.objects.create(organisation=org, number="CHAIN", title="Chain", start_on=start)
    chain(long, n_chain)
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                organisation=org,
                number=f"P-{i:06d}",
                title=f"P {i}",
                start_on=start,
                calendar_country="DE",
            )
            for i in range(n_contracts)
        ],
        batch_size=2000,
    )
    contracts = list(Contract.objects.filter(organisation=org).exclude(pk=long.pk).order_by("pk"))
    rows = []
    for c in contracts:
        for i in range(per):
            rows.append(
                Milestone(
                    organisation=org,
                    contract=c,
                    title=f"M{i}",
                    position=i,
                    due_anchor="contract_start",
                    due_offset=5 + 10 * i,
                    due_unit="working_days",
                )
            )
    Milestone.objects.bulk_create(rows, batch_size=5000)
    return Actor.for_user(user, org), long


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain", type=int, default=5000)
    parser.add_argument("--contracts", type=int, default=10000)
    parser.add_argument("--per", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        from django.db import transaction

        from pactline.accounts.permissions import Actor
        from pactline.milestones import services
        from pactline.milestones.scheduling import solve
        from pactline.milestones.services import schedule
        from pactline.transfer.models import OrganisationClosure

        actor, long = make_world(args.chain, args.contracts, args.per)
        print(f"data: chain of {args.chain}, portfolio {args.contracts} x {args.per} milestones")
        system = Actor.system(actor.organisation, "bench")
        with transaction.atomic():
            services.recompute(system, long, "initial")  # give every row its first dates
            services.recompute_organisation(system, "initial")

        chain_times, solver_times = [], []
        for run in range(args.runs):
            first = long.milestones.order_by("pk").first()

            def move_first(first=first, run=run) -> None:
                services.update_milestone(
                    actor, first, {"due_offset": 6 + run}, None, reason="bench"
                )

            chain_times.append(timed(move_first))
            state = schedule.load(long)
            nodes = [
                schedule.node_of(m, state.links.get(pk, ())) for pk, m in state.milestones.items()
            ]
            from pactline.milestones.scheduling import ContractDates

            dates = ContractDates(start=long.start_on)
            solver_times.append(
                timed(
                    lambda nodes=nodes, dates=dates, state=state: solve(
                        nodes, dates, state.cal, state.today
                    )
                )
            )
        moved = long.milestones.filter(version__gt=1).count()
        chain_med, solver_med = statistics.median(chain_times), statistics.median(solver_times)
        print(
            f"chain: move the first of {args.chain}: median {chain_med:.2f} s "
            f"({args.chain / chain_med:,.0f} milestones/s; {moved} moved); pure solver "
            f"{solver_med * 1000:.0f} ms (database and events = {chain_med / solver_med:.1f}x)"
        )

        portfolio_times = []
        for run in range(args.runs):
            day = date(2027, 2, 1) + timedelta(days=7 * run + 1)  # a Tuesday each run
            OrganisationClosure.objects.create(
                organisation=actor.organisation, date=day, name=f"closure {run}"
            )

            def recompute_all(day=day) -> None:
                with transaction.atomic():
                    services.recompute_organisation(system, f"closure on {day}")

            portfolio_times.append(timed(recompute_all))
        total = args.contracts * args.per
        med = statistics.median(portfolio_times)
        runs = ", ".join(f"{t:.2f}" for t in portfolio_times)
        print(
            f"portfolio: recompute {total:,} milestones after a closure day: median {med:.2f} s "
            f"({total / med:,.0f} milestones/s; runs {runs})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
