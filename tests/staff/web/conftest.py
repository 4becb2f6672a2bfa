"""Fixtures for the staff pages: users with passwords, and a browser-like client that logs in through /login."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline import passwords
from hotline.models import User

PASSWORD = "correct horse battery"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry (every form of a page carries the same one)."""
    match = _CSRF_FIELD.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def make_user(session: Session, email: str, role: str, *, password: str = PASSWORD, **fields: object) -> User:
    """A user who can log in; a role outside Role is written by hand (accounts refuse unknown roles)."""
    user = User(email=email, role=role, password_hash=passwords.hash_password(password), **fields)
    session.add(user)
    session.commit()
    return user


def log_in(client: TestClient, email: str, password: str = PASSWORD, *, next_path: str = "/account/password"):
    """Log in as a browser would: open the form (getting the pre-session CSRF cookie), post it back."""
    form = client.get("/login")
    assert form.status_code == 200, form.text
    return client.post(
        "/login",
        data={"email": email, "password": password, "next": next_path, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )


def logged_in_csrf(client: TestClient) -> str:
    """The session's CSRF token, read off a page every signed-in role may open."""
    page = client.get("/account/password")
    assert page.status_code == 200, page.text
    return csrf_of(page.text)


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, "admin@example.org", "admin", display_name="Ada Admin")


@pytest.fixture
def staff_user(session: Session) -> User:
    return make_user(session, "staff@example.org", "staff")
