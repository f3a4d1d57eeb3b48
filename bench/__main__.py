"""Run every benchmark and print its figures: `python -m bench` (or `make bench`).

`python -m bench lookup pdf` runs only the named ones (bench/bench_lookup.py, bench/bench_pdf.py).
Each module defines ``run() -> list[tuple[str, str]]``: the figures it measured, as label and value.
"""

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv]
    failed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name.removeprefix('bench_')}", flush=True)
        started = time.perf_counter()
        try:
            figures = module.run()
        except Exception as exc:  # a failing benchmark is reported and the others still run
            failed += 1
            print(f"   FAILED: {exc!r}", flush=True)
            continue
        for label, value in figures:
            print(f"   {label}: {value}", flush=True)
        print(f"   (took {time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
