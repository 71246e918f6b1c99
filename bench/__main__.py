"""`make bench` / `python -m bench [name ...]`: every benchmark at a small size, in a few
minutes, each in a temporary data directory. The full-size runs and their figures are in
docs/performance.md (each script's --help names its options).

    python -m bench                 # all of them, small
    python -m bench dashboard load  # some
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> (script, small arguments)
SMALL: dict[str, tuple[str, list[str]]] = {
    "dashboard": ("dashboard.py", ["--contracts", "2000", "--per", "10", "--runs", "3"]),
    "load": ("load.py", ["--contracts", "500", "--duration", "3", "--concurrency", "1,8"]),
    "reminders": ("reminders.py", ["--size", "100000", "--runs", "3"]),
    "deadlines": (
        "deadlines.py",
        ["--chain", "500", "--contracts", "1000", "--per", "10", "--runs", "1"],
    ),
    "import": ("import_rows.py", ["--rows", "10000", "--runs", "1"]),
    "extract": ("extract_cuad.py", ["--runs", "1"]),
}


def main(argv: list[str]) -> int:
    names = argv or list(SMALL)
    unknown = [n for n in names if n not in SMALL]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(SMALL)}")
        return 2
    failed = []
    for name in names:
        script, args = SMALL[name]
        print(f"== {name}: {script} {' '.join(args)}", flush=True)
        started = time.monotonic()
        code = subprocess.call([sys.executable, str(HERE / script), *args])
        print(f"== {name}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
