"""SQLModel tables. Import from here so Alembic and the app see every table."""

from hotline.models.calls import Call, CallOutcome, Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.models.common import utcnow
from hotline.models.transcripts import Tag, Transcript, TranscriptSource
from hotline.models.users import ApiToken, Role, User

__all__ = [
    "ApiToken",
    "Call",
    "CallOutcome",
    "Complaint",
    "ComplaintStatus",
    "Recording",
    "RecordingStatus",
    "Role",
    "Tag",
    "Transcript",
    "TranscriptSource",
    "User",
    "utcnow",
]
