"""Deployment content: languages, prompts, sectors, areas, stations (hotline.stations) — data, not code.

A new country is a new TOML file. The schema is validated once at start-up so a typo in a
deployment file stops the service with a clear message instead of confusing a caller later.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from hotline.stations import JINGLE_KINDS, Station, StrictModel

DEPLOYMENTS_DIR = Path(__file__).resolve().parent / "deployments"
DEFAULT_DEPLOYMENT = DEPLOYMENTS_DIR / "mongolia.toml"

# Every prompt a call can play. A language must give text for each (for <Say> and for the
# staff view); an audio file for <Play> is optional and wins when present.
PROMPT_IDS = (
    "welcome",
    "language_option",
    "main_menu",
    "sector_intro",
    "sector_option",
    "area_prompt",
    "consent_prompt",
    "record_prompt",
    "reference_intro",
    "goodbye",
    "invalid_choice",
    "too_many_attempts",
    "no_recording",
    "status_prompt",
    "status_not_found",
    "status_result",
    "status_aired",  # after the status, for a complaint discussed on the radio: {date} in the caller's language
    # The status line's answer (ivr.status_line): the provider's response, a replay / feedback menu, the limit.
    "answer_intro",
    "answer_text_intro",
    "answer_menu",
    "feedback_prompt",
    "feedback_thanks",
    "lookups_exhausted",
)


class Language(StrictModel):
    """One language of the hotline; its position in the file is its keypad digit."""

    code: str
    name: str
    say_language: str | None = Field(default=None, description="Twilio <Say> language, e.g. en-US")
    say_voice: str | None = None
    vosk_model: str | None = Field(default=None, description="Model directory or 'package:NAME'")
    prompts: dict[str, str]
    audio: dict[str, str] = Field(default_factory=dict, description="prompt id -> file under the deployment dir")
    status_names: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Language:
        missing = [p for p in PROMPT_IDS if p not in self.prompts]
        if missing:
            raise ValueError(f"language {self.code!r} lacks prompts: {', '.join(missing)}")
        unknown = [p for p in self.audio if p not in PROMPT_IDS and not p.startswith(("sector_", "digit_", "status_"))]
        if unknown:
            raise ValueError(f"language {self.code!r} has audio for unknown prompts: {', '.join(unknown)}")
        return self


class Sector(StrictModel):
    """A service sector a caller can pick; keywords feed transcript tagging."""

    code: str
    digit: str
    names: dict[str, str]
    keywords: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("digit")
    @classmethod
    def _one_digit(cls, v: str) -> str:
        if len(v) != 1 or not v.isdigit():
            raise ValueError(f"sector digit must be one keypad digit, got {v!r}")
        return v


class Area(StrictModel):
    """A top-level area (aimag, province) with its official code, typed on the keypad."""

    code: str
    names: dict[str, str]
    variants: list[str] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _digits(cls, v: str) -> str:
        if not v.isdigit():
            raise ValueError(f"area code must be digits, got {v!r}")
        return v


class CalledNumber(StrictModel):
    """A local number (e.g. one per partner radio station) that presets the caller's area."""

    number: str
    area: str
    station: str = ""


class RecordingLimits(StrictModel):
    max_length_seconds: int = Field(default=180, ge=5, le=3600)
    silence_timeout_seconds: int = Field(default=6, ge=1, le=30)
    max_file_bytes: int = Field(default=50_000_000, ge=1000)
    max_attempts_per_menu: int = Field(default=3, ge=1, le=9)


class Deployment(StrictModel):
    """A whole deployment file."""

    name: str
    country: str
    timezone: str = "UTC"
    languages: list[Language]
    sectors: list[Sector]
    areas: list[Area]
    called_numbers: list[CalledNumber] = Field(default_factory=list)
    hotline_number: str = ""  # what the radio show announces for callers to dial
    stations: list[Station] = Field(default_factory=list)
    recording: RecordingLimits = Field(default_factory=RecordingLimits)
    base_dir: Path = Path(".")

    @model_validator(mode="after")
    def _consistent(self) -> Deployment:
        if not self.languages:
            raise ValueError("a deployment needs at least one language")
        if len(self.languages) > 9:
            raise ValueError("at most 9 languages fit on a keypad menu")
        _unique("language code", [lang.code for lang in self.languages])
        _unique("sector digit", [s.digit for s in self.sectors])
        _unique("sector code", [s.code for s in self.sectors])
        _unique("area code", [a.code for a in self.areas])
        codes = {a.code for a in self.areas}
        for n in self.called_numbers:
            if n.area not in codes:
                raise ValueError(f"called number {n.number} presets unknown area {n.area}")
        lang_codes = {lang.code for lang in self.languages}
        for s in self.sectors:
            if missing := lang_codes - s.names.keys():
                raise ValueError(f"sector {s.code!r} has no name in {sorted(missing)}")
        self._check_stations(codes, lang_codes)
        return self

    def _check_stations(self, area_codes: set[str], lang_codes: set[str]) -> None:
        _unique("station code", [st.code for st in self.stations])
        for st in self.stations:
            if st.language not in lang_codes:
                raise ValueError(f"station {st.code!r} airs in {st.language!r}, not a language of this deployment")
            _unique(f"area of station {st.code!r}", st.areas)
            if unknown := [a for a in st.areas if a not in area_codes]:
                raise ValueError(f"station {st.code!r} serves unknown areas {unknown}")

    # Look-ups used by the call flow and the taggers.
    def language(self, code: str | None) -> Language:
        for lang in self.languages:
            if lang.code == code:
                return lang
        return self.languages[0]

    def language_by_digit(self, digit: str) -> Language | None:
        # One ASCII key: int() would accept "²" or a 4,000-digit string and crash or mislead.
        if len(digit) == 1 and digit in "123456789" and int(digit) <= len(self.languages):
            return self.languages[int(digit) - 1]
        return None

    def sector_by_digit(self, digit: str) -> Sector | None:
        return next((s for s in self.sectors if s.digit == digit), None)

    def sector(self, code: str | None) -> Sector | None:
        return next((s for s in self.sectors if s.code == code), None)

    def area(self, code: str | None) -> Area | None:
        return next((a for a in self.areas if a.code == code), None)

    def station(self, code: str | None) -> Station | None:
        return next((st for st in self.stations if st.code == code), None)

    def announced_number(self, station: Station) -> str:
        """The hotline number a station's show tells listeners to call."""
        return station.hotline_number or self.hotline_number

    def jingle_path(self, station: Station, kind: str) -> Path | None:
        """A station's jingle file if the deployment ships it (kinds: intro, outro, between)."""
        return self._shipped_file(getattr(station.jingles, kind) if kind in JINGLE_KINDS else None)

    def preset_area(self, called: str | None) -> Area | None:
        if not called:
            return None
        wanted = _digits_only(called)
        for n in self.called_numbers:
            if _digits_only(n.number) == wanted:
                return self.area(n.area)
        return None

    def audio_path(self, language: Language, prompt_id: str) -> Path | None:
        """The pre-recorded file for a prompt, if the deployment ships one that exists."""
        return self._shipped_file(language.audio.get(prompt_id))

    def _shipped_file(self, rel: str | None) -> Path | None:
        """A file named relative to the deployment directory, if it exists there (never outside it)."""
        if not rel:
            return None
        path = (self.base_dir / rel).resolve()
        return path if path.is_file() and path.is_relative_to(self.base_dir.resolve()) else None


def _digits_only(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"duplicate {what}: {v!r}")
        seen.add(v)


def load_deployment(path: Path | str) -> Deployment:
    """Read and validate a deployment TOML file; relative audio paths resolve next to it."""
    path = Path(path)
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    data.setdefault("base_dir", str(path.resolve().parent))
    return Deployment.model_validate(data)
