"""Cue sheets: times in both forms, CD frames of 1/75 s, quotes and formulas made harmless."""

from __future__ import annotations

import csv
import io

from radio_segments.cue_sheet import CueEntry, clock, cue_csv, cue_file

ENTRIES = [
    CueEntry("jingle", "Intro jingle", 0.0, 8.5, file="jingles/intro.wav"),
    CueEntry(
        "clip",
        'Caller from Khovd: "no medicine"',
        8.5,
        31.24,
        reference="123456782",
        file="clips/01-123456782.wav",
        in_words="Буянт сумын эмнэлэгт",
        out_words="тусламж хэрэгтэй",
    ),
    CueEntry("host", '=HYPERLINK("x")', 3725.04, 60.0),
]


def test_the_csv_has_one_row_per_item_with_both_time_forms() -> None:
    rows = list(csv.DictReader(io.StringIO(cue_csv(ENTRIES))))
    assert [r["#"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["start"] == "0:00:08.500" and rows[1]["start_seconds"] == "8.500"
    assert rows[1]["duration_seconds"] == "31.240" and rows[1]["in_words"] == "Буянт сумын эмнэлэгт"
    assert rows[2]["start"] == "1:02:05.040"
    assert rows[2]["title"].startswith("'=")  # a spreadsheet shows it, never runs it


def test_the_cue_file_counts_frames_and_never_breaks_on_a_quote() -> None:
    cue = cue_file(ENTRIES, audio_file="rough-cut.wav", title="Дуу хоолой 2026-W48", performer="Khovd FM")
    lines = cue.split("\r\n")
    assert lines[:3] == ['PERFORMER "Khovd FM"', 'TITLE "Дуу хоолой 2026-W48"', 'FILE "rough-cut.wav" WAVE']
    assert "  TRACK 02 AUDIO" in lines and "    INDEX 01 00:08:38" in lines  # 8.5 s = 8 s + 38 frames (37.5)
    assert "    INDEX 01 62:05:03" in lines  # minutes go past 60 in a cue sheet
    assert "    TITLE \"Caller from Khovd: 'no medicine'\"" in lines
    assert all(line.count('"') in (0, 2) for line in lines)


def test_clock() -> None:
    assert clock(0) == "0:00:00.000" and clock(59.9996) == "0:01:00.000" and clock(3600) == "1:00:00.000"
