"""Fields of the JSON bodies the staff API's writes take, checked before any reaches the core.

Each write names its fields; an unknown one (a typo such as "based_on") is a 400 rather than silently
ignored, and a field of the wrong JSON type says which type it wanted.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from staff.api_output import ApiError
from staff.params import MAX_ID


def json_object(body: Any, *, allowed: Collection[str]) -> dict[str, Any]:
    """The body as a JSON object with only known fields: a typo'd field is a 400, not silently ignored."""
    if not isinstance(body, dict):
        raise ApiError(400, f"the body must be a JSON object with fields {', '.join(sorted(allowed))}")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(400, f"unknown field {', '.join(unknown)}; expected {', '.join(sorted(allowed))}")
    return body


def string_field(body: dict[str, Any], name: str, *, required: bool = True, default: str = "") -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"{name} is required (a string)")
        return default
    if not isinstance(value, str):
        raise ApiError(400, f"{name} must be a string, got {type(value).__name__}")
    return value


def optional_string(body: dict[str, Any], name: str) -> str | None:
    return string_field(body, name, required=False) if body.get(name) is not None else None


def int_field(body: dict[str, Any], name: str, *, minimum: int = 0, maximum: int = MAX_ID) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):  # JSON true is a Python int; refuse it
        raise ApiError(400, f"{name} is required and must be a whole number")
    if not minimum <= value <= maximum:
        raise ApiError(400, f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def bool_field(body: dict[str, Any], name: str) -> bool:
    value = body.get(name, False)
    if not isinstance(value, bool):
        raise ApiError(400, f"{name} must be true or false")
    return value
