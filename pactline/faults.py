"""A fault-injection hook for the crash tests (tests/faults), inert in normal runs.

With `PACTLINE_FAULT_PAUSE=<point>` in the environment, the first time the code reaches the
named point it writes its process id to `DATA_DIR/fault-<point>.ready` and then sleeps (at most
`PACTLINE_FAULT_PAUSE_SECONDS`, 60 by default), so a test knows the process is inside the
transaction and can kill it right there; later passes (the file exists) go on normally, so the
same server can show that the retried request writes everything. Without the variable
`pause()` is one dictionary look-up and returns at once.

Points: `import.commit` (an import's contracts are written, its milestones not yet),
`cascade.write` (a cascade's moved dates are written, its events not yet).
"""

from __future__ import annotations

import os
import threading
import time

POINTS = ("import.commit", "cascade.write")


def pause(point: str) -> None:
    if os.environ.get("PACTLINE_FAULT_PAUSE") != point:
        return
    from django.conf import settings

    ready = settings.DATA_DIR / f"fault-{point}.ready"
    draft = ready.with_name(f"{ready.name}.{os.getpid()}-{threading.get_ident()}")
    draft.write_text(str(os.getpid()))
    try:  # appears whole, at once, and only for the first pass (link fails if it exists)
        os.link(draft, ready)
    except FileExistsError:
        return
    finally:
        draft.unlink()
    time.sleep(float(os.environ.get("PACTLINE_FAULT_PAUSE_SECONDS", 60)))
