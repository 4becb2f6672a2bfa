"""How long the host's run sheet takes to render for a 20-segment show: PDF (weasyprint), HTML and Markdown.

The PDF is rendered in the episode package job, never in a web request; this says how much of the job it
is. "First" is the process's first render of the language: for Mongolian it includes importing weasyprint and
loading fonts (a worker pays that once). "Then" is the median of --repeat more renders in the same process,
as a long-lived worker sees them.

    .venv/bin/python benchmarks/run_sheet_pdf.py [--segments 20] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from webhooks import machine_load  # noqa: E402

from radio_segments.script_render import render_html, render_markdown, render_pdf  # noqa: E402
from tests.radio_segments.run_sheets import make_run_sheet  # noqa: E402

CREATED = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _median_seconds(render: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(machine_load())
    for language in ("mn", "km"):
        sheet = make_run_sheet(language, count=args.segments)
        started = time.perf_counter()
        pdf = render_pdf(sheet, created_at=CREATED)
        first = time.perf_counter() - started
        median = _median_seconds(lambda sheet=sheet: render_pdf(sheet, created_at=CREATED), args.repeat)
        html = _median_seconds(lambda sheet=sheet: render_html(sheet), args.repeat)
        markdown = _median_seconds(lambda sheet=sheet: render_markdown(sheet), args.repeat)
        print(
            f"{language}: {args.segments} segments, PDF {len(pdf) / 1024:.0f} KiB, {_pages(pdf)} pages: "
            f"first {first:.2f} s, then {median:.2f} s (median of {args.repeat}); "
            f"HTML {html * 1000:.1f} ms; Markdown {markdown * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
