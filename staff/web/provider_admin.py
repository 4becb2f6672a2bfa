"""The admins' provider directory page: list, add, edit, deactivate (and reactivate) service providers.

Each change is one call into hotline.providers, which checks every field against the deployment and the
gazetteer and audits it in the same commit. A refused form is shown again with what the admin typed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from starlette.responses import Response

from hotline.audit import Actor
from hotline.provider_fields import ProviderFields
from hotline.providers import ProviderView, create_provider, find_provider, list_providers, update_provider
from hotline.review_errors import ReviewRefused
from staff.params import MAX_ID
from staff.web.page import PageError, PageRequest


@dataclass(frozen=True)
class ProviderForm:
    """What the add/edit form shows: the fields, and soum codes as one line of text."""

    fields: ProviderFields
    soums: str = ""
    provider_id: int | None = None


def providers_page(page: PageRequest, *, status_code: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"error": "", "notice": "", "form": _blank_form()} | context
    return _render(page, "admin_providers.html", status_code, providers=list_providers(page.session), **values)


def edit_page(page: PageRequest, *, status_code: int = 200, **context: Any) -> Response:
    current = _target(page)
    values: dict[str, Any] = {"error": "", "notice": "", "form": _form_of(page, current)} | context
    return _render(page, "admin_provider_edit.html", status_code, provider=current, **values)


def add_provider(page: PageRequest) -> Response:
    form = _submitted(page, _blank_form().fields)
    try:
        made = _write(page, form, provider_id=None)
    except ReviewRefused as exc:
        page.session.rollback()
        return providers_page(page, status_code=400, error=exc.message, form=form)
    page.session.commit()
    return providers_page(page, notice=page.gettext("Added %(name)s.", name=made.name(page.language)))


def save_provider(page: PageRequest) -> Response:
    current = _target(page)
    if page.field("action") in ("deactivate", "reactivate"):
        form = ProviderForm(fields=replace(current.fields(), active=page.field("action") == "reactivate"))
    else:
        form = _submitted(page, current.fields())
    form = replace(form, provider_id=current.id)
    try:
        saved = _write(page, form, provider_id=current.id)
    except ReviewRefused as exc:
        page.session.rollback()
        return edit_page(page, status_code=400, error=exc.message, form=form)
    page.session.commit()
    return providers_page(page, notice=page.gettext("Saved %(name)s.", name=saved.name(page.language)))


def form_date(page: PageRequest, name: str, *, message: str) -> date | None:
    """A date field (YYYY-MM-DD, as browsers' date inputs send it); empty is None, anything else a 400 page."""
    text = page.field(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PageError(400, message) from None


def _write(page: PageRequest, form: ProviderForm, *, provider_id: int | None) -> ProviderView:
    deployment, places, actor = page.settings.deployment, page.places, _actor(page)
    if provider_id is None:
        return create_provider(page.session, fields=form.fields, deployment=deployment, places=places, actor=actor)
    return update_provider(
        page.session, provider_id=provider_id, fields=form.fields, deployment=deployment, places=places, actor=actor
    )


def _render(page: PageRequest, template: str, status_code: int, **context: Any) -> Response:
    deployment = page.settings.deployment
    return page.render(
        template,
        status_code=status_code,
        languages_of_deployment=deployment.languages,
        sectors=deployment.sectors,
        areas=deployment.areas,
        **context,
    )


def _submitted(page: PageRequest, base: ProviderFields) -> ProviderForm:
    """The posted form over `base`; checking is the core's job, only the date's shape is checked here."""
    names = {language.code: page.field(f"name_{language.code}") for language in page.settings.deployment.languages}
    soums = page.field("soums")
    areas = [*page.form.getlist("areas"), *(code.strip() for code in soums.replace(",", " ").split())]
    signed_on = form_date(page, "agreement_signed_on", message=page.gettext("Give the agreement's date as YYYY-MM-DD."))
    fields = replace(
        base,
        names={code: name for code, name in names.items() if name},
        sectors=[str(s) for s in page.form.getlist("sectors")],
        areas=[str(a) for a in areas if a],
        email=page.field("email"),
        phone=page.field("phone"),
        agreement_signed=page.field("agreement_signed") == "yes" or signed_on is not None,
        agreement_signed_on=signed_on,
    )
    return ProviderForm(fields=fields, soums=soums)


def _blank_form() -> ProviderForm:
    return ProviderForm(fields=ProviderFields(names={}, sectors=[], areas=[], email=""))


def _form_of(page: PageRequest, provider: ProviderView) -> ProviderForm:
    """The provider's fields, with its soums (codes the deployment does not list as areas) as text."""
    deployment = page.settings.deployment
    soums = " ".join(code for code in provider.areas if deployment.area(code) is None)
    return ProviderForm(fields=provider.fields(), soums=soums, provider_id=provider.id)


def _target(page: PageRequest) -> ProviderView:
    provider_id = int(page.path_params["provider_id"])
    found = find_provider(page.session, provider_id=provider_id) if 0 < provider_id <= MAX_ID else None
    if found is None:
        raise PageError(404, page.gettext("There is no such provider."))
    return found


def _actor(page: PageRequest) -> Actor:
    return Actor.of(page.user, address=page.address)
