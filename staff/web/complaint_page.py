"""The complaint page and the forms on it: listen, correct the transcript, tag, move along, note, reveal.

Each POST is one unit of work: the core function adds the change and its audit event to the request's
session, and this module commits once. A refused change (someone saved a newer version meanwhile, an
illegal move) re-renders the page with the reason and with what the user typed still in the form,
so nothing typed is lost.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import FileResponse, Response

from hotline.audio_store import AudioStore
from hotline.audit import Actor
from hotline.caller_reveal import reveal_number
from hotline.complaint_audio import stored_audio
from hotline.complaint_notes import add_note
from hotline.complaint_queries import find_complaint
from hotline.complaint_tags import decide_tag, set_tag
from hotline.feedback import feedback_of_complaint
from hotline.lifecycle import change_status
from hotline.manual_queue import next_waiting
from hotline.models import Complaint
from hotline.models.common import saved_id
from hotline.privacy import protector_for
from hotline.provider_scope import readable_responses
from hotline.review_errors import Invalid, ReviewRefused, http_status
from hotline.transcript_versions import confirm, save_version
from staff.web.complaint_view import build_view, load_complaint
from staff.web.labels import LABELS
from staff.web.page import PageError, PageRequest
from staff.web.routing_page import routing_panel


def complaint_page(page: PageRequest) -> Response:
    complaint = load_complaint(page)
    return _render(page, complaint, message=_message(page))


def save_transcript(page: PageRequest) -> Response:
    """Save the editor's text as a new version, or confirm the current one; "save and next" moves on."""
    complaint = load_complaint(page)
    action = page.field("action") or "save"
    text = page.field("text", strip=False)
    try:
        based_on = int(page.field("based_on_version") or "-1")
        if action == "confirm":
            confirm(page.session, complaint=complaint, based_on_version=based_on, actor=_actor(page))
        else:
            save_version(page.session, complaint=complaint, text=text, based_on_version=based_on, actor=_actor(page))
    except ValueError as exc:
        return refused(page, complaint, Invalid(str(exc)), draft_text=text)
    except ReviewRefused as exc:
        return refused(page, complaint, exc, draft_text=text)
    page.session.commit()
    if action == "save_next":
        following = next_waiting(page.session, after_reference=complaint.reference)
        if following is not None:
            return page.redirect(f"/complaints/{quote(following)}?mode=manual&done=saved")
        return page.redirect("/complaints?status=needs_manual_transcription&done=queue_empty")
    return page.redirect(f"/complaints/{quote(complaint.reference)}?done=saved")


def change_complaint_status(page: PageRequest) -> Response:
    complaint = load_complaint(page)
    original = None
    duplicate_of = page.field("duplicate_of")
    if duplicate_of:
        original = find_complaint(page.session, reference=duplicate_of)
        if original is None:
            message = page.gettext("No complaint has the reference %(reference)s.", reference=duplicate_of)
            return refused(page, complaint, Invalid(message))
    try:
        change_status(
            page.session,
            complaint=complaint,
            to=page.field("status"),
            actor=_actor(page),
            reason=page.field("reason"),
            duplicate_of=original,
        )
    except ReviewRefused as exc:
        return refused(page, complaint, exc)
    page.session.commit()
    return page.redirect(f"/complaints/{quote(complaint.reference)}?done=status")


def change_tags(page: PageRequest) -> Response:
    """Accept or reject a suggested tag, or set the sector, area or soum (an empty code clears a soum)."""
    complaint = load_complaint(page)
    try:
        decision = page.field("decision")
        if decision:
            decide_tag(page.session, complaint=complaint, tag_id=_tag_id(page), decision=decision, actor=_actor(page))
        else:
            set_tag(
                page.session,
                complaint=complaint,
                kind=page.field("kind"),
                code=page.field("code") or None,
                actor=_actor(page),
                deployment=page.settings.deployment,
                places=page.places,
            )
    except ReviewRefused as exc:
        return refused(page, complaint, exc)
    page.session.commit()
    return page.redirect(f"/complaints/{quote(complaint.reference)}?done=tags")


def add_complaint_note(page: PageRequest) -> Response:
    complaint = load_complaint(page)
    try:
        add_note(page.session, complaint=complaint, text=page.field("text"), actor=_actor(page))
    except ReviewRefused as exc:
        return refused(page, complaint, exc)
    page.session.commit()
    return page.redirect(f"/complaints/{quote(complaint.reference)}?done=note#notes")


def reveal_caller(page: PageRequest) -> Response:
    """Show an admin the caller's number once, on this response only; the reveal is audited."""
    complaint = load_complaint(page)
    protector = protector_for(page.settings.SECRET_KEY.get_secret_value())
    try:
        number = reveal_number(
            page.session, complaint=complaint, user=page.user, actor=_actor(page), protector=protector
        )
    except ReviewRefused as exc:
        return refused(page, complaint, exc)
    page.session.commit()
    return _render(page, complaint, revealed_number=number)


def complaint_audio(page: PageRequest) -> Response:
    """The caller's recording for the page's player, with HTTP Range (206) so it can seek."""
    complaint = load_complaint(page)
    stored = stored_audio(page.session, complaint=complaint)
    if stored is None:
        raise PageError(404, page.gettext("This complaint has no stored recording yet."))
    path = AudioStore(page.settings.audio_dir).existing(stored.storage_key)
    if path is None:
        raise PageError(404, page.gettext("The recording is missing from the audio store."))
    return FileResponse(path, media_type=stored.media_type, headers={"Cache-Control": "private, no-store"})


def _render(
    page: PageRequest,
    complaint: Complaint,
    *,
    status_code: int = 200,
    answer_draft: str | None = None,
    **overrides: object,
) -> Response:
    view = build_view(page, complaint, places=page.places, **overrides)
    return page.render(
        "complaint.html",
        status_code=status_code,
        view=view,
        detail=view.detail,
        labels=LABELS,
        place_query=page.query.get("place_q", ""),
        responses=readable_responses(page.session, user=page.user, complaint=complaint),
        feedback=feedback_of_complaint(page.session.connection(), complaint_id=saved_id(complaint)),
        routing=routing_panel(page, complaint) if view.can_edit else None,
        draft=answer_draft,
    )


def refused(
    page: PageRequest,
    complaint: Complaint,
    exc: ReviewRefused,
    *,
    draft_text: str | None = None,
    answer_draft: str | None = None,
) -> Response:
    """The complaint page again, with why the act was refused and what the user typed, so nothing is lost
    (the transcript draft, or the answer written on the provider's behalf)."""
    page.session.rollback()
    drafts = {"draft_text": draft_text, "answer_draft": answer_draft}
    return _render(page, complaint, status_code=http_status(exc), error=exc.message, **drafts)


def _message(page: PageRequest) -> str:
    done = page.query.get("done", "")
    messages = {
        "saved": page.gettext("Transcript saved."),
        "status": page.gettext("Status changed."),
        "tags": page.gettext("Tags updated."),
        "note": page.gettext("Note added."),
    }
    return messages.get(done, "")


def _tag_id(page: PageRequest) -> int:
    value = page.field("tag_id")
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise Invalid(page.gettext("Choose a tag."))
    return int(value)


def _actor(page: PageRequest) -> Actor:
    return Actor.of(page.user, address=page.address)
