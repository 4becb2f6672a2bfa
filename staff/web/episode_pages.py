"""The producer's episode pages: the list of episodes with a form to draft a week, and one episode to edit.

Drafting and editing are the core's (hotline.episodes, hotline.episode_edits, which also audit them); these
handlers read the form, call them in the request's unit of work and commit once. A refused save (someone
saved a newer version meanwhile, or a field that cannot be) re-renders the episode with the reason and with
everything the producer typed still in the form.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import Response

from hotline.audit import Actor
from hotline.episode_edits import edit_episode
from hotline.episode_queries import episodes as list_episodes
from hotline.episodes import draft_episode
from hotline.iso_weeks import parse_week, week_of
from hotline.models import Episode, utcnow
from hotline.review_errors import Conflict, Invalid, ReviewRefused, http_status
from staff.params import row_id
from staff.web import episode_build_pages as builds
from staff.web.episode_forms import read_form, typed_values
from staff.web.episode_view import VOICES, build_view, load_document
from staff.web.i18n import N_
from staff.web.page import PageError, PageRequest

EPISODE_STATUS_LABELS = {
    "draft": N_("Draft"),
    "building": N_("Building"),
    "built": N_("Built"),
    "published": N_("Published"),
}
BUILD_STATUS_LABELS = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
}


def episodes_page(page: PageRequest) -> Response:
    """Every station's episodes, newest week first, and the form that drafts one."""
    return _list(page)


def draft(page: PageRequest) -> Response:
    """Draft (or re-draft) a station's week and open it; a week or station that cannot be is said on the list."""
    deployment = page.settings.deployment
    station, week_text = page.field("station"), page.field("week")
    now = utcnow()
    try:
        week = parse_week(week_text) if week_text else week_of(now, deployment.timezone)
    except Invalid:
        message = page.gettext("Write an ISO week that exists, like 2026-W48.")
        return _list(page, error=message, status_code=400, week=week_text)
    try:
        drafted = draft_episode(
            page.session, deployment=deployment, station_code=station, week=week, now=now, actor=_actor(page)
        )
    except ReviewRefused as exc:
        page.session.rollback()
        return _list(page, error=exc.message, status_code=http_status(exc), week=week_text)
    page.session.commit()
    return page.redirect(f"/episodes/{drafted.episode_id}?done=drafted")


def episode_page(page: PageRequest) -> Response:
    episode = _episode(page)
    view = build_view(page, load_document(page, episode), message=_message(page))
    return _render(page, view, episode)


def build_episode(page: PageRequest) -> Response:
    return _act(page, builds.build)


def publish(page: PageRequest) -> Response:
    return _act(page, builds.publish)


def progress(page: PageRequest) -> Response:
    return builds.progress(_episode(page))


def package(page: PageRequest) -> Response:
    return builds.package(page, _episode(page))


def _act(page: PageRequest, act: Callable[[PageRequest, Episode], Response]) -> Response:
    """Run a build or publish button's act; a refusal shows the episode with the reason."""
    episode = _episode(page)
    try:
        return act(page, episode)
    except ReviewRefused as exc:
        page.session.rollback()
        page.session.refresh(episode)
        error = page.gettext("Nothing was done: %(reason)s", reason=exc.message)
        view = build_view(page, load_document(page, episode), error=error)
        return _render(page, view, episode, status_code=http_status(exc))


def _message(page: PageRequest) -> str:
    messages = {
        "saved": page.gettext("Episode saved."),
        "drafted": page.gettext("Episode drafted."),
        "build": page.gettext("The build is queued. This page shows its progress."),
        "build_not_queued": page.gettext(
            "The build is requested, but the queue could not take it now: press Build again in a minute."
        ),
        "published": page.gettext("Episode published. Its feed is being updated."),
        "delivery_not_queued": page.gettext(
            "Episode published, but its delivery could not be queued: press Publish again in a minute."
        ),
    }
    return messages.get(page.query.get("done", ""), "")


def save_episode(page: PageRequest) -> Response:
    """Apply the form (and the move its button asked for) with the version the page was rendered from."""
    episode = _episode(page)
    document = load_document(page, episode)
    form = read_form(page, document)
    typed = typed_values(page, [s["id"] for s in document["chosen"]])
    if form.errors:
        view = build_view(page, document, typed=typed, errors=form.errors, error=page.gettext("Nothing was saved."))
        return _render(page, view, episode, status_code=400)
    try:
        edit_episode(page.session, episode=episode, edit=form.edit, now=utcnow(), actor=_actor(page))
    except (Conflict, Invalid) as exc:
        page.session.rollback()
        newest = page.session.get(Episode, episode.id)
        assert newest is not None
        page.session.refresh(newest)
        view = build_view(page, load_document(page, newest), typed=typed, error=_refusal(page, exc, newest))
        return _render(page, view, newest, status_code=http_status(exc))
    page.session.commit()
    anchor = f"#segment-{form.moved}" if form.moved is not None else ""
    return page.redirect(f"/episodes/{episode.id}?done=saved{anchor}")


def _refusal(page: PageRequest, exc: ReviewRefused, newest: Episode) -> str:
    if isinstance(exc, Conflict) and newest.status == "draft":
        return page.gettext(
            "Someone saved this episode meanwhile (it is now version %(version)s). Below is the newest episode with"
            " what you typed still in the boxes: check it and save again.",
            version=newest.version,
        )
    return page.gettext("Nothing was saved: %(reason)s", reason=exc.message)


def _list(page: PageRequest, *, error: str = "", status_code: int = 200, week: str = "") -> Response:
    deployment = page.settings.deployment
    stations = {s.code: s.name for s in deployment.stations}
    return page.render(
        "episodes.html",
        status_code=status_code,
        episodes=list_episodes(page.session),
        stations=stations,
        statuses=EPISODE_STATUS_LABELS,
        this_week=week or str(week_of(utcnow(), deployment.timezone)),
        error=error,
    )


def _render(page: PageRequest, view: object, episode: Episode, *, status_code: int = 200) -> Response:
    return page.render(
        "episode.html",
        status_code=status_code,
        view=view,
        voices=VOICES,
        statuses=EPISODE_STATUS_LABELS,
        build_statuses=BUILD_STATUS_LABELS,
        build=builds.build_panel(page, episode),
    )


def _episode(page: PageRequest) -> Episode:
    episode_id = row_id(str(page.path_params["episode_id"]))
    found = page.session.get(Episode, episode_id) if episode_id is not None else None
    if found is None:
        raise PageError(404, page.gettext("No episode has this number."))
    return found


def _actor(page: PageRequest) -> Actor:
    return Actor.of(page.user, address=page.address)
