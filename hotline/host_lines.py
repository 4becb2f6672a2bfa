"""First drafts of what the host says, in the station's language: the producer edits them before air.

Places are named at the area (aimag, province) level, never finer: a group of callers is counted per area,
and a lone caller's soum is left for the producer to add if it is safe to say. Languages without a table
here get English. Templates use only the fields given to `str.format` below.
"""

from __future__ import annotations

from dataclasses import dataclass

_LINES: dict[str, dict[str, str]] = {
    "en": {
        "group": "{count} callers from {place} reported a problem with {sector}.",
        "single": "A caller from {place} reported a problem with {sector}.",
        "answered": "{provider} has answered.",
        "overdue": "{provider} has not answered in {days} days.",
        "intro": "Welcome to {station}. This week: {count} of your calls about public services, and the answers.",
        "outro": "To report a problem with a public service, call {number}. Thank you for listening to {station}.",
    },
    "mn": {
        "group": "{place}: {count} иргэн «{sector}» салбарын талаар гомдол мэдүүлсэн.",
        "single": "{place}: нэг иргэн «{sector}» салбарын талаар гомдол мэдүүлсэн.",
        "answered": "{provider} хариу өгсөн.",
        "overdue": "{provider} {days} хоногийн турш хариу өгөөгүй байна.",
        "intro": "{station} радиогийн сонсогчид та бүхэндээ энэ өдрийн мэнд хүргэе. Энэ долоо хоногт "
        "төрийн үйлчилгээний талаарх {count} гомдол, түүний хариуг сонсоно уу.",
        "outro": "Төрийн үйлчилгээний талаар гомдол мэдүүлэх бол {number} дугаарт залгана уу. "
        "{station} радиог сонссонд баярлалаа.",
    },
    "km": {
        "group": "អ្នកហៅទូរស័ព្ទ {count} នាក់ មកពី {place} បានរាយការណ៍អំពីបញ្ហា {sector}។",
        "single": "អ្នកហៅទូរស័ព្ទម្នាក់ មកពី {place} បានរាយការណ៍អំពីបញ្ហា {sector}។",
        "answered": "{provider} បានឆ្លើយតបហើយ។",
        "overdue": "{provider} មិនទាន់ឆ្លើយតបអស់រយៈពេល {days} ថ្ងៃ។",
        "intro": "សូមស្វាគមន៍មកកាន់ {station}។ សប្តាហ៍នេះ៖ ការហៅទូរស័ព្ទ {count} របស់លោកអ្នក អំពីសេវាសាធារណៈ និងចម្លើយ។",
        "outro": "ដើម្បីរាយការណ៍បញ្ហាសេវាសាធារណៈ សូមហៅលេខ {number}។ សូមអរគុណដែលបានស្តាប់ {station}។",
    },
    "ko": {
        "group": "{place}에서 {count}명의 주민이 {sector} 문제를 신고했습니다.",
        "single": "{place}의 한 주민이 {sector} 문제를 신고했습니다.",
        "answered": "{provider}에서 답변을 보내 왔습니다.",
        "overdue": "{provider}은(는) {days}일째 답변하지 않았습니다.",
        "intro": "{station}입니다. 이번 주에는 공공 서비스에 관한 여러분의 전화 {count}건과 그 답변을 전해 드립니다.",
        "outro": "공공 서비스 문제를 신고하시려면 {number}번으로 전화해 주세요. {station}을 들어 주셔서 감사합니다.",
    },
}


@dataclass(frozen=True)
class SegmentFacts:
    """What a segment's lines say, already named in the station's language."""

    callers: int  # the near-duplicate group's size (1 for a lone caller)
    place: str  # the area's name
    sector: str
    provider: str = ""  # the provider's name, when it answered or is overdue
    answered: bool = False
    waiting_days: int | None = None  # days since routing, when the provider is overdue


def segment_lines(language: str, facts: SegmentFacts) -> str:
    """The host's lines before a segment: who called about what, and where the answer stands."""
    table = _LINES.get(language, _LINES["en"])
    place = facts.place or "—"
    lines = [
        table["group"].format(count=facts.callers, place=place, sector=facts.sector)
        if facts.callers > 1
        else table["single"].format(place=place, sector=facts.sector)
    ]
    if facts.answered and facts.provider:
        lines.append(table["answered"].format(provider=facts.provider))
    elif facts.waiting_days is not None and facts.provider:
        lines.append(table["overdue"].format(provider=facts.provider, days=facts.waiting_days))
    return " ".join(lines)


def intro_lines(language: str, *, station: str, count: int) -> str:
    return _LINES.get(language, _LINES["en"])["intro"].format(station=station, count=count)


def outro_lines(language: str, *, station: str, number: str) -> str:
    return _LINES.get(language, _LINES["en"])["outro"].format(station=station, number=number or "—")


def name_in(names: dict[str, str], language: str) -> str:
    """A name in the station's language, else English, else any (sector, area and provider names are per language)."""
    return names.get(language) or names.get("en") or next(iter(names.values()), "")
