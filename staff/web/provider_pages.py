"""Pages for answers: a provider's own list and complaint with the answer form, and staff's answer-on-behalf
and close forms (the complaint page shows them through templates/_responses_panel.html).

What a provider's login sees comes from hotline.provider_scope only; a complaint of another provider is a
404 page, the same as one that does not exist. Each POST is one unit of work, committed here once the core
has added the answer (or the closure) and its audit events; a refusal rolls back and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.responses import FileResponse, Response

from hotline.audio_store import AudioStore
from hotline.audit import Actor
from hotline.complaint_audio import StoredAudio
from hotline.complaint_queries import find_complaint
from hotline.models import Complaint, User
from hotline.models.users import Role
from hotline.provider_scope import caller_audio, case_detail, find_case, list_cases, readable_answer_audio
from hotline.responses import CLOSURES, close_complaint, save_response
from hotline.review_errors import ReviewRefused, http_status
from staff.api_output import ApiError
from staff.params import decode_cursor, encode_cursor, parse_reference
from staff.uploads import answer_audio_of, uploaded_file
from staff.web.complaint_page import refused
from staff.web.i18n import N_
from staff.web.labels import STATUS_LABELS
from staff.web.page import PageError, PageRequest

PROVIDER_HOME = "/provider/complaints"
CLOSURE_LABELS = {
    "fixed": N_("Fixed"),
    "not_fixed": N_("Not fixed"),
    "not_responsible": N_("Not the provider's responsibility"),
}


def start_page(user: User) -> str | None:
    """Where `/` should send this user instead of the staff inbox: a provider's login goes to its own list."""
    return PROVIDER_HOME if user.role == Role.PROVIDER else None


def provider_inbox(page: PageRequest) -> Response:
    """The provider's complaints, newest first, overdue ones marked, with their deadlines."""
    cursor = page.query.get("cursor")
    try:
        after = decode_cursor(cursor) if cursor else None
    except ApiError:
        raise PageError(400, page.gettext("This page link is not valid.")) from None
    cases, next_cursor = list_cases(page.session, user=page.user, limit=50, after=after)
    next_url = f"{PROVIDER_HOME}?cursor={encode_cursor(next_cursor)}" if next_cursor else None
    names = _names(page, soums=[case.soum for case in cases])
    return page.render("provider_inbox.html", cases=cases, next_url=next_url, **names)


def provider_complaint(page: PageRequest, *, status_code: int = 200, error: str = "", draft: str = "") -> Response:
    """One of the provider's complaints: the current transcript, where and by when, the answers, the form."""
    detail = case_detail(
        page.session, user=page.user, reference=_reference(page), hear_audio=page.settings.PROVIDERS_HEAR_AUDIO
    )
    if detail is None:
        raise PageError(404, page.gettext("No complaint with this reference."))
    message = page.gettext("Your answer was saved.") if page.query.get("done") == "answered" else ""
    return page.render(
        "provider_complaint.html",
        status_code=status_code,
        detail=detail,
        case=detail.case,
        message=message,
        error=error,
        draft=draft,
        **_names(page, soums=[detail.case.soum]),
    )


def provider_caller_audio(page: PageRequest) -> Response:
    """The caller's recording, where the deployment lets providers hear it."""
    stored = caller_audio(
        page.session, user=page.user, reference=_reference(page), hear_audio=page.settings.PROVIDERS_HEAR_AUDIO
    )
    return _file(page, stored)


def response_audio(page: PageRequest) -> Response:
    """One version's recorded answer, with Range, for staff and the routed provider's logins."""
    complaint = _complaint_to_answer(page)
    return _file(
        page,
        readable_answer_audio(
            page.session, user=page.user, complaint=complaint, version=int(page.path_params["version"])
        ),
    )


def answer(page: PageRequest) -> Response:
    """The answer form (text and/or a recording): a provider's on its own complaint page, staff's on the
    complaint page on the provider's behalf. A provider's refused answer comes back with what it typed."""
    complaint = _complaint_to_answer(page)
    provider = page.user.role == Role.PROVIDER
    try:
        _save_answer(page, complaint)
    except ReviewRefused as exc:
        if not provider:
            return refused(page, complaint, exc, answer_draft=page.field("text"))
        page.session.rollback()
        return provider_complaint(page, status_code=http_status(exc), error=exc.message, draft=page.field("text"))
    page.session.commit()
    home = f"{PROVIDER_HOME}/" if provider else "/complaints/"
    return page.redirect(f"{home}{complaint.reference}?done=answered")


def close_complaint_form(page: PageRequest) -> Response:
    """Staff close the case with how it ended."""
    complaint = _complaint_to_answer(page)
    closure = page.field("closure")
    if closure not in CLOSURES:
        raise PageError(400, page.gettext("Choose how the complaint ended."))
    try:
        close_complaint(
            page.session, complaint=complaint, closure=closure, actor=_actor(page), reason=page.field("reason")
        )
    except ReviewRefused as exc:
        return refused(page, complaint, exc)
    page.session.commit()
    return page.redirect(f"/complaints/{complaint.reference}?done=status")


def _save_answer(page: PageRequest, complaint: Complaint) -> None:
    upload = uploaded_file(page.form, "audio")
    save_response(
        page.session,
        complaint=complaint,
        user=page.user,
        actor=_actor(page),
        text=page.field("text"),
        audio=answer_audio_of(upload) if upload is not None else None,
        store=AudioStore(page.settings.audio_dir),
    )


def _complaint_to_answer(page: PageRequest) -> Complaint:
    reference = _reference(page)
    if page.user.role == Role.PROVIDER:
        complaint = find_case(page.session, user=page.user, reference=reference)
    else:
        complaint = find_complaint(page.session, reference=reference)
    if complaint is None:
        raise PageError(404, page.gettext("No complaint with this reference."))
    return complaint


def _file(page: PageRequest, stored: StoredAudio | None) -> Response:
    path = AudioStore(page.settings.audio_dir).existing(stored.storage_key if stored is not None else None)
    if path is None or stored is None:
        raise PageError(404, page.gettext("There is no recording to play."))
    return FileResponse(path, media_type=stored.media_type, headers={"Cache-Control": "private, no-store"})


def _reference(page: PageRequest) -> str:
    try:
        return parse_reference(str(page.path_params["reference"]))
    except ApiError:
        raise PageError(404, page.gettext("No complaint with this reference.")) from None


def _names(page: PageRequest, *, soums: Iterable[str | None]) -> dict[str, Any]:
    """Sector, area and soum names in the interface language, for the lists and facts."""
    deployment = page.settings.deployment
    places = [page.places.place(code) for code in set(soums) if code]
    return {
        "statuses": STATUS_LABELS,
        "closures": CLOSURE_LABELS,
        "soum_names": {place.code: place.label(page.language) for place in places if place is not None},
        "sector_names": {s.code: s.names.get(page.language) or s.names.get("en") or s.code for s in deployment.sectors},
        "area_names": {a.code: a.names.get(page.language) or a.names.get("en") or a.code for a in deployment.areas},
    }


def _actor(page: PageRequest) -> Actor:
    return Actor.of(page.user, address=page.address)
