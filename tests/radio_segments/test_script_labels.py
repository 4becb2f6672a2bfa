"""The label tables: every language names every label and every complaint status, and each renders."""

from __future__ import annotations

import pytest

from hotline.models import ComplaintStatus
from radio_segments.script_labels import ENGLISH, LABELS, labels_for, status_label
from radio_segments.script_render import render_html, render_markdown
from tests.radio_segments.run_sheets import make_run_sheet


@pytest.mark.parametrize("language", sorted(LABELS))
def test_every_language_names_every_label(language: str) -> None:
    table = LABELS[language]

    assert set(table) == set(LABELS[ENGLISH])
    assert all(value.strip() for value in table.values())
    if language != ENGLISH:
        untranslated = {key for key, value in table.items() if value == LABELS[ENGLISH][key]}
        assert untranslated == set(), f"{language} keeps English for {sorted(untranslated)}"


@pytest.mark.parametrize("language", sorted(LABELS))
def test_every_complaint_status_has_a_name(language: str) -> None:
    labels = LABELS[language]
    for status in ComplaintStatus:
        assert status_label(labels, status.value) != status.value


@pytest.mark.parametrize("language", sorted(LABELS))
def test_a_sheet_renders_with_each_languages_labels(language: str) -> None:
    sheet = make_run_sheet("mn", count=3)
    labels = labels_for(language)

    html, markdown = render_html(sheet, lang=language), render_markdown(sheet, lang=language)

    for key in ("intro", "outro", "how_to_call", "no_answer", "voice_disguised", "voice_revoiced", "total"):
        assert labels[key] in html
        assert labels[key] in markdown
