"""SQLModel tables. Import from here so Alembic and the app see every table."""

from hotline.models.answers import Feedback, Notice, Response, StatusLookup
from hotline.models.audit import AuditEvent
from hotline.models.calls import Call, CallOutcome, Complaint, ComplaintStatus, Recording, RecordingStatus
from hotline.models.common import utcnow
from hotline.models.providers import Provider, ProviderArea, ProviderSector
from hotline.models.radio import AnswerAirs, BuildStatus, Episode, EpisodeSegment, EpisodeStatus, VoiceTreatment
from hotline.models.review import Note, StatusChange
from hotline.models.transcripts import Tag, Transcript, TranscriptSource
from hotline.models.users import ApiToken, Role, User, WebSession

__all__ = [
    "AnswerAirs",
    "ApiToken",
    "AuditEvent",
    "BuildStatus",
    "Call",
    "CallOutcome",
    "Complaint",
    "ComplaintStatus",
    "Episode",
    "EpisodeSegment",
    "EpisodeStatus",
    "Feedback",
    "Note",
    "Notice",
    "Provider",
    "ProviderArea",
    "ProviderSector",
    "Recording",
    "RecordingStatus",
    "Response",
    "Role",
    "StatusChange",
    "StatusLookup",
    "Tag",
    "Transcript",
    "TranscriptSource",
    "User",
    "VoiceTreatment",
    "WebSession",
    "utcnow",
]
