"""Render a RunSheet as HTML (the screen), Markdown, or PDF (paper, via weasyprint).

Labels are in the station's language unless `lang` asks for another (English is always available). HTML is
autoescaped; Markdown runs every value through markdown_text.escape_markdown. The PDF is the HTML with the
print stylesheet, laid out by weasyprint: slow enough (tens of milliseconds per page) that it belongs in
the package job on the queue, never in a web request. Given the same sheet and `created_at`, it is the
same bytes (the dates in its metadata are the ones passed in, never "now").
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from radio_segments.markdown_text import escape_markdown
from radio_segments.run_sheet import RunSheet
from radio_segments.script_view import SheetView, sheet_view

_CSS_UNSAFE = re.compile(r'[\\"\n\r\f]')


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, for the page footer's words (a quote or backslash cannot end it early)."""
    return Markup('"{}"'.format(_CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", text)))


def _stylesheet(name: str) -> str:
    return files("radio_segments").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def _html_environment() -> Environment:
    env = Environment(
        loader=PackageLoader("radio_segments", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = css_string
    return env


@functools.cache
def _markdown_environment() -> Environment:
    return Environment(
        loader=PackageLoader("radio_segments", "templates"),
        autoescape=False,
        finalize=escape_markdown,  # every {{ }} value, so a template cannot forget one
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _html(view: SheetView, *, print_css: bool, created_at: datetime | None) -> str:
    css = _stylesheet("run_sheet.css") + (_stylesheet("run_sheet_print.css") if print_css else "")
    stamp = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if created_at else None
    template = _html_environment().get_template("run_sheet.html")
    return template.render(v=view, L=view.labels, css=Markup(css), print=print_css, created_at=stamp)


def render_html(sheet: RunSheet, *, lang: str | None = None) -> str:
    """A self-contained page (styles inline) for the screen and for the package zip."""
    return _html(sheet_view(sheet, lang=lang), print_css=False, created_at=None)


def render_markdown(sheet: RunSheet, *, lang: str | None = None) -> str:
    view = sheet_view(sheet, lang=lang)
    return _markdown_environment().get_template("run_sheet.md").render(v=view, L=view.labels)


def render_pdf(sheet: RunSheet, *, created_at: datetime, lang: str | None = None) -> bytes:
    """A4 PDF with page numbers and the running time in the footer; `created_at` (aware) dates its metadata."""
    if created_at.tzinfo is None:
        raise ValueError("created_at must be timezone-aware, so the PDF's date is the same wherever it is built")
    # Imported here: weasyprint loads Pango and fontconfig, which only the package job needs.
    from weasyprint import HTML

    html = _html(sheet_view(sheet, lang=lang), print_css=True, created_at=created_at)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
