"""`pactline`: the one command-line entry point.

Commands call the same services as the web and API, so validation, permissions and the audit
trail apply here too. Errors print one clear line and exit non-zero.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Sequence

EXIT_USAGE = 2


class CommandError(Exception):
    """A problem to report as one line, exiting with status 1."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pactline.settings")
    import django

    django.setup()


def _database_is_empty() -> bool:
    from pactline.accounts.models import Organisation

    return not Organisation.objects.exists()


def cmd_migrate(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)


def cmd_demo(args: argparse.Namespace) -> None:
    from pactline.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo

    org = load_demo()
    print(f"Demo organisation {org.name!r} ready: sign in as {DEMO_EMAIL} / {DEMO_PASSWORD}")


def _gunicorn_argv(host: str, port: int, workers: int, threads: int) -> list[str]:
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    return [
        gunicorn,
        "pactline.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "--config",
        "python:pactline.ops.gunicorn_conf",
    ]


def _clear_metrics() -> None:
    """Counters of a previous run would otherwise add to this one's."""
    from django.conf import settings

    for path in settings.METRICS_DIR.glob("*.db"):
        path.unlink(missing_ok=True)


def cmd_web(args: argparse.Namespace) -> None:
    _clear_metrics()
    argv = _gunicorn_argv(args.host, args.port, args.workers, args.threads)
    os.execv(argv[0], argv)


def cmd_worker(args: argparse.Namespace) -> None:
    """The background worker: Huey's consumer with the periodic tasks (reminders, outbox...)."""
    from django.core.management import call_command

    options = {"workers": args.workers, "worker_type": "thread", "flush_locks": args.flush_locks}
    if args.no_periodic:
        options["periodic"] = False
    call_command("run_huey", **options)


def _worker_argv(workers: int) -> list[str]:
    return [sys.executable, "-m", "pactline.cli", "worker", "--workers", str(workers)]


def run_together(web: list[str], worker: list[str], restarts: int = 5) -> int:
    """Run the web server and the worker as children; stop both when the web server ends.

    The worker is restarted (a few times) if it dies; a signal to this process stops both.
    """
    import signal
    import subprocess
    import time

    children = {"worker": subprocess.Popen(worker), "web": subprocess.Popen(web)}
    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: object = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and children["web"].poll() is None:
            if children["worker"].poll() is not None and restarts > 0:
                restarts -= 1
                print("pactline: the worker stopped; starting it again", file=sys.stderr)
                children["worker"] = subprocess.Popen(worker)
            time.sleep(0.5)
    finally:
        stop()
        for child in children.values():
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    return children["web"].returncode or 0


def cmd_serve(args: argparse.Namespace) -> None:
    """Everything the embedded default needs: migrate, demo data if empty, static, web and
    the background worker (reminders, e-mail, webhooks) together."""
    from django.conf import settings
    from django.core.management import call_command

    from pactline.demo import DEMO_EMAIL, DEMO_PASSWORD, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    if _database_is_empty() and not args.no_demo:
        load_demo()
        print("Loaded demo data into the empty database.")
    call_command("collectstatic", interactive=False, verbosity=0)
    url = f"http://{args.host}:{args.port}/"
    print()
    print(f"  Pactline is starting on {url}")
    print(f"  Data directory: {settings.DATA_DIR}")
    if not args.no_demo:
        print(f"  Demo sign-in: {DEMO_EMAIL} / password: {DEMO_PASSWORD}")
    print(f"  Mail: {_mail_note(settings)}")
    print()
    sys.stdout.flush()
    web = _gunicorn_argv(args.host, args.port, args.workers, args.threads)
    code = run_together(web, _worker_argv(args.worker_threads))
    if code:
        raise CommandError(f"the web server stopped with status {code}")


def _mail_note(settings: object) -> str:
    if getattr(settings, "EMAIL_URL", ""):
        return "sent through EMAIL_URL"
    return f"written to {getattr(settings, 'EMAIL_FILE_PATH', '')} (set EMAIL_URL to send)"


def cmd_reminders_refresh(args: argparse.Namespace) -> None:
    from pactline.notifications.reminders.schedule import refresh_all

    print(f"{refresh_all()} next reminder times changed")


def cmd_user_create(args: argparse.Namespace) -> None:
    from django.db import transaction

    from pactline.accounts.models import Role
    from pactline.demo import ensure_member, ensure_organisation, ensure_user

    # Guests belong to a party: they are invited from the web (Members page) or the API.
    roles = [role for role in Role.values if role != Role.GUEST]
    if args.role not in roles:
        raise CommandError(f"--role must be one of {', '.join(roles)}")
    with transaction.atomic():
        org = ensure_organisation(args.org)
        user = ensure_user(args.email, args.name or "", args.password)
        if args.password is not None and not user.check_password(args.password):
            user.set_password(args.password)
            user.save(update_fields=["password"])
        membership = ensure_member(user, org, Role(args.role))
        if membership.role != args.role:
            membership.role = args.role
            membership.save(update_fields=["role"])
    if args.password is None:
        print(f"User {user.email} has no password yet; set one with --password.")
    print(f"{user.email} is {args.role} of {org.name}")


def cmd_token_create(args: argparse.Namespace) -> None:
    from pactline.accounts import services as accounts

    token = accounts.create_token_for_email(args.email, args.org, args.name)
    print(token)


def cmd_check(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("check", deploy=args.deploy, fail_level="ERROR")


def cmd_audit_verify(args: argparse.Namespace) -> None:
    from pactline.accounts.models import Organisation
    from pactline.activity.services import verify_chain, verify_head

    broken = 0
    for org in Organisation.objects.order_by("pk"):
        bad = verify_chain(org)
        tail = verify_head(org) if bad is None else None
        if tail is not None:
            broken += 1
            print(f"{org.name}: BROKEN: {tail}")
        elif bad is None:
            print(f"{org.name}: chain intact ({org.audit_seq} events)")
        else:
            broken += 1
            print(
                f"{org.name}: BROKEN at event #{bad.seq} ({bad.verb} {bad.subject_type} "
                f"{bad.subject_id} at {bad.created_at.isoformat()})"
            )
    if broken:
        raise CommandError(f"{broken} organisation(s) with a broken audit chain")


def cmd_extract(args: argparse.Namespace) -> None:
    from pactline.extraction.cli import run

    failures = run(args.files, args.csv or sys.stdout)
    if failures:
        raise CommandError(f"{failures} of {len(args.files)} file(s) could not be read")


def cmd_import(args: argparse.Namespace) -> None:
    from pactline.transfer.cli import cmd_import as run

    run(args)


def cmd_export(args: argparse.Namespace) -> None:
    from pactline.transfer.cli import cmd_export as run

    run(args)


def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from pactline.ops.backup import BackupError, create_backup

    try:
        manifest = create_backup(Path(args.output))
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    files = manifest["files"]
    print(
        f"Backed up the {manifest['engine']} database and {len(files)} documents to {args.output}"
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from pactline.ops.backup import BackupError, restore_backup

    if not args.yes:
        raise CommandError("restore replaces the database and documents: add --yes to confirm")
    try:
        manifest = restore_backup(Path(args.archive))
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"Restored the backup of {manifest['created_at']}; run `pactline migrate` if the "
        "application is newer than the backup"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pactline", description="Contract milestone tracking.")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    def web_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        p.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))

    serve = sub.add_parser("serve", help="migrate, load demo data if empty, and run the app")
    web_options(serve)
    serve.add_argument("--no-demo", action="store_true", help="do not load demo data")
    serve.set_defaults(func=cmd_serve)

    serve.add_argument(
        "--worker-threads", type=int, default=int(os.environ.get("HUEY_WORKERS", "2"))
    )

    worker = sub.add_parser("worker", help="run the background worker (reminders, e-mail...)")
    worker.add_argument("--workers", type=int, default=int(os.environ.get("HUEY_WORKERS", "4")))
    worker.add_argument("--no-periodic", action="store_true", help="do not run periodic tasks")
    worker.add_argument("--flush-locks", action="store_true", help="clear stale task locks")
    worker.set_defaults(func=cmd_worker)

    reminders = sub.add_parser("reminders", help="reminders").add_subparsers(
        dest="action", required=True
    )
    reminders.add_parser("refresh", help="recompute every next reminder time").set_defaults(
        func=cmd_reminders_refresh
    )

    web = sub.add_parser("web", help="run the web server only (production)")
    web_options(web)
    web.set_defaults(func=cmd_web)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="load the demo organisation").set_defaults(func=cmd_demo)

    user = sub.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    create = user.add_parser("create", help="create a user (and the organisation if missing)")
    create.add_argument("email")
    create.add_argument("--org", required=True, help="organisation name")
    create.add_argument("--role", default="member")
    create.add_argument("--password")
    create.add_argument("--name")
    create.set_defaults(func=cmd_user_create)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    tcreate = token.add_parser("create", help="print a new API token for a user")
    tcreate.add_argument("email")
    tcreate.add_argument("--org", help="organisation name (default: the user's first)")
    tcreate.add_argument("--name", default="cli")
    tcreate.set_defaults(func=cmd_token_create)

    check = sub.add_parser("check", help="check the configuration")
    check.add_argument("--deploy", action="store_true", help="refuse unsafe production settings")
    check.set_defaults(func=cmd_check)

    extract = sub.add_parser("extract", help="key dates of contract files (txt, docx, pdf) as CSV")
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--csv", help="output file (default: standard output)")
    extract.set_defaults(func=cmd_extract)

    imp = sub.add_parser("import", help="import contracts and milestones (CSV, XLSX, MSPDI, .gan)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--org", help="organisation name (default: the user's only one)")
    imp.add_argument("--as", dest="as_email", metavar="EMAIL", help="acting manager (or above)")
    imp.add_argument("--sheet", help="XLSX: the sheet to read")
    imp.add_argument("--date-order", choices=("auto", "dmy", "mdy"), default="auto")
    imp.add_argument("--encoding", help="CSV: encoding (default: detect UTF-8 / Windows-1252)")
    imp.add_argument("--delimiter", help="CSV: delimiter (default: detect , ; tab |)")
    imp.add_argument("--mapping", help="a saved column mapping of the organisation")
    imp.add_argument("--contract", help="project plans: number of the receiving contract")
    imp.add_argument("--contract-title", help="project plans: title if the contract is new")
    imp.add_argument("--all-tasks", action="store_true", help="project plans: every task")
    imp.add_argument(
        "--override-conflicts",
        action="store_true",
        help="apply rows even when the object changed in the app since the export",
    )
    imp.add_argument("--commit", action="store_true", help="write (default: a dry run)")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="export contracts and milestones (XLSX or CSV)")
    exp.add_argument("--org", help="organisation name (default: the user's only one)")
    exp.add_argument("--as", dest="as_email", metavar="EMAIL", help="acting member")
    exp.add_argument("--format", choices=("xlsx", "csv"), help="default: from the file name")
    exp.add_argument("-o", "--output", required=True, metavar="FILE")
    exp.set_defaults(func=cmd_export)

    audit = sub.add_parser("audit", help="audit trail").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="verify the event hash chain").set_defaults(
        func=cmd_audit_verify
    )
    backup = sub.add_parser("backup", help="back up the database and documents to one archive")
    backup.add_argument("-o", "--output", required=True, help="archive to write (.tar.gz)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup archive (replaces everything)")
    restore.add_argument("archive")
    restore.add_argument("--yes", action="store_true", help="confirm replacing the data")
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_django()
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management.base import CommandError as DjangoCommandError

    from pactline.errors import DomainError

    func: Callable[[argparse.Namespace], None] = args.func
    try:
        func(args)
    except (CommandError, DjangoCommandError, DomainError, ImproperlyConfigured) as exc:
        print(f"pactline: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
