"""The run sheet as PDF, checked with poppler's own tools: the text is there (Cyrillic and Khmer), the fonts that
draw it are embedded, pages carry ink, the footer numbers the pages and runs the time, and the bytes depend
only on the sheet and the date passed in."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from radio_segments.script_render import render_pdf
from tests.radio_segments.run_sheets import KHMER_TITLE, MONGOLIAN_TITLE, make_run_sheet

CREATED = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _pdf(tmp_path: Path, data: bytes, name: str = "sheet.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60).stdout


def _page_count(pdf: Path) -> int:
    info = _run("pdfinfo", str(pdf))
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _squeezed(text: str) -> str:
    """Khmer as compared here: without whitespace or zero-width spaces.

    Read with `pdftotext -raw` (content-stream order, the order weasyprint wrote the shaped clusters in):
    the default reading-order mode sorts glyphs by position and moves Khmer's pre-base vowels in front of
    their consonants. -raw gives the words back, with a space between some clusters.
    """
    return "".join(ch for ch in text if not ch.isspace() and ch != "\u200b")


def _body_ink_per_page(pdf: Path, tmp_path: Path) -> list[int]:
    """Clearly dark pixels above the footer on each page, from pdftoppm's greyscale rendering at 40 dpi."""
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    counts = []
    for page in sorted(tmp_path.glob("page*.pgm")):
        magic, width, height, maximum, pixels = page.read_bytes().split(maxsplit=4)
        assert magic == b"P5" and maximum == b"255"
        image = np.frombuffer(pixels, dtype=np.uint8, count=int(width) * int(height)).reshape(int(height), -1)
        footer = round(20 / 25.4 * 40)  # the 20 mm bottom margin holds the page number and running time
        counts.append(int(np.count_nonzero(image[:-footer] < 128)))
    return counts


@pytest.fixture(scope="module")
def mongolian_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _pdf(tmp_path_factory.mktemp("mn"), render_pdf(make_run_sheet("mn", count=8), created_at=CREATED))


def test_the_cyrillic_title_and_every_page_number_are_in_the_text(mongolian_pdf: Path) -> None:
    info = _run("pdfinfo", str(mongolian_pdf))
    pages = _page_count(mongolian_pdf)
    text = _run("pdftotext", "-layout", str(mongolian_pdf), "-")

    assert pages >= 2  # eight segments do not fit one page
    assert MONGOLIAN_TITLE in text
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    for page in range(1, pages + 1):
        assert f"Хуудас {page} / {pages}" in text
    # The last footer runs to the total: 40 + 8×25.3 + 6×31.4 + 2×14.2 + 3×22.6 + 3×12.5 + 30 + 19.6 = 614.1 s.
    assert "Өнгөрсөн хугацаа 10:14" in text.split("\f")[pages - 1]


def test_every_page_carries_text_ink(mongolian_pdf: Path, tmp_path: Path) -> None:
    counts = _body_ink_per_page(mongolian_pdf, tmp_path)

    assert len(counts) >= 2
    # A blank body is 0; the shortest page here (the outro: a heading and a line) is about 230.
    assert all(count > 100 for count in counts), counts
    assert counts[0] > 2000  # the first page is full (header, rundown, first items): about 3500


def test_khmer_is_drawn_with_an_embedded_khmer_font_and_reads_back(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, render_pdf(make_run_sheet("km", count=3), created_at=CREATED))
    fonts = _run("pdffonts", str(pdf)).splitlines()[2:]
    khmer_fonts = [line for line in fonts if "Khmer" in line.split()[0]]
    text = _run("pdftotext", "-raw", str(pdf), "-")

    assert khmer_fonts, fonts
    assert all(line.split()[-5] == "yes" for line in khmer_fonts)  # the "emb" column
    # Glyphs drawn from .notdef (tofu) carry no Unicode: the Khmer would not come back out.
    assert _squeezed(KHMER_TITLE) in _squeezed(text)
    assert _squeezed("ពិនិត្យស្ថានភាពបណ្តឹង") in _squeezed(text)  # a keypad menu line
    assert f"ទំព័រ 1 / {_page_count(pdf)}" in text  # "Page" in Khmer, in the footer
    assert all(count > 100 for count in _body_ink_per_page(pdf, tmp_path))


def test_the_same_sheet_and_date_give_the_same_bytes_in_another_process() -> None:
    sheet_pdf = render_pdf(make_run_sheet("mn", count=2), created_at=CREATED)
    script = (
        "import hashlib, sys; from datetime import datetime, UTC;"
        "from radio_segments.script_render import render_pdf;"
        "from tests.radio_segments.run_sheets import make_run_sheet;"
        "pdf = render_pdf(make_run_sheet('mn', count=2), created_at=datetime(2026, 11, 24, 9, 30, tzinfo=UTC));"
        "print(hashlib.sha256(pdf).hexdigest())"
    )
    other = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, capture_output=True, text=True)

    assert other.stdout.strip() == hashlib.sha256(sheet_pdf).hexdigest()
    later = render_pdf(make_run_sheet("mn", count=2), created_at=CREATED + timedelta(days=1))
    assert later != sheet_pdf  # the date passed in is the one in the file


def test_the_metadata_dates_are_the_ones_passed_in(tmp_path: Path) -> None:
    local = CREATED.astimezone(timezone(timedelta(hours=8)))  # Ulaanbaatar time, same instant
    info = _run("pdfinfo", str(_pdf(tmp_path, render_pdf(make_run_sheet("mn", count=1), created_at=local))))

    assert "CreationDate:    Tue Nov 24 09:30:00 2026 UTC" in info
    assert "ModDate:         Tue Nov 24 09:30:00 2026 UTC" in info
    assert f"Title:           {MONGOLIAN_TITLE}" in info
    with pytest.raises(ValueError, match="timezone-aware"):
        render_pdf(make_run_sheet("mn", count=1), created_at=datetime(2026, 11, 24, 9, 30))


def test_korean_labels_for_the_demo_deployment_are_drawn_with_a_hangul_font(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, render_pdf(make_run_sheet("mn", count=1), created_at=CREATED, lang="ko"))
    fonts = [line.split()[0] for line in _run("pdffonts", str(pdf)).splitlines()[2:]]
    text = _run("pdftotext", "-raw", str(pdf), "-")

    assert any("CJK-KR" in name for name in fonts), fonts
    assert "진행 순서" in text and "전화 참여 방법" in text  # "Rundown", "How to call"
    assert MONGOLIAN_TITLE in text
