"""Interface languages: switching to Mongolian, the anonymous choice, dates in the deployment's zone, and
catalogues that are complete and extracted from the current sources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.pofile import read_po
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.models import User
from staff.web.i18n import LOCALE_DIR, from_accept_language, load_catalogue, translations
from tests.conftest import reread
from tests.staff.web.conftest import csrf_of, log_in, logged_in_csrf, make_user

REPO = Path(__file__).resolve().parents[3]


def test_switching_to_mongolian_changes_the_labels_and_is_remembered(
    client: TestClient, session: Session, staff_user: User
) -> None:
    log_in(client, "staff@example.org")
    assert "Change password" in client.get("/account/password").text
    data = {"language": "mn", "next": "/account/password", "csrf_token": logged_in_csrf(client)}
    switched = client.post("/account/language", data=data)
    assert switched.status_code == 200 and switched.url.path == "/account/password"
    html = switched.text
    assert '<html lang="mn">' in html
    for label in ("Нууц үг солих", "Одоогийн нууц үг", "Шинэ нууц үг (дор хаяж 12 тэмдэгт)", "Гарах", "Хэл"):
        assert label in html, label
    assert "Change password" not in html
    reread(session)
    user = session.get(User, staff_user.id)
    assert user is not None and user.language == "mn"
    # Remembered on the user: a new browser gets Mongolian after logging in.
    client.cookies.clear()
    log_in(client, "staff@example.org")
    assert "Нууц үг солих" in client.get("/account/password").text


def test_an_unknown_language_is_refused(client: TestClient, staff_user: User) -> None:
    log_in(client, "staff@example.org")
    response = client.post("/account/language", data={"language": "xx", "csrf_token": logged_in_csrf(client)})
    assert response.status_code == 400


def test_before_login_the_language_comes_from_the_switcher_or_the_browser(client: TestClient) -> None:
    assert "Нэвтрэх" in client.get("/login", headers={"Accept-Language": "mn-MN,mn;q=0.9,en;q=0.5"}).text
    assert "Log in" in client.get("/login", headers={"Accept-Language": "fr, en;q=0.5"}).text
    form = client.get("/login")
    data = {"language": "mn", "next": "/login", "csrf_token": csrf_of(form.text)}
    switched = client.post("/language", data=data)
    assert switched.url.path == "/login" and '<label for="email">Имэйл</label>' in switched.text
    refused = client.post("/language", data={"language": "en"}, follow_redirects=False)
    assert refused.status_code == 403 and "Энэ маягтын хугацаа" in refused.text  # still in the chosen language


def test_accept_language_order_and_quality() -> None:
    assert from_accept_language("") == "en"
    assert from_accept_language("en;q=0.4, mn;q=0.8") == "mn"
    assert from_accept_language("mn;q=0, en") == "en"
    assert from_accept_language("de, mn-MN") == "mn"
    assert from_accept_language("garbage;q=x") == "en"


def test_dates_show_in_the_deployments_time_zone(client: TestClient, session: Session) -> None:
    # Mongolia is UTC+8: a user added at 20:30 UTC was added at 04:30 the next day in Ulaanbaatar.
    make_user(session, "admin@example.org", "admin", created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
    log_in(client, "admin@example.org")
    assert "2026-03-02 04:30" in client.get("/admin/users").text


def test_the_mongolian_catalogue_translates_every_message() -> None:
    with (LOCALE_DIR / "mn" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="mn")
    entries = [message for message in catalog if message.id]
    assert len(entries) > 50
    untranslated = [message.id for message in entries if not message.string]
    fuzzy = [message.id for message in entries if message.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert not catalog.obsolete
    # Placeholders survive translation, or a page would fail at render time.
    for message in entries:
        assert isinstance(message.id, str) and isinstance(message.string, str)
        assert sorted(_placeholders(message.id)) == sorted(_placeholders(message.string)), message.id


def _placeholders(text: str) -> list[str]:
    return re.findall(r"%\(\w+\)s", text)


def test_the_template_and_catalogue_hold_exactly_the_messages_in_the_sources(tmp_path: Path) -> None:
    """Run the extraction the way babel.cfg says and compare: a new string without a translation fails here."""
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            str(LOCALE_DIR / "babel.cfg"),
            "-o",
            str(extracted),
            str(REPO / "staff" / "web"),
        ],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    fresh = _ids(extracted)
    assert fresh, "the extraction found nothing"
    for catalogue in (LOCALE_DIR / "messages.pot", LOCALE_DIR / "mn" / "LC_MESSAGES" / "messages.po"):
        held = _ids(catalogue)
        assert (sorted(fresh - held), sorted(held - fresh)) == ([], []), (
            f"{catalogue.name} is behind the sources (first list: new strings, second: gone); run the Extract and "
            "Update lines in staff/locale/babel.cfg, then translate the new entries in the .po"
        )


def _ids(path: Path) -> set[str]:
    with path.open("rb") as source:
        return {str(message.id) for message in read_po(source) if message.id}


def test_a_missing_or_stale_compiled_catalogue_falls_back_to_the_po(tmp_path: Path) -> None:
    """The .mo is a build product; a checkout without it, or with one older than an edited .po, still shows
    the .po's translations."""
    messages = tmp_path / "mn" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    po.write_bytes((LOCALE_DIR / "mn" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert load_catalogue(tmp_path, "mn").gettext("Log in") == "Нэвтрэх"

    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "compile", "-d", str(tmp_path)], check=True, capture_output=True
    )
    assert load_catalogue(tmp_path, "mn").gettext("Log in") == "Нэвтрэх"  # from the fresh .mo
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Нэвтрэх"', 'msgstr "Нэвтэрнэ үү"'), "utf-8")
    os.utime(po.with_suffix(".mo"), (1, 1))  # the .mo is now older than the edited .po
    assert load_catalogue(tmp_path, "mn").gettext("Log in") == "Нэвтэрнэ үү"
    assert translations("en").gettext("Log in") == "Log in"
