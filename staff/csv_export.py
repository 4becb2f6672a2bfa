"""CSV files for staff to open in a spreadsheet: safe cells, UTF-8 that Excel reads, streamed row by row.

A transcript is free text a caller spoke and anyone may have typed over: a cell starting with `=`, `+`, `-`
or `@` (or a tab or carriage return, which some spreadsheets skip before looking) would run as a formula
when the file is opened, so such a cell gets a leading apostrophe (OWASP's advice for CSV injection).
Numbers are written as numbers; only text is guarded. Times are ISO 8601 in the deployment's time zone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, tzinfo

from starlette.responses import StreamingResponse

from hotline.models.common import ensure_aware

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # without it Excel reads UTF-8 as the local code page, and Cyrillic turns to mojibake
CSV_TYPE = "text/csv; charset=utf-8"
ROWS_PER_CHUNK = 500  # a few tens of kB per write: streamed, yet not one event-loop hop per row

Value = str | int | float | bool | datetime | None


def safe_cell(value: Value, *, timezone: tzinfo) -> str | int | float:
    """One cell: text guarded against formulas, booleans as yes/no, times in the deployment's zone, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        aware = ensure_aware(value)
        assert aware is not None
        return aware.astimezone(timezone).isoformat(timespec="seconds")
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Value]], *, timezone: tzinfo) -> Iterator[str]:
    """The file as text chunks: the byte-order mark and header first, then ROWS_PER_CHUNK rows at a time.

    Each chunk costs the server a hop to the event loop and a socket write; one row per chunk made a
    100,000-row export spend most of its time there (benchmarks/dashboard.py).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    writer.writerow([safe_cell(name, timezone=timezone) for name in header])
    yield BOM + _drain(buffer)
    waiting = 0
    for row in rows:
        writer.writerow([safe_cell(value, timezone=timezone) for value in row])
        waiting += 1
        if waiting == ROWS_PER_CHUNK:
            yield _drain(buffer)
            waiting = 0
    if waiting:
        yield _drain(buffer)


def csv_response(chunks: Iterator[str], *, filename: str) -> StreamingResponse:
    """A CSV download, sent as it is produced (a large inbox never sits in memory whole)."""
    return StreamingResponse(
        (chunk.encode("utf-8") for chunk in chunks),
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
