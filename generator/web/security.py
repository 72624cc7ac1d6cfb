"""What keeps the app to its clerk: the token, sessions, CSRF, accounts, paths.

- Bound to loopback, the app prints a URL with a random token (like Jupyter); the first
  request with it gets a session cookie, and a request with neither gets 403.
- On any other address it needs accounts from a file (passwords stored as scrypt
  hashes) and a login; it refuses to start without them.
- Every request that changes something carries the session's CSRF token.
- Every file the app reads or writes is inside the served folder: ``..``, absolute
  paths and symbolic links out of it are refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import InputError
from generator.i18n import _

__all__ = ["LOOPBACK", "Sessions", "hash_password", "inside", "read_accounts", "verify_password"]

LOOPBACK = ("127.0.0.1", "localhost", "::1")
COOKIE = "congvan_session"

_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (hex), for an accounts file."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        mine = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(mine.hex(), digest)


def read_accounts(path: Path) -> dict[str, str]:
    """The accounts of a TOML file ``[accounts]`` ``name = "scrypt$…"``; a password not
    stored hashed is refused."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([f"{path}: " + _("no such file. Check the path.")]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([f"{path}: " + _("cannot be read: {error}.", error=exc)]) from None
    accounts = data.get("accounts")
    if not isinstance(accounts, dict) or not accounts:
        raise InputError([f"{path}: " + _(
            "no accounts. Add a section [accounts] with one line per person: name = \"<hash>\", "
            "the hash printed by congvan serve --hash-password.")])
    for name, stored in accounts.items():
        if not isinstance(stored, str) or not stored.startswith("scrypt$") or stored.count("$") != 5:
            raise InputError([f"{path}: accounts.{name}: " + _(
                "the password must be stored hashed. Replace it by the line congvan serve --hash-password prints.")])
    return {str(k): str(v) for k, v in accounts.items()}


@dataclass
class Session:
    csrf: str
    user: str | None = None


@dataclass
class Sessions:
    """The open sessions, by the random id in their cookie."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    accounts: dict[str, str] | None = None
    by_id: dict[str, Session] = field(default_factory=dict)

    def new(self, user: str | None = None) -> tuple[str, Session]:
        sid = secrets.token_urlsafe(32)
        session = self.by_id[sid] = Session(csrf=secrets.token_urlsafe(32), user=user)
        return sid, session

    def get(self, sid: str | None) -> Session | None:
        return self.by_id.get(sid) if sid else None

    def allowed(self, session: Session | None) -> bool:
        if session is None:
            return False
        return self.accounts is None or session.user is not None

    def token_ok(self, token: str | None) -> bool:
        return self.accounts is None and bool(token) and hmac.compare_digest(str(token), self.token)

    @staticmethod
    def csrf_ok(session: Session | None, sent: str | None) -> bool:
        return session is not None and bool(sent) and hmac.compare_digest(str(sent), session.csrf)


class OutsideFolder(ValueError):
    """A path that leaves the served folder."""


def inside(folder: Path, relative: str) -> Path:
    """``folder/relative``, refused (:class:`OutsideFolder`) when it is absolute, climbs
    with ``..``, or resolves (through a symbolic link) to a place outside ``folder``."""
    root = folder.resolve()
    text = (relative or "").replace("\\", "/")
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not text or text.startswith("/") or (len(text) > 1 and text[1] == ":") or ".." in parts or "\0" in text:
        raise OutsideFolder(relative)
    path = root.joinpath(*parts)
    resolved = path.resolve()
    if resolved != root and not resolved.is_relative_to(root):
        raise OutsideFolder(relative)
    return path
