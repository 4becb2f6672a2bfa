"""Reference numbers: the check digit catches keypad typos, and issuing skips numbers already taken."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import event, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from hotline import references
from hotline.models import Call, Complaint
from hotline.models.common import saved_id
from hotline.references import (
    ISSUE_ROUNDS,
    REFERENCE_LENGTH,
    is_valid_reference,
    issue_reference,
    luhn_check_digit,
    new_reference,
)
from tests.factories import make_complaint


def _reference(body: str) -> str:
    return body + luhn_check_digit(body)


# Distinct valid 9-digit references, in the order a patched random source hands them out.
CANDIDATES = [_reference(f"{n}{n}{n}{n}{n}{n}{n}{n}") for n in range(1, 10)]


def _feed(monkeypatch: pytest.MonkeyPatch, draws: list[str]) -> Iterator[str]:
    """Make issue_reference draw `draws` in order; the iterator shows how many it took."""
    feed = iter(draws)
    monkeypatch.setattr(references, "new_reference", lambda: next(feed))
    return feed


def test_new_references_are_nine_valid_digits_not_starting_with_zero() -> None:
    drawn = [new_reference() for _ in range(2000)]
    assert all(len(r) == REFERENCE_LENGTH == 9 and r.isascii() and r.isdigit() for r in drawn)
    assert all(r[0] != "0" and is_valid_reference(r) for r in drawn)
    assert len(set(drawn)) > 1990, "random draws from 90 million hardly ever repeat"


def _passes_luhn(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def _luhn_number_with(a: str, b: str, at: int) -> str:
    """A 9-digit Luhn-valid number whose digits at positions `at` and `at + 1` are a and b."""
    for n in range(1000):
        digits = list(f"{n:03d}45678")
        digits[at : at + 2] = [a, b][: 8 - at]  # at 7, b must come out as the check digit
        number = _reference("".join(digits))
        if number[at : at + 2] == a + b:
            return number
    raise AssertionError(f"no Luhn number with {a}{b} at {at}")


def test_luhn_catches_every_single_digit_error() -> None:
    for reference in ("482715398", "100000009", _reference("99999999"), _reference("50505050")):
        assert is_valid_reference(reference)
        for i, right in enumerate(reference):
            for wrong in "0123456789".replace(right, ""):
                typo = reference[:i] + wrong + reference[i + 1 :]
                assert not _passes_luhn(typo), f"{reference} with digit {i + 1} typed as {wrong}"
                assert not is_valid_reference(typo)


def test_luhn_catches_adjacent_swaps_except_09_and_90() -> None:
    """Every ordered pair of different digits, swapped at every position of the 9 (check digit included).

    Luhn's known blind spot: a doubled 0 stays 0 and a doubled 9 counts as 9, so swapping neighbouring
    0 and 9 keeps the sum and passes. Every other swap of two different neighbours is caught.
    """
    missed = set()
    for a, b in itertools.permutations("0123456789", 2):
        for at in range(REFERENCE_LENGTH - 1):
            number = _luhn_number_with(a, b, at)
            swapped = number[:at] + b + a + number[at + 2 :]
            if _passes_luhn(swapped):
                missed.add((a, b, at))
    assert missed == {(a, b, at) for a, b in (("0", "9"), ("9", "0")) for at in range(REFERENCE_LENGTH - 1)}


@pytest.mark.parametrize("value", ["482715398", "1234566", "100000009"])
def test_valid_forms_new_and_legacy(value: str) -> None:
    assert is_valid_reference(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "48271539",  # one digit short
        "4827153901",  # one too many
        "48271539B",
        "4827I5398",  # letter I for one
        "48 271539",
        "48271539\n",
        " 48271539",
        "-82715398",
        "082715392",  # Luhn-valid, but never issued: the first digit is not 0
        "482715390",  # wrong check digit
        "1234567",  # legacy length, wrong check digit
        "123456",
        "48271539²",  # str.isdigit() says yes to superscripts...
        "٤٨٢٧١٥٣٩٨",  # ...and to Arabic-Indic digits (int() even parses them: this is 482715398)...
        "４８２７１５３９８",  # ...and to fullwidth ones
        "٤٨٢٧١٥٣٩8",  # Luhn passes on these once int() has read them: only the ASCII check refuses
        "４８２７１５３９8",
    ],
)
def test_invalid_forms(value: str) -> None:
    assert not is_valid_reference(value)


def test_issue_reference_skips_taken_candidates(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    for taken in CANDIDATES[:3]:
        make_complaint(session, reference=taken)
    feed = _feed(monkeypatch, CANDIDATES)
    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        issued = issue_reference(session, candidates=5)
    finally:
        event.remove(engine, "before_cursor_execute", note)

    assert issued == CANDIDATES[3], "the first free candidate, in draw order"
    assert next(feed) == CANDIDATES[5], "one round of five draws"
    looked_up = [s for s in statements if "complaint" in s.lower()]
    assert len(looked_up) == 1 and looked_up[0].lstrip().upper().startswith("SELECT"), "one query, a read"


def test_issue_reference_draws_again_when_a_whole_round_is_taken(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for taken in CANDIDATES[:4]:
        make_complaint(session, reference=taken)
    _feed(monkeypatch, [*CANDIDATES[:4], CANDIDATES[0], CANDIDATES[8], CANDIDATES[5], CANDIDATES[6]])

    assert issue_reference(session, candidates=4) == CANDIDATES[8]


def test_issue_reference_raises_after_bounded_rounds(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    for taken in CANDIDATES[:2]:
        make_complaint(session, reference=taken)
    draws = CANDIDATES[:2] * ISSUE_ROUNDS
    feed = _feed(monkeypatch, [*draws, CANDIDATES[5]])

    with pytest.raises(RuntimeError, match=f"no free reference number in {ISSUE_ROUNDS} rounds"):
        issue_reference(session, candidates=2)
    assert next(feed) == CANDIDATES[5], "stopped after the last round, never drew more"


def test_issue_reference_only_reads_inside_the_callers_transaction(
    session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It sees the caller's own flushed rows, flushes none of their pending ones and commits nothing."""
    make_complaint(session, reference=CANDIDATES[0])
    call = Call(twilio_call_sid="CA" + "9" * 32)
    session.add(call)
    session.flush()
    flushed = Complaint(reference=CANDIDATES[1], call_id=saved_id(call), language="mn")
    session.add(flushed)
    session.flush()  # in the transaction, not committed
    pending = Call(twilio_call_sid="CA" + "8" * 32)
    session.add(pending)
    flushed.status_reason = "edited, not flushed"
    _feed(monkeypatch, CANDIDATES)

    assert issue_reference(session, candidates=3) == CANDIDATES[2], "its own flushed row counts as taken"

    assert [id(o) for o in session.new] == [id(pending)], "pending rows stay pending"
    assert [id(o) for o in session.dirty] == [id(flushed)], "unflushed edits stay unflushed"
    assert session.in_transaction()
    with Session(engine) as other:
        assert other.exec(select(func.count()).select_from(Call)).one() == 1, "nothing was committed"
    session.rollback()
    assert session.exec(select(Complaint.reference)).all() == [CANDIDATES[0]]


def test_issue_reference_on_a_fresh_table_takes_the_first_draw(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _feed(monkeypatch, CANDIDATES)
    assert issue_reference(session) == CANDIDATES[0]
    with pytest.raises(ValueError, match="at least 1"):
        issue_reference(session, candidates=0)
