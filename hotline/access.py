"""Who may use each route: declared once per route, next to its path, and recorded on the route itself.

A route table is then its own access list: a test walks the app's routes and fails on any route
without a declaration, so a new route cannot silently be open to everyone. The declaration is plain
data and the record is an attribute, so the core stays free of the web framework; the edges enforce it
(ivr's webhook wrapper checks Twilio's signature; staff's API wrapper checks the token's role and its page
wrapper the browser session's role and CSRF token).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from hotline.models.users import Role

ACCESS_ATTRIBUTE = "access"  # the attribute a declared route carries its Access under

R = TypeVar("R")


class AccessKind(StrEnum):
    PUBLIC = "public"  # anyone: the health check, prompt audio Twilio fetches for <Play>
    TWILIO = "twilio"  # signed webhooks only; the signature is the credential
    ROLES = "roles"  # a signed-in user (page session or API token) with one of the listed roles
    # A link that is its own credential: an unguessable, expiring token in the URL (hotline.answer_tokens), or
    # Twilio's signature. Twilio fetches <Play> audio without credentials, so a provider's answer is served so.
    SIGNED_LINK = "signed_link"


@dataclass(frozen=True)
class Access:
    """Who may use one route; build it with PUBLIC, TWILIO, SIGNED_LINK or roles(...)."""

    kind: AccessKind
    roles: frozenset[Role] = frozenset()

    def __post_init__(self) -> None:
        if (self.kind is AccessKind.ROLES) != bool(self.roles):
            raise ValueError("role-based access needs at least one role, and only role-based access takes roles")

    def admits(self, role: str) -> bool:
        """True when a user with this role may use the route; unknown roles are refused (deny by default)."""
        return self.kind is AccessKind.ROLES and role in self.roles

    def __str__(self) -> str:
        if self.kind is AccessKind.ROLES:
            return "roles: " + ", ".join(sorted(self.roles))
        return self.kind.value


PUBLIC = Access(AccessKind.PUBLIC)
TWILIO = Access(AccessKind.TWILIO)
SIGNED_LINK = Access(AccessKind.SIGNED_LINK)


def roles(*allowed: Role) -> Access:
    """Access for signed-in users (a page session or an API token) with one of these roles."""
    unknown = [r for r in allowed if not isinstance(r, Role)]
    if unknown:
        raise TypeError(f"roles() takes Role members, got {unknown!r}")
    return Access(AccessKind.ROLES, frozenset(allowed))


def declare(access: Access, route: R) -> R:
    """Record `access` on a route (a Starlette Route or Mount) and return it, for use inside a route table."""
    if hasattr(route, ACCESS_ATTRIBUTE):
        raise ValueError(f"{route!r} already has an {ACCESS_ATTRIBUTE!r} attribute; declare each route once")
    setattr(route, ACCESS_ATTRIBUTE, access)
    return route


def declared_access(route: object) -> Access | None:
    """The access declared for a route, or None when it has none."""
    access = getattr(route, ACCESS_ATTRIBUTE, None)
    return access if isinstance(access, Access) else None


def sees_only_consented(role: str) -> bool:
    """True for roles that may see only complaints whose callers agreed to broadcast (producers, and any
    role not named here): only staff and admins handle complaints callers did not want aired."""
    return role not in (Role.ADMIN, Role.STAFF)
