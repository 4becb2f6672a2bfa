"""The shipped deployment files and the schema that guards them at start-up."""

from __future__ import annotations

import csv
import string
from pathlib import Path

import pytest
from pydantic import ValidationError

from hotline.deployment import DEFAULT_DEPLOYMENT, DEPLOYMENTS_DIR, PROMPT_IDS, Deployment, load_deployment
from hotline.models.calls import ComplaintStatus

ADMIN_UNITS_CSV = Path(__file__).resolve().parents[2] / "transcription" / "data" / "mongolia_admin_units.csv"
MONGOLIA, CAMBODIA = DEPLOYMENTS_DIR / "mongolia.toml", DEPLOYMENTS_DIR / "cambodia.toml"
SHIPPED = [pytest.param(MONGOLIA, id="mongolia"), pytest.param(CAMBODIA, id="cambodia")]

# The fields the call flow passes to str.format for each prompt: (allowed, required).
FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "language_option": ({"name", "digit"}, {"digit"}),
    "sector_option": ({"name", "digit"}, {"name", "digit"}),
    "status_result": ({"reference", "status"}, {"reference", "status"}),
    "status_aired": ({"date"}, {"date"}),
}
SAMPLE = {"name": "X", "digit": "1", "reference": "1, 2, 3", "status": "received", "date": "24 November 2026"}


def _fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def _minimal(*, skip_prompt: str = "", second_digit: str = "2", preset_area: str = "01", audio: str = "{}") -> str:
    """A small valid deployment; each keyword argument breaks one rule."""
    prompts = "\n".join(f'{p} = "text"' for p in PROMPT_IDS if p != skip_prompt)
    return f"""
name = "Test"
country = "XX"
[[languages]]
code = "en"
name = "English"
audio = {audio}
[languages.prompts]
{prompts}
[[sectors]]
code = "health"
digit = "1"
names = {{ en = "health" }}
[[sectors]]
code = "other"
digit = "{second_digit}"
names = {{ en = "other" }}
[[areas]]
code = "01"
names = {{ en = "Capital" }}
[[called_numbers]]
number = "+976 7000-1234"
area = "{preset_area}"
"""


def _write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "deployment.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", SHIPPED)
def test_shipped_file_loads(path: Path) -> None:
    """A schema error in a shipped file would stop the service at start-up."""
    deployment = load_deployment(path)
    assert deployment.base_dir == path.parent
    assert [lang.code for lang in deployment.languages][1:] == ["en"]
    assert deployment.language("en").say_language == "en-US"
    assert deployment.languages[0].say_language is None, "Twilio has no voice for the local language"


def test_mongolia_areas_match_national_codes() -> None:
    """Callers type the official aimag code; a wrong code or name files complaints under the wrong aimag."""
    assert DEFAULT_DEPLOYMENT == MONGOLIA, "settings fall back to the Mongolian file"
    with ADMIN_UNITS_CSV.open(encoding="utf-8", newline="") as fh:
        official = {r["code"]: r["name_mn"] for r in csv.DictReader(fh) if r["level"] in ("aimag", "capital")}
    areas = load_deployment(MONGOLIA).areas
    assert len(official) == 22
    assert {a.code: a.names["mn"] for a in areas} == official
    assert [a.code for a in areas] == sorted(official)
    assert all(a.names.get("en") and a.variants for a in areas)


def test_cambodia_has_25_provinces_coded_01_to_25() -> None:
    """Cambodian codes are zero-padded strings; "1#" is padded to "01" by the call flow."""
    areas = load_deployment(CAMBODIA).areas
    assert [a.code for a in areas] == [f"{i:02d}" for i in range(1, 26)]
    assert all(a.names.get("km") and a.names.get("en") for a in areas)
    assert next(a for a in areas if a.code == "12").names["en"] == "Phnom Penh"


@pytest.mark.parametrize("path", SHIPPED)
def test_prompts_format_with_the_fields_the_call_flow_passes(path: Path) -> None:
    """An unknown placeholder (or a stray brace) is a KeyError in the middle of a live call."""
    for language in load_deployment(path).languages:
        for prompt_id in PROMPT_IDS:
            template = language.prompts[prompt_id]
            allowed, required = FIELDS.get(prompt_id, (set(), set()))
            used = _fields(template)
            assert required <= used <= allowed, f"{language.code}.{prompt_id} uses {used}"
            assert template.format(**{k: SAMPLE[k] for k in allowed}).strip()


@pytest.mark.parametrize("path", SHIPPED)
def test_every_complaint_status_has_a_spoken_name(path: Path) -> None:
    """A status check must not read out a raw enum value such as needs_manual_transcription."""
    for language in load_deployment(path).languages:
        assert set(language.status_names) == {s.value for s in ComplaintStatus}, language.code


@pytest.mark.parametrize("path", SHIPPED)
def test_sectors_have_unique_digits_names_and_keywords(path: Path) -> None:
    """Each key picks one sector, and transcripts in every language can be tagged with it."""
    deployment = load_deployment(path)
    digits = [s.digit for s in deployment.sectors]
    assert len(set(digits)) == len(digits)
    for sector in deployment.sectors:
        for language in deployment.languages:
            words = sector.keywords.get(language.code, [])
            assert sector.code == "other" or 15 <= len(words) <= 40, (sector.code, language.code)
            assert len(set(words)) == len(words), f"duplicate keyword in {sector.code}/{language.code}"


def test_both_countries_share_sector_codes_and_digits() -> None:
    """Reports, routing and radio segments compare sectors across deployments by code."""
    mongolia, cambodia = load_deployment(MONGOLIA), load_deployment(CAMBODIA)
    assert [(s.code, s.digit) for s in mongolia.sectors] == [(s.code, s.digit) for s in cambodia.sectors]


@pytest.mark.parametrize("path", SHIPPED)
def test_area_spellings_point_to_one_area(path: Path) -> None:
    """A variant shared by two areas would make transcript tagging pick an area at random."""
    owner: dict[str, str] = {}
    for area in load_deployment(path).areas:
        for spelling in {s.casefold() for s in [*area.names.values(), *area.variants]}:
            assert owner.setdefault(spelling, area.code) == area.code, spelling


def test_minimal_file_is_valid(tmp_path: Path) -> None:
    """Control for the rejection tests: each one breaks exactly one rule of a valid file."""
    assert load_deployment(_write(tmp_path, _minimal())).area("01") is not None


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"skip_prompt": "goodbye"}, "lacks prompts: goodbye"),
        ({"second_digit": "1"}, "duplicate sector digit"),
        ({"preset_area": "99"}, "presets unknown area 99"),
        ({"audio": '{ not_a_prompt = "x.wav" }'}, "audio for unknown prompts"),
    ],
)
def test_validator_rejects_broken_files(tmp_path: Path, broken: dict[str, str], message: str) -> None:
    """Mistakes in a deployment file must stop start-up with a message naming the problem."""
    with pytest.raises(ValidationError, match=message):
        load_deployment(_write(tmp_path, _minimal(**broken)))


def test_shipped_file_accepts_appended_called_numbers(tmp_path: Path) -> None:
    """Admins (and the IVR tests) append [[called_numbers]] blocks to the shipped file."""
    extra = '\n[[called_numbers]]\nnumber = "+976 7000-1234"\narea = "84"\nstation = "Khovd radio"\n'
    deployment = load_deployment(_write(tmp_path, MONGOLIA.read_text(encoding="utf-8") + extra))
    khovd = deployment.preset_area("97670001234")
    assert khovd is not None and khovd.names["en"] == "Khovd"


@pytest.mark.parametrize("called", ["+97670001234", "97670001234", "+976 7000 1234", "(976) 7000-1234"])
def test_preset_area_ignores_number_formatting(tmp_path: Path, called: str) -> None:
    """Twilio sends E.164 while admins type numbers with spaces and dashes; both must match."""
    deployment = load_deployment(_write(tmp_path, _minimal()))
    area = deployment.preset_area(called)
    assert area is not None and area.code == "01"


@pytest.mark.parametrize("called", [None, "", "+97670001235", "70001234"])
def test_preset_area_needs_the_exact_number(tmp_path: Path, called: str | None) -> None:
    """Any other number (or none, e.g. a SIP call) must fall back to asking the caller."""
    assert load_deployment(_write(tmp_path, _minimal())).preset_area(called) is None


def test_audio_path_serves_only_existing_files_inside_the_deployment(tmp_path: Path) -> None:
    """The prompt route serves these paths over HTTP: no missing files, nothing outside the directory."""
    (tmp_path / "secret.wav").write_bytes(b"RIFF")
    audio = '{ welcome = "audio/en/welcome.wav", goodbye = "audio/en/missing.wav", main_menu = "../secret.wav" }'
    deployment: Deployment = load_deployment(_write(tmp_path / "dep", _minimal(audio=audio)))
    welcome = tmp_path / "dep" / "audio" / "en" / "welcome.wav"
    welcome.parent.mkdir(parents=True)
    welcome.write_bytes(b"RIFF")
    english = deployment.language("en")
    assert deployment.audio_path(english, "welcome") == welcome.resolve()
    assert deployment.audio_path(english, "goodbye") is None, "listed but not recorded yet"
    assert deployment.audio_path(english, "main_menu") is None, "escapes the deployment directory"
    assert deployment.audio_path(english, "status_prompt") is None, "not listed"
