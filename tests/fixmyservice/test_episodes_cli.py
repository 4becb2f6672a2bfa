"""`fixmyservice episodes draft`: drafts a station's week on the test database, again idempotently, this week
by default, and refuses an unknown station or a week that does not exist with exit status 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from fixmyservice.cli import main
from hotline.iso_weeks import week_of
from hotline.models import AuditEvent, Episode, EpisodeSegment, utcnow
from tests.conftest import reread
from tests.episode_factories import CLINIC, SCHOOL, reviewed


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str, engine: Engine) -> None:
    """The command's environment, on the test database (asking for `engine` empties the tables afterwards)."""
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "cli-data"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("HOTLINE_CONFIG", raising=False)  # the Mongolian deployment and its stations


def test_the_command_drafts_a_week_and_drafting_again_keeps_the_episode(
    cli_env: None, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    reviewed(session, CLINIC, day=1)
    reviewed(session, SCHOOL, sector="education", day=2)
    reviewed(session, CLINIC, day=3, consent=False)
    assert main(["episodes", "draft", "--station", "khovd", "--week", "2026-W48"]) == 0
    reread(session)
    episode = session.exec(select(Episode)).one()
    first = capsys.readouterr().out.strip()
    assert first == f"khovd 2026-W48: drafted episode {episode.id}: 2 candidates, 2 chosen"
    assert main(["episodes", "draft", "--station", "khovd", "--week", "2026-W48"]) == 0
    assert (
        capsys.readouterr().out.strip() == f"khovd 2026-W48: drafted again episode {episode.id}: 2 candidates, 2 chosen"
    )
    reread(session)
    assert [e.version for e in session.exec(select(Episode))] == [2]
    assert len(session.exec(select(EpisodeSegment)).all()) == 2
    actors = {e.actor for e in session.exec(select(AuditEvent).where(AuditEvent.action == "episode_drafted"))}
    assert actors == {"cli"}


def test_the_week_defaults_to_this_week_where_the_listeners_are(
    cli_env: None, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["episodes", "draft", "--station", "ulaanbaatar"]) == 0
    week = str(week_of(utcnow(), "Asia/Ulaanbaatar"))
    assert capsys.readouterr().out.startswith(f"ulaanbaatar {week}: drafted episode ")
    reread(session)
    assert session.exec(select(Episode.week)).one() == week


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--station", "nope", "--week", "2026-W48"],
            "no station 'nope' in this deployment; stations: khovd, ulaanbaatar",
        ),
        (["--station", "khovd", "--week", "2026-W61"], "2026 has no ISO week 61"),
        (["--station", "khovd", "--week", "last week"], "a week is written like 2026-W48"),
    ],
)
def test_a_bad_station_or_week_is_refused(
    cli_env: None, session: Session, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["episodes", "draft", *argv]) == 1
    assert message in capsys.readouterr().err
    reread(session)
    assert session.exec(select(Episode)).all() == []


def test_a_built_episode_is_not_drafted_again(
    cli_env: None, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["episodes", "draft", "--station", "khovd", "--week", "2026-W48"]) == 0
    reread(session)
    episode = session.exec(select(Episode)).one()
    episode.status = "built"
    session.add(episode)
    session.commit()
    capsys.readouterr()
    assert main(["episodes", "draft", "--station", "khovd", "--week", "2026-W48"]) == 1
    assert "is built: only a draft is drafted again" in capsys.readouterr().err
