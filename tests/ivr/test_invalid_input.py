"""Wrong or missing key presses replay the menu, at most three times, then the call ends politely."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from hotline.models import Call, CallOutcome, Complaint
from tests.ivr.conftest import Caller

# Key presses that reach each menu, then the menu's step name.
MENUS = {
    "language": ([], "language"),
    "main": (["1"], "main"),
    "sector": (["1", "1"], "sector"),
    "area": (["1", "1", "1"], "area"),
    "consent": (["1", "1", "1", "84#"], "consent"),
}
INVALID = {"language": "7", "main": "5", "sector": "8", "area": "99#", "consent": "3"}


def _actions(heard) -> list[str]:
    return [url.split("/ivr/")[1] for url, _ in heard.requests]


@pytest.mark.parametrize("menu", list(MENUS))
def test_invalid_then_valid_answer_continues(menu: str, place_call: Caller, session: Session):
    """One wrong key replays the same menu with an 'invalid choice' notice, then the flow goes on."""
    prefix, step = MENUS[menu]
    full = ["1", "1", "1", "84#", "1"]
    digits = [*prefix, INVALID[menu], *full[len(prefix) :]]
    heard = place_call(digits)
    replay = heard.responses[len(prefix) + 1]
    gather = replay.find("./Gather")
    assert gather is not None and f"/ivr/{step}?attempt=2" in gather.get("action", "")
    assert replay.find("./Say") is not None or replay.find("./Play") is not None, "invalid-choice notice first"
    assert heard.reference is not None
    assert len(session.exec(select(Complaint)).all()) == 1


@pytest.mark.parametrize("menu", list(MENUS))
def test_three_invalid_answers_end_the_call(menu: str, place_call: Caller, session: Session):
    """After three wrong answers the caller hears a polite goodbye and the call records why."""
    prefix, _ = MENUS[menu]
    heard = place_call([*prefix, INVALID[menu], INVALID[menu], INVALID[menu]])
    last = heard.responses[-1]
    assert last.find("./Hangup") is not None
    assert last.find("./Gather") is None
    assert session.exec(select(Complaint)).all() == []
    call = session.exec(select(Call)).one()
    assert call.outcome == CallOutcome.GAVE_UP


@pytest.mark.parametrize("menu", ["language", "main", "sector", "consent"])
def test_silence_replays_through_the_redirect(menu: str, place_call: Caller):
    """No key at all: Twilio falls through to our <Redirect>, which counts as a missing answer."""
    prefix, step = MENUS[menu]
    heard = place_call([*prefix, "", "", ""])
    redirects = [a for a in _actions(heard) if a.startswith(step) and "missing=1" in a]
    assert len(redirects) == 3
    assert heard.responses[-1].find("./Hangup") is not None


def test_preset_area_skips_the_area_menu(tmp_path, database_url, engine, place_call_factory):
    """A partner station's local number presets the area: the caller is not asked for it."""
    place_call = place_call_factory(extra_toml='[[called_numbers]]\nnumber = "+976 7000 1234"\narea = "84"\n')
    heard = place_call(["1", "1", "1", "1"], to_number="+97670001234")
    assert not any(a.startswith("area") for a in _actions(heard))
    assert heard.reference is not None
    with Session(engine) as s:
        complaint = s.exec(select(Complaint)).one()
        call = s.exec(select(Call)).one()
    assert complaint.area == "84" and call.area_source == "preset"
