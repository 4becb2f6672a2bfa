"""The emails a provider gets about a complaint: routed to you, a reminder before the deadline, overdue.

A notice says what the provider needs to act and nothing a caller did not agree to share: the reference, the
sector, the place no finer than the soum, the current transcript and a link to the complaint. It never
carries the caller's number (neither in clear nor masked) nor the audio: the body is built only from the
fields named here, so a new column on the complaint cannot leak into mail by accident. The text is in the
provider's language (the first of the deployment's languages the provider has a name in), else English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from hotline.deployment import Deployment
from hotline.models import Complaint
from hotline.models.common import ensure_aware
from hotline.places import PlaceDirectory
from hotline.providers import ProviderView

MAX_SUBJECT = 300
_PHONE_LIKE = re.compile(r"\+?\d(?:[\s\-().]*\d){5,}")
_REMOVED = "[…]"


class NoticeKind(StrEnum):
    ROUTED = "routed"
    REMINDER = "reminder"
    OVERDUE = "overdue"


class NoticeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    RECORDED = "recorded"  # no SMTP server configured: kept, not mailed
    FAILED = "failed"  # every try failed; last_error says why


@dataclass(frozen=True)
class ComposedNotice:
    language: str
    subject: str
    body: str


# Per language: a subject per kind, the opening line per kind, and the labels of the fields.
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "routed.subject": "Complaint {reference} for you to answer by {deadline}",
        "reminder.subject": "Reminder: complaint {reference} is due on {deadline}",
        "overdue.subject": "Overdue: complaint {reference} was due on {deadline}",
        "routed.opening": "A complaint to the hotline has been sent to {provider} to answer.",
        "reminder.opening": "The answer to this complaint is due in a few days.",
        "overdue.opening": "The answer to this complaint was due and has not been recorded.",
        "reference": "Reference",
        "sector": "Sector",
        "area": "Place",
        "deadline": "Answer by",
        "transcript": "What the caller said",
        "no_transcript": "(no transcript yet: open the link)",
        "link": "Open the complaint and answer",
    },
    "mn": {
        "routed.subject": "{reference} дугаартай гомдолд {deadline}-ны дотор хариу өгнө үү",
        "reminder.subject": "Сануулга: {reference} дугаартай гомдлын хариуны хугацаа {deadline}",
        "overdue.subject": "Хугацаа хэтэрсэн: {reference} дугаартай гомдлын хариу {deadline}-нд дуусах ёстой байсан",
        "routed.opening": "Шуурхай утсанд ирсэн гомдлыг {provider}-д хариулахаар илгээлээ.",
        "reminder.opening": "Энэ гомдлын хариу өгөх хугацаа хэд хоногийн дараа дуусна.",
        "overdue.opening": "Энэ гомдлын хариу өгөх хугацаа дууссан ч хариу бүртгэгдээгүй байна.",
        "reference": "Дугаар",
        "sector": "Салбар",
        "area": "Газар",
        "deadline": "Хариу өгөх хугацаа",
        "transcript": "Залгасан хүний хэлсэн нь",
        "no_transcript": "(бичвэр хараахан алга: холбоосыг нээнэ үү)",
        "link": "Гомдлыг нээж хариулах",
    },
}


def notice_language(provider: ProviderView, deployment: Deployment) -> str:
    """The first deployment language the provider has a name in and we have words for, else English."""
    for language in deployment.languages:
        if language.code in provider.names and language.code in _TEXT:
            return language.code
    return "en"


def compose_notice(
    *,
    kind: NoticeKind,
    complaint: Complaint,
    provider: ProviderView,
    deadline_at: datetime,
    deployment: Deployment,
    places: PlaceDirectory,
    base_url: str,
) -> ComposedNotice:
    """Subject and plain-text body of one notice, from the complaint's public facts only."""
    language = notice_language(provider, deployment)
    words = _TEXT[language]
    deadline = _local_date(deadline_at, deployment)
    subject = words[f"{kind}.subject"].format(reference=complaint.reference, deadline=deadline)[:MAX_SUBJECT]
    transcript = without_phone_numbers(complaint.transcript_text.strip()) or words["no_transcript"]
    lines = [
        words[f"{kind}.opening"].format(provider=provider.name(language)),
        "",
        f"{words['reference']}: {complaint.reference}",
        f"{words['sector']}: {_sector_name(complaint.sector, deployment, language)}",
        f"{words['area']}: {place_label(complaint, deployment, places, language)}",
        f"{words['deadline']}: {deadline}",
        "",
        f"{words['transcript']}:",
        transcript,
        "",
        f"{words['link']}: {complaint_link(base_url, complaint.reference)}",
    ]
    return ComposedNotice(language=language, subject=subject, body="\n".join(lines) + "\n")


def without_phone_numbers(text: str) -> str:
    """The text with anything shaped like a phone number (six or more digits, spaces or dashes between) removed:
    a caller may have said a number, theirs or someone's, and staff may have typed it into the transcript."""
    return _PHONE_LIKE.sub(_REMOVED, text)


def complaint_link(base_url: str, reference: str) -> str:
    return f"{base_url.rstrip('/')}/complaints/{reference}"


def place_label(complaint: Complaint, deployment: Deployment, places: PlaceDirectory, language: str) -> str:
    """The place as "Soum, Aimag", "Aimag" or "—": never finer than the soum, whatever else the complaint knows."""
    parts = []
    soum = places.place(complaint.soum) if complaint.soum else None
    if soum is not None:
        parts.append(soum.label(language))
    area_code = complaint.area or (soum.area if soum is not None else None)
    area = deployment.area(area_code)
    if area is not None:
        parts.append(area.names.get(language) or area.names.get("en") or area.code)
    return ", ".join(parts) or "—"


def _sector_name(code: str | None, deployment: Deployment, language: str) -> str:
    sector = deployment.sector(code)
    if sector is None:
        return code or "—"
    return sector.names.get(language) or sector.names.get("en") or sector.code


def _local_date(moment: datetime, deployment: Deployment) -> str:
    """The last local day to answer: a deadline at local midnight ends the day before."""
    aware = ensure_aware(moment)
    assert aware is not None
    return (aware - timedelta(microseconds=1)).astimezone(ZoneInfo(deployment.timezone)).date().isoformat()
