"""The run sheet as Markdown: the rundown table keeps its columns whatever the free text holds, and text that
would start a heading, list or quote, or carry HTML, is escaped so it stays literal."""

from __future__ import annotations

import re

import pytest

from radio_segments.markdown_text import MarkdownText, escape_markdown
from radio_segments.run_sheet import Jingle, Jingles, Spoken
from radio_segments.script_render import render_markdown
from tests.radio_segments.run_sheets import HOSTILE_LINE, MONGOLIAN_TITLE, make_run_sheet, make_segment

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    """A GFM table row's cells: split on the pipes that are not escaped."""
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(row.strip())[1:-1]]


def _literal(markdown: str) -> str:
    """What a CommonMark reader shows for escaped text: backslash escapes dropped, <br> as a newline."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("<br>", "\n"))


def _table(markdown: str) -> list[list[str]]:
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| #"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(_cells(line))
    return rows


def test_the_rundown_table_has_a_row_per_block_and_the_total() -> None:
    sheet = make_run_sheet(count=5)
    table = _table(render_markdown(sheet))

    assert table[0] == ["#", "Эхлэх", "Хугацаа", "Агуулга", "Бүртгэлийн дугаар"]
    assert table[1] == ["---:", "---:", "---:", "---", "---"]
    body = table[2:]
    assert len(body) == 1 + 5 + 2 + 1  # intro, segments, how to call, outro, total
    assert [row[0] for row in body[1:6]] == ["1", "2", "3", "4", "5"]
    assert [row[4] for row in body[1:6]] == [s.reference for s in sheet.segments]
    assert body[0][1:4] == ["0:00", "0:40", "Оршил"]
    assert body[-1][2:4] == ["**7:06**", "**Нийт**"]  # 40+5×25.3+4×31.4+14.2+2×22.6+2×12.5+30+19.6 = 426.1
    assert all(len(row) == 5 for row in table)


def test_free_text_with_pipes_newlines_and_html_keeps_the_table_and_stays_literal() -> None:
    title = "Water | power\n<img src=x onerror=alert(1)> *urgent* [link](http://x)"
    segment = make_segment(1, title=title, host=Spoken(text=HOSTILE_LINE, seconds=9))
    markdown = render_markdown(make_run_sheet(segments=(segment,)))
    table = _table(markdown)

    assert all(len(row) == 5 for row in table)
    assert _literal(table[3][3]) == title
    assert re.findall(r"(?<!\\)<(?:img|script)", markdown) == []  # only escaped: \<img
    quoted = [line for line in markdown.splitlines() if line.startswith("> ") and "Caller said" in line]
    assert [_literal(line[2:]) for line in quoted] == [HOSTILE_LINE]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# not a heading", r"\# not a heading"),
        ("#hashtag stays", "#hashtag stays"),
        ("> not a quote", r"\> not a quote"),
        ("- not a list", r"\- not a list"),
        ("+976 7000 1234", "+976 7000 1234"),  # a phone number is no list item
        ("---", r"\---"),
        ("===", r"\==="),
        ("1. not a list", r"1\. not a list"),
        ("12.4 seconds", "12.4 seconds"),
        ("   indented code?", "indented code?"),
        ("a_b*c`d~e", r"a\_b\*c\`d\~e"),
        ("Q&A &amp; &#60;", r"Q&A \&amp; \&#60;"),
        ("line one\n# line two", r"line one<br>\# line two"),
        ("", ""),
    ],
)
def test_markdown_escaping(text: str, escaped: str) -> None:
    assert escape_markdown(text) == escaped
    assert _literal(escape_markdown(text)) == (text if not text.startswith(" ") else text.strip())


def test_text_already_markdown_passes_through() -> None:
    assert escape_markdown(MarkdownText("**bold**")) == "**bold**"


def test_labels_follow_the_language_asked_for() -> None:
    sheet = make_run_sheet("mn")
    assert render_markdown(sheet).startswith(f"# {MONGOLIAN_TITLE}\n")
    assert _table(render_markdown(sheet, lang="en"))[0] == ["#", "Start", "Length", "Item", "Reference"]
    khmer = render_markdown(make_run_sheet("km"))
    assert _table(khmer)[0][1] == "ចាប់ផ្តើម"
    assert "របៀបហៅទូរស័ព្ទមក" in khmer  # "How to call"


def test_a_jingle_has_its_row_and_its_file() -> None:
    sheet = make_run_sheet(count=1, jingles=Jingles(outro=Jingle(file_name="close_theme.wav", seconds=12)))
    markdown = render_markdown(sheet, lang="en")

    # After the outro, before the total: 40 + 25.3 + 31.4 + 22.6 + 30 + 19.6 = 168.9 s.
    assert _table(markdown)[-2][1:4] == ["2:49", "0:12", "Jingle"]
    assert r"- File: close\_theme.wav" in markdown
