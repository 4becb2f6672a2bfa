"""The run sheet as HTML: parsed by an HTML5 parser (tinyhtml5, weasyprint's own) without errors, free text
escaped, running times on the items, and the labels in the station's language or in English on request."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from tinyhtml5.parser import HTMLParser

from radio_segments.run_sheet import Jingle, Jingles, RunSheet, Spoken, timeline
from radio_segments.script_render import render_html
from tests.radio_segments.run_sheets import HOSTILE_LINE, KHMER_TITLE, MONGOLIAN_TITLE, make_run_sheet, make_segment

NS = "{http://www.w3.org/1999/xhtml}"


def _parse(html: str) -> ET.Element:
    parser = HTMLParser()
    root = parser.parse(html)
    assert parser.errors == [], parser.errors
    return root


def _by_class(root: ET.Element, css_class: str) -> list[ET.Element]:
    return [element for element in root.iter() if css_class in (element.get("class") or "").split()]


def _text(element: ET.Element) -> str:
    return "".join(element.itertext())


def _hostile_sheet() -> RunSheet:
    segment = make_segment(1, host=Spoken(text=HOSTILE_LINE, seconds=10), title="<b>bold</b> & title")
    return make_run_sheet(segments=(segment,), outro=Spoken(text="</main></body><script>bad()</script>", seconds=5))


def test_a_host_line_with_markup_shows_as_text_and_runs_nothing() -> None:
    root = _parse(render_html(_hostile_sheet()))

    assert [e for e in root.iter() if e.tag in (f"{NS}script", f"{NS}b")] == []
    host_reads = [_text(e) for e in _by_class(root, "item-host") for e in _by_class(e, "read")]
    assert host_reads == [HOSTILE_LINE]
    outro = [_text(e) for e in _by_class(root, "item-outro") for e in _by_class(e, "read")]
    assert outro == ["</main></body><script>bad()</script>"]
    assert "<b>bold</b> & title" in [_text(h) for h in root.iter(f"{NS}td")]


@pytest.mark.parametrize(("language", "title"), [("mn", MONGOLIAN_TITLE), ("km", KHMER_TITLE)])
def test_the_page_parses_and_holds_every_block_with_its_times(language: str, title: str) -> None:
    sheet = make_run_sheet(language, count=4)
    root = _parse(render_html(sheet))

    assert root.get("lang") == language
    assert _text(next(root.iter(f"{NS}h1"))) == title
    assert _text(next(root.iter(f"{NS}title"))) == title
    rows = list(next(root.iter(f"{NS}tbody")).iter(f"{NS}tr"))
    assert len(rows) == 1 + 4 + 2  # intro, the segments, how to call, outro
    assert [_text(r[4]) for r in rows[1:5]] == [s.reference for s in sheet.segments]
    items = _by_class(root, "item")
    expected = timeline(sheet).items
    assert [(i.get("class"), float(i.get("data-start", "nan"))) for i in items] == [
        (f"item item-{t.kind.value}", pytest.approx(t.start)) for t in expected
    ]
    assert _text(_by_class(root, "total")[0]) == "5:57"  # 40 + 4×25.3 + 3×31.4 + 14.2 + 2×22.6 + 12.5 + 30 + 19.6


def test_a_re_voiced_segment_shows_no_clip_and_says_no_answer_yet() -> None:
    root = _parse(render_html(make_run_sheet(count=3)))
    section = next(e for e in root.iter(f"{NS}section") if e.get("id") == "segment-3")

    assert _by_class(section, "item-clip") == [] and _by_class(section, "file") == []
    revoiced = [_text(read) for item in _by_class(section, "item-revoiced") for read in _by_class(item, "read")]
    assert revoiced == ["Эмнэлэгт эмч байхгүй, гурван өдөр хүлээсэн."]
    assert "Хариу хараахан ирээгүй" in _text(_by_class(section, "outcome")[0])


def test_labels_in_the_stations_language_and_in_english_on_request() -> None:
    sheet = make_run_sheet("mn")

    def headers(lang: str | None) -> list[str]:
        return [_text(th) for th in next(_parse(render_html(sheet, lang=lang)).iter(f"{NS}thead")).iter(f"{NS}th")]

    assert headers(None) == ["#", "Эхлэх", "Хугацаа", "Агуулга", "Бүртгэлийн дугаар"]
    assert headers("en") == ["#", "Start", "Length", "Item", "Reference"]
    assert headers("km")[1] == "ចាប់ផ្តើម"
    assert headers("ko-KR")[1] == "시작"
    assert headers("th") == headers("en")  # no Thai table: English labels, never a missing one
    english = _parse(render_html(sheet, lang="en"))
    assert english.get("lang") == "mn"  # the host's lines are still Mongolian
    assert "Friday, November 27, 2026" in _text(english)
    assert "Ховд аймгаас 12 иргэн" in _text(english)


def test_jingles_have_their_own_rows_and_cues() -> None:
    jingles = Jingles(intro=Jingle(file_name="open.wav", seconds=8), between=Jingle(file_name="sting.wav", seconds=4))
    root = _parse(render_html(make_run_sheet(count=2, jingles=jingles), lang="en"))
    rows = [[_text(cell) for cell in row] for row in next(root.iter(f"{NS}tbody")).iter(f"{NS}tr")]

    assert [row[3] for row in rows] == ["Jingle", "Intro", rows[2][3], "Jingle", rows[4][3], "How to call", "Outro"]
    assert [row[1:3] for row in rows[:3]] == [["0:00", "0:08"], ["0:08", "0:40"], ["0:48", "1:19"]]
    assert [_text(e) for e in _by_class(root, "file") if _text(e).endswith(".wav") and "-" not in _text(e)] == [
        "open.wav",
        "sting.wav",
    ]
