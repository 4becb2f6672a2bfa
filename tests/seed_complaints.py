"""Bulk-insert many complaints (with their calls and recordings) for the inbox scale test and benchmark.

Not the call flow: Core inserts in large batches in one transaction, so 100,000 complaints take seconds.
The mix is deterministic (a seeded RNG) and roughly what a hotline sees: most Mongolian calls wait for
manual transcription or have a staff transcript, English calls have machine transcripts with a
confidence, callers mostly agree to broadcast. Transcripts are built from a small vocabulary, with
capitals, so a search's right answer can be worked out in Python from what is returned here.
The FTS5 table follows the inserts through its triggers (SQLite); PostgreSQL's GIN index follows by itself.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import hotline.models  # noqa: F401 - registers the tables
from hotline.models import ComplaintStatus
from hotline.search import fold

BATCH = 5_000
START = datetime(2025, 1, 1, tzinfo=UTC)
SPACING = timedelta(minutes=5)  # two complaints share each instant, so the keyset's id tie-break is exercised
CALL = SQLModel.metadata.tables["call"]
COMPLAINT = SQLModel.metadata.tables["complaint"]
RECORDING = SQLModel.metadata.tables["recording"]
TABLES = (CALL, COMPLAINT, RECORDING)

STATUS_WEIGHTS = {
    ComplaintStatus.RECEIVED: 2,
    ComplaintStatus.TRANSCRIBING: 1,
    ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION: 25,
    ComplaintStatus.TRANSCRIBED: 18,
    ComplaintStatus.IN_REVIEW: 10,
    ComplaintStatus.ROUTED: 12,
    ComplaintStatus.ANSWERED: 9,
    ComplaintStatus.AIRED: 3,
    ComplaintStatus.CLOSED: 12,
    ComplaintStatus.DUPLICATE: 2,
    ComplaintStatus.NOT_ACTIONABLE: 3,
    ComplaintStatus.FAILED: 3,
}


def _words(sentence: str) -> list[str]:
    return sentence.split()


# Complaints in these statuses have no transcript yet: nothing was, or could be, decoded.
UNTRANSCRIBED = {"received", "transcribing", "needs_manual_transcription", "failed"}
MONGOLIAN = _words(
    "Манай сумын эмнэлэгт эмч алга өвчтөнүүд олон хоног хүлээж байна эм байхгүй Сургуулийн барилга халаалтгүй "
    "хүүхдүүд даарч байна багш хүрэлцэхгүй Тэтгэвэр тэтгэмж хугацаандаа ирэхгүй байна Зам эвдэрсэн гүүр нурсан "
    "Иргэний үнэмлэх авахад удаан хүлээлгэдэг ус цахилгаан тасарсан Аймгийн төвд очих унаа алга Засаг дарга "
    "хариу өгөхгүй байна гомдол"
)
ENGLISH = _words(
    "The hospital in our soum has no doctor patients wait for days school building has no heating pension "
    "did not arrive road broken bridge collapsed water electricity cut nobody answers complaint"
)
RARE_WORD = "Дэнлүү"  # in about one transcript in a thousand: a selective search


@dataclass(frozen=True)
class SeededComplaint:
    """What was inserted, for working out a query's right answer independently of the database."""

    id: int
    reference: str
    created_at: datetime
    status: str
    sector: str
    area: str
    soum: str | None
    language: str
    broadcast_consent: bool
    reviewed: bool
    machine_confidence: float | None
    transcript_version: int
    text: str


def seed_complaints(
    engine: Engine, *, count: int, sectors: Sequence[str], areas: Sequence[str], seed: int = 9
) -> list[SeededComplaint]:
    """Insert `count` calls, complaints and recordings in one transaction; returns the complaints, oldest first.

    Ids are chosen here (after the highest in use) rather than returned by the database: a plain executemany
    is several times faster than INSERT … RETURNING in batches, on PostgreSQL above all."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        first_id = 1 + max(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one() for t in TABLES)
        seeded = [_draw(rng, n, first_id + n, sectors, areas) for n in range(count)]
        for start in range(0, count, BATCH):
            batch = seeded[start : start + BATCH]
            conn.execute(insert(CALL), [_call_row(c) for c in batch])
            conn.execute(insert(COMPLAINT), [_complaint_row(c) for c in batch])
            conn.execute(insert(RECORDING), [_recording_row(c) for c in batch])
        if engine.dialect.name == "postgresql":  # the next id the database hands out must follow ours
            for table in TABLES:
                sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table.name}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # as a running server's small commits keep it
        else:
            for table in TABLES:  # as autovacuum soon would: statistics, and a visibility map for index-only scans
                conn.execute(text(f"VACUUM ANALYZE {table.name}"))
    return seeded


def _call_row(complaint: SeededComplaint) -> dict[str, object]:
    n = complaint.id
    return {
        "id": n,
        "twilio_call_sid": f"CA{n:032d}",
        "caller_hash": f"{n % 7919:064x}",  # some callers call many times
        "caller_masked": f"+976••••••{n % 100:02d}",
        "outcome": "reported",
    }


def _complaint_row(complaint: SeededComplaint) -> dict[str, object]:
    return {
        "id": complaint.id,
        "call_id": complaint.id,
        "reference": complaint.reference,
        "language": complaint.language,
        "sector": complaint.sector,
        "area": complaint.area,
        "soum": complaint.soum,
        "broadcast_consent": complaint.broadcast_consent,
        "status": complaint.status,
        "status_changed_at": complaint.created_at,
        "transcript_text": complaint.text,
        "search_text": fold(complaint.text),
        "transcript_version": complaint.transcript_version,
        "reviewed": complaint.reviewed,
        "machine_confidence": complaint.machine_confidence,
        "created_at": complaint.created_at,
        "updated_at": complaint.created_at,
    }


def _recording_row(complaint: SeededComplaint) -> dict[str, object]:
    return {
        "id": complaint.id,
        "twilio_recording_sid": f"RE{complaint.id:032d}",
        "call_id": complaint.id,
        "complaint_id": complaint.id,
        "status": "failed" if complaint.status == "failed" else "stored",
        "duration_seconds": 20.0 + complaint.id % 150,
    }


def _draw(
    rng: random.Random, n: int, complaint_id: int, sectors: Sequence[str], areas: Sequence[str]
) -> SeededComplaint:
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0].value
    language = "en" if rng.random() < 0.2 else "mn"
    area = rng.choice(areas)
    transcript, version, reviewed, confidence = "", 0, False, None
    if status not in UNTRANSCRIBED:
        transcript = _transcript(rng, ENGLISH if language == "en" else MONGOLIAN)
        if language == "en":  # decoded by a model, then perhaps corrected by staff
            confidence = round(rng.uniform(0.3, 0.98), 3)
            reviewed = rng.random() < 0.5
            version = 2 if reviewed else 1
        else:  # typed by staff: no Mongolian model exists
            version, reviewed = 1, True
    return SeededComplaint(
        id=complaint_id,  # the call and recording share it
        reference=f"{100_000_000 + n}",
        created_at=START + SPACING * (n // 2),
        status=status,
        sector=rng.choice(sectors),
        area=area,
        soum=f"{area}{rng.randrange(1, 20):02d}" if rng.random() < 0.1 else None,
        language=language,
        broadcast_consent=rng.random() < 0.7,
        reviewed=reviewed,
        machine_confidence=confidence,
        transcript_version=version,
        text=transcript,
    )


def _transcript(rng: random.Random, vocabulary: list[str]) -> str:
    words = rng.choices(vocabulary, k=rng.randrange(6, 30))
    if rng.random() < 0.001:
        words.insert(rng.randrange(len(words) + 1), RARE_WORD)
    return " ".join(words)
