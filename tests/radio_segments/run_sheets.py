"""Run sheets for the script tests: a Mongolian and a Khmer station, segments of every voice and answer kind.

Segment i cycles through (original voice, recorded answer), (disguised, answer read by the host),
(re-voiced, no answer yet), so three segments cover every item kind the sheet can hold.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from radio_segments.run_sheet import (
    AudioCue,
    HowToCall,
    KeypadLine,
    ProviderAnswer,
    RunSheet,
    Segment,
    Spoken,
)
from radio_segments.voice_treatment import VoiceTreatment

MONGOLIAN_TITLE = "Ховдын радио: Иргэдийн дуу хоолой"
KHMER_TITLE = "សំឡេងពលរដ្ឋ៖ កម្មវិធីវិទ្យុប្រចាំសប្តាហ៍"
HOSTILE_LINE = 'Caller said <script>alert("x")</script> & | pipes | *stars* — 12 callers from Khovd'

_TEXT = {
    "mn": {
        "intro": "Сайн байцгаана уу, эрхэм сонсогчид! Энэ долоо хоногийн иргэдийн дуу хоолой.",
        "host": "Ховд аймгаас 12 иргэн эмнэлгийн дарааллын талаар мэдээлсэн.",
        "revoiced": "Эмнэлэгт эмч байхгүй, гурван өдөр хүлээсэн.",
        "answer": "Бид ирэх долоо хоногт хоёр эмч нэмж томилно.",
        "provider": "Ховд аймгийн нэгдсэн эмнэлэг",
        "step": "Эмнэлэг 7 хоногийн дотор хариулна",
        "menu": (("1", "Шинэ гомдол өгөх"), ("2", "Гомдлын явц шалгах")),
        "outro": "Баярлалаа, дараа долоо хоногт уулзъя.",
    },
    "km": {
        "intro": "សូមស្វាគមន៍មកកាន់កម្មវិធីសំឡេងពលរដ្ឋ។",
        "host": "ពលរដ្ឋ​១២​នាក់​មក​ពី​សៀមរាប​បាន​រាយការណ៍​អំពី​ទឹក​ស្អាត។",
        "revoiced": "ភូមិ​របស់​ខ្ញុំ​គ្មាន​ទឹក​ស្អាត​បី​សប្តាហ៍​ហើយ។",
        "answer": "យើង​នឹង​ជួសជុល​បំពង់​ទឹក​នៅ​សប្តាហ៍​ក្រោយ។",
        "provider": "រដ្ឋាករទឹកសៀមរាប",
        "step": "អ្នកផ្តល់សេវានឹងឆ្លើយក្នុងរយៈពេល៧ថ្ងៃ",
        "menu": (("1", "ដាក់បណ្តឹងថ្មី"), ("2", "ពិនិត្យស្ថានភាពបណ្តឹង")),
        "outro": "សូមអរគុណ។",
    },
}

_KINDS = (
    (VoiceTreatment.ORIGINAL, "audio"),
    (VoiceTreatment.DISGUISED, "read"),
    (VoiceTreatment.REVOICED, None),
)


def make_segment(position: int, language: str = "mn", **overrides: Any) -> Segment:
    text = _TEXT[language]
    voice, answer_kind = _KINDS[(position - 1) % len(_KINDS)]
    answer = None
    if answer_kind == "audio":
        cue = AudioCue(file_name=f"{position:02d}-answer.wav", in_words="Бид", out_words="баярлалаа", seconds=22.6)
        answer = ProviderAnswer(provider_name=text["provider"], audio=cue)
    elif answer_kind == "read":
        answer = ProviderAnswer(provider_name=text["provider"], read=Spoken(text=text["answer"], seconds=12.5))
    clip = None
    revoiced = None
    if voice is VoiceTreatment.REVOICED:
        revoiced = Spoken(text=text["revoiced"], seconds=14.2)
    else:
        clip = AudioCue(
            file_name=f"{position:02d}-caller.wav", in_words="Сайн байна уу", out_words="засаж өгөөч", seconds=31.4
        )
    fields: dict[str, Any] = {
        "position": position,
        "title": f"{text['provider']} {position}",
        "reference": f"FMS-2026-{position:05d}",
        "host": Spoken(text=text["host"], seconds=25.3),
        "voice": voice,
        "clip": clip,
        "revoiced": revoiced,
        "answer": answer,
        "status": "routed" if answer is None else "answered",
        "next_step": text["step"],
    }
    fields.update(overrides)
    return Segment(**fields)


def make_run_sheet(language: str = "mn", count: int = 3, **overrides: Any) -> RunSheet:
    """A sheet with `count` segments; any RunSheet field can be overridden (e.g. segments=(...))."""
    text = _TEXT[language]
    fields: dict[str, Any] = {
        "title": MONGOLIAN_TITLE if language == "mn" else KHMER_TITLE,
        "station_name": "Ховд FM" if language == "mn" else "វិទ្យុសៀមរាប",
        "station_language": language,
        "broadcast_date": date(2026, 11, 27),
        "intro": Spoken(text=text["intro"], seconds=40.0),
        "segments": tuple(make_segment(i, language) for i in range(1, count + 1)),
        "how_to_call": HowToCall(
            number="7000-1234",
            menu=tuple(KeypadLine(key=key, action=action) for key, action in text["menu"]),
            seconds=30.0,
        ),
        "outro": Spoken(text=text["outro"], seconds=19.6),
    }
    fields.update(overrides)
    return RunSheet(**fields)
