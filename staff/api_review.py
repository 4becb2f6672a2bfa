"""JSON API for reviewing one complaint: save transcript versions, move its status, tag it, add notes,
listen to it, and (admins) reveal the caller's number.

Handlers parse the body (staff.json_body) and call the core (hotline.*); the core checks the act, writes it
with its audit event, and refuses with a message (409 for a conflict with the complaint's state, 400 for
a bad request). staff.endpoint commits the unit of work after the handler returns.
"""

from __future__ import annotations

from typing import Any

from hotline.access import sees_only_consented
from hotline.audio_store import AudioStore
from hotline.caller_reveal import reveal_number
from hotline.complaint_audio import stored_audio
from hotline.complaint_notes import add_note
from hotline.complaint_queries import find_complaint
from hotline.complaint_tags import decide_tag, set_tag
from hotline.lifecycle import change_status, staff_moves
from hotline.models import Complaint
from hotline.privacy import protector_for
from hotline.related_complaints import same_caller, similar
from hotline.transcript_versions import confirm, save_version
from staff.api_output import ApiError
from staff.endpoint import ApiRequest, FileReply, Reply
from staff.json_body import bool_field, int_field, json_object, optional_string, string_field
from staff.params import parse_reference

TAG_ACTIONS = ("accept", "reject", "set", "clear")


def complaint_for(api: ApiRequest) -> Complaint:
    """The complaint in the path, as this user may see it (producers: consented ones only), or 404."""
    reference = parse_reference(api.path_params["reference"])
    complaint = find_complaint(api.session, reference=reference, consented_only=sees_only_consented(api.user.role))
    if complaint is None:
        raise ApiError(404, f"no complaint with reference {reference}")
    return complaint


def save_transcript(api: ApiRequest) -> Reply:
    """Save a new transcript version based on the newest one (or, with confirm, keep its words as staff's)."""
    body = json_object(api.body, allowed={"text", "based_on_version", "confirm"})
    based_on = int_field(body, "based_on_version")
    complaint = complaint_for(api)
    if bool_field(body, "confirm"):
        if "text" in body:
            raise ApiError(400, "confirm keeps the current words: send either text or confirm, not both")
        saved = confirm(api.session, complaint=complaint, based_on_version=based_on, actor=api.actor)
    else:
        text = string_field(body, "text")
        saved = save_version(api.session, complaint=complaint, text=text, based_on_version=based_on, actor=api.actor)
    return Reply(
        {
            "reference": complaint.reference,
            "version": saved.version,
            "source": saved.source,
            "text": saved.text,
            "author": api.user.email,
            "created_at": saved.created_at,
        },
        status_code=201,
    )


def move_status(api: ApiRequest) -> dict[str, Any]:
    """Move the complaint along its lifecycle, with a reason; a duplicate names its original's reference."""
    body = json_object(api.body, allowed={"status", "reason", "duplicate_of"})
    status = string_field(body, "status")
    reason = string_field(body, "reason", required=False)
    original_reference = optional_string(body, "duplicate_of")
    complaint = complaint_for(api)
    original = None
    if original_reference is not None:
        original = find_complaint(api.session, reference=parse_reference(original_reference))
        if original is None:
            raise ApiError(400, f"duplicate_of names no complaint: {original_reference}")
    change = change_status(
        api.session, complaint=complaint, to=status, actor=api.actor, reason=reason, duplicate_of=original
    )
    return {
        "reference": complaint.reference,
        "status": change.to_status,
        "previous_status": change.from_status,
        "reason": change.reason,
        "duplicate_of": original.reference if original is not None else None,
        "status_changed_at": change.created_at,
        "allowed_statuses": staff_moves(change.to_status),
    }


def change_tags(api: ApiRequest) -> dict[str, Any]:
    """Accept or reject a suggested tag (`tag_id`), or set or clear the sector, area or soum (`kind`, `code`)."""
    body = json_object(api.body, allowed={"action", "tag_id", "kind", "code"})
    action = string_field(body, "action")
    if action not in TAG_ACTIONS:
        raise ApiError(400, f"action must be one of {', '.join(TAG_ACTIONS)}, got {action!r}")
    complaint = complaint_for(api)
    if action in ("accept", "reject"):
        tag_id = int_field(body, "tag_id", minimum=1)
        decision = "accepted" if action == "accept" else "rejected"
        decide_tag(api.session, complaint=complaint, tag_id=tag_id, decision=decision, actor=api.actor)
    else:
        kind = string_field(body, "kind")
        code = string_field(body, "code") if action == "set" else None
        set_tag(
            api.session,
            complaint=complaint,
            kind=kind,
            code=code,
            actor=api.actor,
            deployment=api.settings.deployment,
            places=api.places,
        )
    api.session.flush()
    return {
        "reference": complaint.reference,
        "sector": complaint.sector,
        "area": complaint.area,
        "soum": complaint.soum,
    }


def post_note(api: ApiRequest) -> Reply:
    """Add an internal note (never aired, published or sent to a provider)."""
    body = json_object(api.body, allowed={"text"})
    complaint = complaint_for(api)
    note = add_note(api.session, complaint=complaint, text=string_field(body, "text"), actor=api.actor)
    return Reply(
        {"id": note.id, "author": api.user.email, "text": note.text, "created_at": note.created_at}, status_code=201
    )


def reveal(api: ApiRequest) -> dict[str, str]:
    """Admins only: the caller's number in clear; the reveal is written to the audit log (the number is not)."""
    json_object(api.body if api.body is not None else {}, allowed=())
    complaint = complaint_for(api)
    protector = protector_for(api.settings.SECRET_KEY.get_secret_value())
    number = reveal_number(api.session, complaint=complaint, user=api.user, actor=api.actor, protector=protector)
    return {"reference": complaint.reference, "number": number}


def audio(api: ApiRequest) -> FileReply:
    """The caller's recording, streamed with HTTP Range support (206 for a byte range)."""
    complaint = complaint_for(api)
    stored = stored_audio(api.session, complaint=complaint)
    if stored is None:
        raise ApiError(404, f"complaint {complaint.reference} has no stored recording yet")
    path = AudioStore(api.settings.audio_dir).existing(stored.storage_key)
    if path is None:
        raise ApiError(404, f"the recording of complaint {complaint.reference} is missing from the audio store")
    return FileReply(path=path, media_type=stored.media_type)


def related(api: ApiRequest) -> dict[str, Any]:
    """Other complaints from the same caller (by keyed hash) and in the same sector and area in the last 30 days."""
    complaint = complaint_for(api)
    consented_only = sees_only_consented(api.user.role)
    return {
        "same_caller": same_caller(api.session, complaint=complaint, consented_only=consented_only),
        "similar": similar(api.session, complaint=complaint, consented_only=consented_only),
    }
