"""SQLModel tables. Import from here so Alembic and the app see every table."""

from hotline.models.audit import AuditEvent
from hotline.models.calls import Call, CallOutcome, Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.models.common import utcnow
from hotline.models.review import Note, StatusChange
from hotline.models.transcripts import Tag, Transcript, TranscriptSource
from hotline.models.users import ApiToken, Role, User, WebSession

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Call",
    "CallOutcome",
    "Complaint",
    "ComplaintStatus",
    "Note",
    "Recording",
    "RecordingStatus",
    "Role",
    "StatusChange",
    "Tag",
    "Transcript",
    "TranscriptSource",
    "User",
    "WebSession",
    "utcnow",
]
