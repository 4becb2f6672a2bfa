"""The run sheet's fixed labels in the stations' languages (Mongolian, Khmer, Korean) and English.

A small table rather than the staff Babel catalogues: those translate staff pages, and this package must
stay usable without staff/. A language with no table here gets English labels (the host's lines and
the menu are still the station's own words): a script with English labels airs, a missing one does not.
Status names follow the staff catalogue's Mongolian wording so producers see the same words in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

ENGLISH = "en"

_EN = {
    "jingle": "Jingle",
    "run_sheet": "Run sheet",
    "station": "Station",
    "broadcast_date": "Broadcast date",
    "rundown": "Rundown",
    "start": "Start",
    "length": "Length",
    "item": "Item",
    "segment": "Segment",
    "reference": "Reference",
    "total": "Total",
    "intro": "Intro",
    "outro": "Outro",
    "host": "Host",
    "clip": "Clip",
    "revoiced": "Host reads the caller's words",
    "answer": "Answer",
    "answer_read": "Host reads the answer",
    "no_answer": "No answer yet",
    "provider": "Provider",
    "file": "File",
    "in_words": "In-words",
    "out_words": "Out-words",
    "duration": "Duration",
    "voice": "Voice",
    "voice_original": "Original voice",
    "voice_disguised": "Disguised voice",
    "voice_revoiced": "Re-voiced by the host",
    "status": "Status",
    "next_step": "Next step",
    "how_to_call": "How to call",
    "number": "Number",
    "key": "Key",
    "page": "Page",
    "running_time": "Running time",
    "seconds_unit": "s",
    "status_received": "Received",
    "status_transcribing": "Transcribing",
    "status_needs_manual_transcription": "Needs manual transcription",
    "status_transcribed": "Transcribed",
    "status_in_review": "In review",
    "status_routed": "Routed",
    "status_answered": "Answered",
    "status_aired": "Aired",
    "status_closed": "Closed",
    "status_duplicate": "Duplicate",
    "status_not_actionable": "Not actionable",
    "status_failed": "Failed",
}

_MN = {
    "jingle": "Жингл",
    "run_sheet": "Нэвтрүүлгийн хөтөлбөр",
    "station": "Радио станц",
    "broadcast_date": "Нэвтрүүлгийн огноо",
    "rundown": "Хөтөлбөрийн дараалал",
    "start": "Эхлэх",
    "length": "Хугацаа",
    "item": "Агуулга",
    "segment": "Хэсэг",
    "reference": "Бүртгэлийн дугаар",
    "total": "Нийт",
    "intro": "Оршил",
    "outro": "Төгсгөл",
    "host": "Хөтлөгч",
    "clip": "Бичлэг",
    "revoiced": "Хөтлөгч иргэний үгийг уншина",
    "answer": "Хариу",
    "answer_read": "Хөтлөгч хариуг уншина",
    "no_answer": "Хариу хараахан ирээгүй",
    "provider": "Үйлчилгээ үзүүлэгч",
    "file": "Файл",
    "in_words": "Эхний үгс",
    "out_words": "Сүүлийн үгс",
    "duration": "Үргэлжлэх хугацаа",
    "voice": "Дуу хоолой",
    "voice_original": "Эх дуу хоолой",
    "voice_disguised": "Өөрчилсөн дуу хоолой",
    "voice_revoiced": "Хөтлөгч дахин уншина",
    "status": "Төлөв",
    "next_step": "Дараагийн алхам",
    "how_to_call": "Хэрхэн залгах вэ",
    "number": "Утасны дугаар",
    "key": "Товч",
    "page": "Хуудас",
    "running_time": "Өнгөрсөн хугацаа",
    "seconds_unit": "сек",
    "status_received": "Хүлээн авсан",
    "status_transcribing": "Бичвэрт буулгаж байна",
    "status_needs_manual_transcription": "Гараар бичвэрт буулгах шаардлагатай",
    "status_transcribed": "Бичвэрт буулгасан",
    "status_in_review": "Хянаж байна",
    "status_routed": "Шилжүүлсэн",
    "status_answered": "Хариулсан",
    "status_aired": "Эфирт гарсан",
    "status_closed": "Хаагдсан",
    "status_duplicate": "Давхардсан",
    "status_not_actionable": "Арга хэмжээ авах боломжгүй",
    "status_failed": "Амжилтгүй болсон",
}

_KM = {
    "jingle": "ភ្លេងសញ្ញា",
    "run_sheet": "កម្មវិធីផ្សាយ",
    "station": "ស្ថានីយ៍វិទ្យុ",
    "broadcast_date": "ថ្ងៃផ្សាយ",
    "rundown": "លំដាប់កម្មវិធី",
    "start": "ចាប់ផ្តើម",
    "length": "រយៈពេល",
    "item": "ខ្លឹមសារ",
    "segment": "ប្រធានបទ",
    "reference": "លេខយោង",
    "total": "សរុប",
    "intro": "សេចក្តីផ្តើម",
    "outro": "សេចក្តីបញ្ចប់",
    "host": "អ្នកសម្របសម្រួល",
    "clip": "សំឡេងថត",
    "revoiced": "អ្នកសម្របសម្រួលអានពាក្យរបស់អ្នកហៅ",
    "answer": "ចម្លើយ",
    "answer_read": "អ្នកសម្របសម្រួលអានចម្លើយ",
    "no_answer": "មិនទាន់មានចម្លើយ",
    "provider": "អ្នកផ្តល់សេវា",
    "file": "ឯកសារ",
    "in_words": "ពាក្យចាប់ផ្តើម",
    "out_words": "ពាក្យបញ្ចប់",
    "duration": "រយៈពេលសំឡេង",
    "voice": "សំឡេង",
    "voice_original": "សំឡេងដើម",
    "voice_disguised": "សំឡេងក្លែងបន្លំ",
    "voice_revoiced": "អ្នកសម្របសម្រួលអានជំនួស",
    "status": "ស្ថានភាព",
    "next_step": "ជំហានបន្ទាប់",
    "how_to_call": "របៀបហៅទូរស័ព្ទមក",
    "number": "លេខទូរស័ព្ទ",
    "key": "ចុចលេខ",
    "page": "ទំព័រ",
    "running_time": "ពេលវេលាកន្លងទៅ",
    "seconds_unit": "វិនាទី",
    "status_received": "បានទទួល",
    "status_transcribing": "កំពុងចម្លងជាអក្សរ",
    "status_needs_manual_transcription": "ត្រូវចម្លងជាអក្សរដោយដៃ",
    "status_transcribed": "បានចម្លងជាអក្សរ",
    "status_in_review": "កំពុងពិនិត្យ",
    "status_routed": "បានបញ្ជូនទៅអ្នកផ្តល់សេវា",
    "status_answered": "បានឆ្លើយ",
    "status_aired": "បានផ្សាយ",
    "status_closed": "បានបិទ",
    "status_duplicate": "ស្ទួន",
    "status_not_actionable": "មិនអាចចាត់វិធានការបាន",
    "status_failed": "បរាជ័យ",
}

_KO = {
    "jingle": "징글",
    "run_sheet": "방송 큐시트",
    "station": "방송국",
    "broadcast_date": "방송일",
    "rundown": "진행 순서",
    "start": "시작",
    "length": "길이",
    "item": "항목",
    "segment": "코너",
    "reference": "접수 번호",
    "total": "합계",
    "intro": "오프닝",
    "outro": "클로징",
    "host": "진행자",
    "clip": "클립",
    "revoiced": "진행자가 제보자의 말을 대신 읽음",
    "answer": "답변",
    "answer_read": "진행자가 답변을 읽음",
    "no_answer": "아직 답변 없음",
    "provider": "담당 기관",
    "file": "파일",
    "in_words": "시작 대사",
    "out_words": "끝 대사",
    "duration": "재생 시간",
    "voice": "음성",
    "voice_original": "원음",
    "voice_disguised": "음성 변조",
    "voice_revoiced": "진행자 대독",
    "status": "처리 상태",
    "next_step": "다음 단계",
    "how_to_call": "전화 참여 방법",
    "number": "전화번호",
    "key": "번호",
    "page": "페이지",
    "running_time": "누적 시간",
    "seconds_unit": "초",
    "status_received": "접수됨",
    "status_transcribing": "받아쓰는 중",
    "status_needs_manual_transcription": "수동 받아쓰기 필요",
    "status_transcribed": "받아쓰기 완료",
    "status_in_review": "검토 중",
    "status_routed": "담당 기관 전달",
    "status_answered": "답변 완료",
    "status_aired": "방송됨",
    "status_closed": "종결",
    "status_duplicate": "중복",
    "status_not_actionable": "조치 불가",
    "status_failed": "실패",
}

LABELS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {code: MappingProxyType(table) for code, table in {"en": _EN, "mn": _MN, "km": _KM, "ko": _KO}.items()}
)


def primary_language(tag: str) -> str:
    """'mn-MN' and 'MN' both mean 'mn': the label tables are per language, not per region."""
    return tag.replace("_", "-").split("-")[0].strip().lower()


def has_labels(tag: str) -> bool:
    return primary_language(tag) in LABELS


def labels_for(tag: str) -> Mapping[str, str]:
    """The labels for a language tag; English when the language has no table (see the module docstring)."""
    return LABELS.get(primary_language(tag), LABELS[ENGLISH])


def status_label(labels: Mapping[str, str], status: str) -> str:
    """A complaint status named in the labels' language; an unknown value is shown as it is."""
    return labels.get(f"status_{status}", status)
