"""gunicorn settings loaded by `pactline web` (`--config python:pactline.ops.gunicorn_conf`)."""

from prometheus_client import multiprocess


def child_exit(server, worker):  # type: ignore[no-untyped-def]  # gunicorn's hook signature
    """Forget a dead worker's live gauges; its counters stay in the shared directory."""
    multiprocess.mark_process_dead(worker.pid)
