"""The call row as the webhooks see it: built from what was written, it must match what the database holds."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from hotline.db import write_transaction
from hotline.privacy import protector_for
from ivr import call_records as records
from ivr.call_records import CallRecord

SID = "CA" + "c" * 32


def _first_webhook(engine: Engine) -> CallRecord:
    with write_transaction(engine) as connection:
        return records.get_or_create_call(
            connection,
            call_sid=SID,
            from_number="+97699000001",
            to_number="+97670000000",
            protector=protector_for("test-secret-key-" + "x" * 32),
            expect_new=True,
        )


def test_a_new_calls_record_is_the_row_the_database_holds(engine: Engine) -> None:
    """The insert returns only the id and fills in the rest itself; a column default that differs shows here.
    A replayed first webhook takes the other path (the insert conflicts, the row is read) to the same record."""
    made, replayed = _first_webhook(engine), _first_webhook(engine)
    with engine.connect() as connection:
        stored = records.find_call(connection, call_sid=SID)
    assert stored is not None and stored.language is None and stored.outcome == "in_menu"
    assert made == stored == replayed
