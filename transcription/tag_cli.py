"""`fixmyservice tag TEXT`: see the tags a transcript would get, to tune keywords and place variants."""

from __future__ import annotations

from typing import Any

from hotline.deployment import Deployment
from transcription.gazetteer import default_gazetteer
from transcription.tagging import tag_complaint


def tag_command(
    deployment: Deployment, *, text: str, language: str | None, sector: str | None, area: str | None
) -> list[dict[str, Any]]:
    """Tags for a text as JSON-ready dicts; no language means the deployment's first (keypad digit 1)."""
    tags = tag_complaint(
        text=text,
        language=language or deployment.languages[0].code,
        deployment=deployment,
        gazetteer=default_gazetteer(deployment),
        menu_sector=sector,
        menu_area=area,
    )
    return [tag.to_dict() for tag in tags]
