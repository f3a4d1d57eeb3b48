"""The 協力確認書 PDF: time per document in a warm process (target: median ≤ 60 ms for a typical one).

No database. A typical document lists 3 workplaces; a long one lists 40 and runs onto numbered pages.
Wall-clock time is the figure that counts; the CPU time of the process is printed beside it because on a
shared machine it shows the cost of rendering without the time spent waiting for a core.
WeasyPrint's per-document progress messages (INFO on ``weasyprint.progress``) are silenced, as they
should be in production logging.
"""

import logging
import os
import shutil
import statistics
import subprocess
import tempfile
import time

from bench.harness import describe

TARGET_MS = 60.0


def page_count(data: bytes) -> str:
    """Pages as poppler's pdfinfo reads them, or "?" without poppler-utils."""
    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        out = subprocess.run(["pdfinfo", file.name], check=True, capture_output=True, text=True).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def measure(func, repeat: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of ``repeat`` calls, after ``warmup`` calls."""
    for _ in range(warmup):
        func()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        func()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def run() -> list[tuple[str, str]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    from filings.pdf import harfbuzz_subsetting_available, render_confirmation_pdf, sample_document

    figures: list[tuple[str, str]] = [("HarfBuzz subsetting", "yes" if harfbuzz_subsetting_available() else "NO")]

    typical = sample_document(3)
    started = time.perf_counter()
    render_confirmation_pdf(typical)
    cold_ms = (time.perf_counter() - started) * 1000
    figures.append(("first document in a fresh process (fonts registered)", f"{cold_ms:.0f} ms"))

    for label, document, repeat in (
        ("typical, 3 workplaces", typical, 60),
        ("10 workplaces", sample_document(10), 30),
        ("long, 40 workplaces", sample_document(40), 20),
    ):
        data = render_confirmation_pdf(document)
        wall, cpu = measure(lambda document=document: render_confirmation_pdf(document), repeat=repeat)
        verdict = ""
        if document is typical:
            met = statistics.median(wall) <= TARGET_MS
            verdict = f" (target ≤ {TARGET_MS:.0f} ms: {'met' if met else 'MISSED'})"
        figures.append((label, f"{describe(wall)}{verdict}"))
        figures.append((f"{label}: CPU time", describe(cpu)))
        figures.append((f"{label}: output", f"{len(data):,} bytes, {page_count(data)} page(s)"))
    return figures


if __name__ == "__main__":
    for label, value in run():
        print(f"{label}: {value}")
