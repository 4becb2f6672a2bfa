"""Interface languages (English and Mongolian) through gettext catalogues managed with Babel.

`staff/locale/messages.pot` is extracted from the pages' Python and templates (see staff/locale/babel.cfg);
each language's `.po` holds the translations and `scripts/setup.sh` compiles it to `.mo`. Should a `.mo`
be missing or older than its `.po` (a fresh checkout, an edited translation), the `.po` is compiled in
memory instead, so a page never shows a stale or half-translated interface.

Templates get one Jinja2 environment per language (autoescape on, `{% trans %}` bound to that language),
built once: switching translations on a shared environment would race between request threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape

from hotline.models.common import ensure_aware

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
DOMAIN = "messages"
DEFAULT_LANGUAGE = "en"
# The interface languages, each named in itself: a user lost in the other language still finds their own.
LANGUAGES: Mapping[str, str] = {"en": "English", "mn": "Монгол"}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention Babel's extractor looks for
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


def supported(language: str | None) -> str | None:
    return language if language in LANGUAGES else None


def from_accept_language(header: str) -> str:
    """The first supported language in an Accept-Language header (by q-value), else the default."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, position, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> NullTranslations:
    """The catalogue for a language (English is the source language and needs none)."""
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return NullTranslations()
    return load_catalogue(LOCALE_DIR, language)


def load_catalogue(locale_dir: Path, language: str) -> NullTranslations:
    """The compiled .mo when it is at least as new as its .po, else the .po compiled in memory."""
    po = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if not po.exists():
        raise RuntimeError(f"the {language} interface catalogue is missing: {po}")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> Environment:
    """The template environment for one interface language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters["localtime"] = localtime
    return env


@pass_context
def localtime(context: Any, value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time in the deployment's time zone, which the template context names as `timezone`."""
    if value is None:
        return ""
    zone = ZoneInfo(context.get("timezone") or "UTC")
    aware = ensure_aware(value)
    assert aware is not None
    return aware.astimezone(zone).strftime(pattern)
