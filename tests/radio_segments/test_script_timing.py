"""Running times of the run sheet: each item starts where the ones before it end, the total is their sum, the
sheet's rounded lengths add up to its rounded total, and a sheet that breaks the rules is refused."""

from __future__ import annotations

import dataclasses
import math

import pytest

from radio_segments.run_sheet import AudioCue, ItemKind, Jingle, Jingles, ProviderAnswer, RunSheet, Spoken, timeline
from radio_segments.script_view import clock, sheet_view
from radio_segments.voice_treatment import VoiceTreatment
from tests.radio_segments.run_sheets import make_run_sheet, make_segment


def _clock_seconds(text: str) -> int:
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _stated_durations(sheet: RunSheet) -> list[float]:
    """The durations as the sheet states them, in air order, apart from the timeline's own bookkeeping."""
    stated = [sheet.intro.seconds]
    for segment in sheet.segments:
        stated.append(segment.host.seconds)
        caller = segment.clip or segment.revoiced
        assert caller is not None
        stated.append(caller.seconds)
        if segment.answer:
            answer = segment.answer.audio or segment.answer.read
            assert answer is not None
            stated.append(answer.seconds)
    return [*stated, sheet.how_to_call.seconds, sheet.outro.seconds]


def test_each_item_starts_at_the_sum_of_the_durations_before_it_and_the_total_is_their_sum() -> None:
    sheet = make_run_sheet(count=7)
    items = timeline(sheet).items
    stated = _stated_durations(sheet)
    assert [item.seconds for item in items] == stated
    for index, item in enumerate(items):
        assert item.start == pytest.approx(sum(stated[:index]), abs=1e-9)
    assert timeline(sheet).total == pytest.approx(sum(stated), abs=1e-9)
    # 40 + 7 hosts (25.3) + clips 31.4 ×5 / revoiced 14.2 ×2 + answers 22.6 ×3 / 12.5 ×2 + 30 + 19.6, by hand:
    assert timeline(sheet).total == pytest.approx(40 + 7 * 25.3 + 5 * 31.4 + 2 * 14.2 + 3 * 22.6 + 2 * 12.5 + 30 + 19.6)


def test_items_run_in_air_order_and_a_re_voiced_segment_has_no_clip_item() -> None:
    kinds = [item.kind for item in timeline(make_run_sheet(count=3)).items]

    assert kinds == [
        ItemKind.INTRO,
        ItemKind.HOST, ItemKind.CLIP, ItemKind.ANSWER_AUDIO,
        ItemKind.HOST, ItemKind.CLIP, ItemKind.ANSWER_READ,
        ItemKind.HOST, ItemKind.REVOICED,
        ItemKind.HOW_TO_CALL,
        ItemKind.OUTRO,
    ]  # fmt: skip


def test_jingles_open_and_close_the_show_and_separate_segments_and_count_in_the_times() -> None:
    jingles = Jingles(
        intro=Jingle(file_name="open.wav", seconds=8.0),
        between=Jingle(file_name="sting.wav", seconds=4.0),
        outro=Jingle(file_name="close.wav", seconds=10.0),
    )
    plain = make_run_sheet(count=3)
    items = timeline(dataclasses.replace(plain, jingles=jingles)).items

    jingle_at = [(index, item.jingle.file_name) for index, item in enumerate(items) if item.jingle]
    assert jingle_at == [(0, "open.wav"), (5, "sting.wav"), (9, "sting.wav"), (14, "close.wav")]
    assert [item.kind for item in items if item.jingle] == [ItemKind.JINGLE] * 4
    assert items[1].kind is ItemKind.INTRO and items[1].start == 8.0
    assert items[6].kind is ItemKind.HOST and items[6].segment is plain.segments[1]
    for index, item in enumerate(items):
        assert item.start == pytest.approx(sum(earlier.seconds for earlier in items[:index]), abs=1e-9)
    with_jingles = timeline(dataclasses.replace(plain, jingles=jingles)).total
    assert with_jingles == pytest.approx(timeline(plain).total + 8 + 2 * 4 + 10)


def test_the_sheets_rounded_lengths_add_up_to_its_rounded_total() -> None:
    # Lengths of 0.5 s each: rounded one by one they would show 1 s each, 20 × 1 s against a total of 0:10.
    half = Spoken(text="…", seconds=0.5)
    segments = tuple(
        make_segment(i, voice=VoiceTreatment.REVOICED, clip=None, revoiced=half, host=half, answer=None)
        for i in range(1, 10)
    )
    how_to_call = dataclasses.replace(make_run_sheet().how_to_call, seconds=0)
    sheet = make_run_sheet(segments=segments, intro=half, outro=half, how_to_call=how_to_call)
    view = sheet_view(sheet)

    assert view.total == "0:10"  # 20 items × 0.5 s
    assert sum(_clock_seconds(block.length) for block in view.blocks) == 10
    assert sum(_clock_seconds(item.length) for block in view.blocks for item in block.items) == 10
    for block in view.blocks:
        assert _clock_seconds(block.start) + _clock_seconds(block.length) == _clock_seconds(block.end)


def test_clock_times_past_the_hour_and_half_seconds_rounding_up() -> None:
    assert clock(0) == "0:00"
    assert clock(59.5) == "1:00"
    assert clock(2.5) == "0:03"
    assert clock(3725.2) == "1:02:05"


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"voice": VoiceTreatment.REVOICED}, "re-voiced"),  # still has the caller's clip
        ({"voice": VoiceTreatment.ORIGINAL, "clip": None}, "clip cue"),
        ({"revoiced": Spoken(text="x", seconds=3)}, "clip cue"),  # a clip and a re-voice at once
    ],
)
def test_a_segment_must_say_plainly_whether_the_callers_audio_airs(change: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        make_segment(1, **change)


def test_an_answer_airs_one_way_and_durations_are_real_numbers() -> None:
    cue = AudioCue(file_name="a.wav", in_words="a", out_words="b", seconds=3)
    with pytest.raises(ValueError, match="one of them"):
        ProviderAnswer(provider_name="Water", audio=cue, read=Spoken(text="x", seconds=2))
    with pytest.raises(ValueError, match="one of them"):
        ProviderAnswer(provider_name="Water")
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="seconds must be a finite, non-negative number"):
            Spoken(text="x", seconds=bad)
        with pytest.raises(ValueError, match="seconds must be a finite, non-negative number"):
            AudioCue(file_name="a.wav", in_words="a", out_words="b", seconds=bad)
        with pytest.raises(ValueError, match="seconds must be a finite, non-negative number"):
            Jingle(file_name="sting.wav", seconds=bad)


def test_segments_must_be_given_in_air_order() -> None:
    first, second = make_segment(1), make_segment(2)
    with pytest.raises(ValueError, match="positions must increase"):
        make_run_sheet(segments=(second, first))
    with pytest.raises(ValueError, match="positions must increase"):
        make_run_sheet(segments=(first, first))
