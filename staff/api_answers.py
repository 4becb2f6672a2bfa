"""JSON API for answers: a provider (or staff on its behalf) answers with text and/or audio, staff close the
case, and a provider's login reads its own complaints.

Which complaint a user may touch is decided in the core: hotline.provider_scope for provider logins (only
complaints routed to their organisation; any other reads as 404, exactly like one that does not exist),
the ordinary queries for staff and admins. An uploaded recording is normalised (staff.uploads) before the
core stores it with the new version.
"""

from __future__ import annotations

from typing import Any

from hotline.audio_store import AudioStore
from hotline.complaint_queries import as_utc, find_complaint
from hotline.models import Complaint
from hotline.models.users import Role
from hotline.provider_scope import (
    ProviderCase,
    caller_audio,
    case_detail,
    find_case,
    list_cases,
    readable_answer_audio,
    readable_responses,
)
from hotline.responses import ResponseVersion, close_complaint, save_response
from staff.api_output import ApiError
from staff.endpoint import ApiRequest, FileReply, Reply
from staff.json_body import json_object, string_field
from staff.params import MAX_ID, decode_cursor, encode_cursor, parse_limit, parse_reference
from staff.uploads import answer_audio_of, text_field, uploaded_file


def complaint_to_answer(api: ApiRequest) -> Complaint:
    """The complaint in the path if this user may answer it or read its answers; 404 otherwise."""
    reference = parse_reference(api.path_params["reference"])
    if api.user.role == Role.PROVIDER:
        complaint = find_case(api.session, user=api.user, reference=reference)
    else:
        complaint = find_complaint(api.session, reference=reference)
    if complaint is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return complaint


def post_response(api: ApiRequest) -> Reply:
    """Save the next version of the answer: JSON {"text"} or multipart with `text` and/or an `audio` file."""
    complaint = complaint_to_answer(api)
    audio = None
    if api.form is not None:
        text = text_field(api.form, "text")
        upload = uploaded_file(api.form, "audio")
        audio = answer_audio_of(upload) if upload is not None else None
    else:
        text = string_field(json_object(api.body, allowed={"text"}), "text")
    saved = save_response(
        api.session,
        complaint=complaint,
        user=api.user,
        actor=api.actor,
        text=text,
        audio=audio,
        store=AudioStore(api.settings.audio_dir),
    )
    versions = readable_responses(api.session, user=api.user, complaint=complaint)
    newest = next(v for v in versions if v.version == saved.version)
    return Reply({"reference": complaint.reference, "status": complaint.status, **_version(newest)}, 201)


def responses(api: ApiRequest) -> dict[str, Any]:
    """Every version of the complaint's answer, newest first."""
    complaint = complaint_to_answer(api)
    versions = readable_responses(api.session, user=api.user, complaint=complaint)
    return {"reference": complaint.reference, "items": [_version(v) for v in versions]}


def response_audio_file(api: ApiRequest) -> FileReply:
    """The normalised WAV of one version of the answer (with Range), for staff and the routed provider."""
    complaint = complaint_to_answer(api)
    version = _version_number(api.path_params["version"])
    stored = readable_answer_audio(api.session, user=api.user, complaint=complaint, version=version)
    path = AudioStore(api.settings.audio_dir).existing(stored.storage_key if stored is not None else None)
    if stored is None or path is None:
        raise ApiError(404, f"version {version} of the answer to {complaint.reference} has no audio")
    return FileReply(path=path, media_type=stored.media_type)


def close(api: ApiRequest) -> dict[str, Any]:
    """Close the complaint saying how it ended: fixed, not_fixed or not_responsible."""
    body = json_object(api.body, allowed={"closure", "reason"})
    closure = string_field(body, "closure")
    reason = string_field(body, "reason", required=False)
    complaint = complaint_to_answer(api)
    close_complaint(api.session, complaint=complaint, closure=closure, actor=api.actor, reason=reason)
    return {"reference": complaint.reference, "status": complaint.status, "closure": complaint.closure}


def provider_complaints(api: ApiRequest) -> dict[str, Any]:
    """The complaints routed to the user's provider, newest first, one keyset page."""
    cursor = api.query.get("cursor")
    after = decode_cursor(cursor) if cursor else None
    cases, next_cursor = list_cases(api.session, user=api.user, limit=parse_limit(api.query.get("limit")), after=after)
    return {"items": [_case(c) for c in cases], "next_cursor": encode_cursor(next_cursor) if next_cursor else None}


def provider_complaint(api: ApiRequest) -> dict[str, Any]:
    """One complaint routed to the user's provider: what it says, where, by when, and the answers so far."""
    reference = parse_reference(api.path_params["reference"])
    detail = case_detail(api.session, user=api.user, reference=reference, hear_audio=api.settings.PROVIDERS_HEAR_AUDIO)
    if detail is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return {
        **_case(detail.case),
        "transcript": {"text": detail.transcript_text, "version": detail.transcript_version},
        "reviewed": detail.reviewed,
        "audio_available": detail.audio_available,
        "responses": [_version(v) for v in detail.responses],
    }


def provider_caller_audio(api: ApiRequest) -> FileReply:
    """The caller's recording, where the deployment lets providers hear it (PROVIDERS_HEAR_AUDIO)."""
    reference = parse_reference(api.path_params["reference"])
    stored = caller_audio(api.session, user=api.user, reference=reference, hear_audio=api.settings.PROVIDERS_HEAR_AUDIO)
    path = AudioStore(api.settings.audio_dir).existing(stored.storage_key if stored is not None else None)
    if stored is None or path is None:
        raise ApiError(404, f"no recording of complaint {reference} to play")
    return FileReply(path=path, media_type=stored.media_type)


def _version(shown: ResponseVersion) -> dict[str, Any]:
    return {
        "version": shown.version,
        "text": shown.text,
        "audio": shown.has_audio,
        "audio_duration_seconds": shown.audio_duration_seconds,
        "on_behalf": shown.on_behalf,
        "author": shown.author,
        "created_at": shown.created_at,
    }


def _case(case: ProviderCase) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "language": case.language,
        "sector": case.sector,
        "area": case.area,
        "soum": case.soum,
        "created_at": as_utc(case.created_at),
        "routed_at": case.routed_at,
        "response_deadline_at": case.response_deadline_at,
        "answered_at": case.answered_at,
        "overdue": case.overdue,
        "closure": case.closure,
    }


def _version_number(value: Any) -> int:
    text = str(value)
    if not text.isascii() or not text.isdigit() or not 1 <= int(text[:12]) <= MAX_ID:
        raise ApiError(400, f"version must be a whole number from 1, got {text!r}")
    return int(text)
