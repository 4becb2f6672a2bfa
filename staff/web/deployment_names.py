"""The deployment's sectors and areas as (code, name) pairs in the interface language, for menus and tables."""

from __future__ import annotations

from hotline.deployment import Deployment


def sector_choices(deployment: Deployment, language: str) -> list[tuple[str, str]]:
    return [(s.code, s.names.get(language) or s.names.get("en") or s.code) for s in deployment.sectors]


def area_choices(deployment: Deployment, language: str) -> list[tuple[str, str]]:
    return [(a.code, a.names.get(language) or a.names.get("en") or a.code) for a in deployment.areas]
