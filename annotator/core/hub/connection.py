"""Hub URLs and passwords.

Rules:
- A password never goes on the command line nor into the project file. A URL that carries
  one is refused (check_url); the project remembers the URL without it (safe_url).
- Where the password comes from, in order: the `password` argument (the window asks, or
  reads the OS keyring); libpq's own sources, PGPASSWORD and the password file (PGPASSFILE,
  default ~/.pgpass); then the OS keyring (`keyring` package, service "annotator-hub",
  user "ROLE@HOST:PORT/DB") when the server asked for a password that libpq did not have.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import AnnotatorError

KEYRING_SERVICE = "annotator-hub"
CONNECT_TIMEOUT_S = 10


class HubError(AnnotatorError):
    """The hub cannot be reached or used; the message says why and what to do."""


class HubOffline(HubError):
    """The hub cannot be reached now (server down or restarting, network gone): nothing is
    wrong with the project or the credentials, and a later sync completes the work."""


def is_offline(exc: Exception) -> bool:
    """A psycopg OperationalError of an unreachable server: no SQLSTATE (refused, timed out,
    connection lost), or class 08 (connection) or 57 (shutting down, starting up), as
    opposed to the server's refusals (a wrong password, an unknown role or database)."""
    state = getattr(exc, "sqlstate", None)
    return state is None or state[:2] in ("08", "57")


def _parse(url: str) -> dict[str, Any]:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise HubError(f"{url}: not a PostgreSQL URL ({exc})") from None


def check_url(url: str) -> str:
    """The URL unchanged, or HubError when it carries a password."""
    if "password" in _parse(url):
        raise HubError("the hub URL contains a password: remove it, and give the password with "
                       "PGPASSWORD, a ~/.pgpass file (PGPASSFILE) or the OS keyring")
    return url


def safe_url(url: str) -> str:
    """The URL without any password, as a project may remember it."""
    from psycopg.conninfo import make_conninfo

    params = _parse(url)
    if "password" not in params:
        return url
    params.pop("password")
    host, port, db, user = (params.pop(k, None) for k in ("host", "port", "dbname", "user"))
    if params:  # other options: keep the key=value form
        return make_conninfo(**{k: v for k, v in dict(params, host=host, port=port, dbname=db,
                                                        user=user).items() if v is not None})
    auth = f"{user}@" if user else ""
    return f"postgresql://{auth}{host or ''}{':' + str(port) if port else ''}/{db or ''}"


@dataclass(frozen=True)
class Target:
    """Who connects where: the keyring's key and the messages name it."""

    user: str
    host: str
    port: str
    dbname: str

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.dbname}"


def target(url: str, user: str | None = None) -> Target:
    params = _parse(url)
    name = user or params.get("user") or getpass.getuser()
    return Target(name, str(params.get("host") or "localhost"), str(params.get("port") or 5432),
                  str(params.get("dbname") or name))


def keyring_password(url: str, user: str | None = None) -> str | None:
    """The password saved in the OS keyring for this hub and role, or None (also when no
    keyring is usable on this machine)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, target(url, user).key)
    except Exception:  # noqa: BLE001 - any backend's failure (none, locked, no D-Bus): no password
        return None


def save_keyring_password(url: str, password: str, user: str | None = None) -> None:
    """Remember the password in the OS keyring (the window's "remember" box)."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, target(url, user).key, password)


def _needs_password(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no password supplied" in text or "password authentication failed" in text


def connect(url: str, *, user: str | None = None, password: str | None = None) -> Any:
    """A psycopg connection to the hub in autocommit mode: every write is an explicit
    `with conn.transaction()`. See the module rules for passwords."""
    import psycopg

    check_url(url)
    kwargs: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "annotator",
                              "autocommit": True}
    if user:
        kwargs["user"] = user
    if password is not None:
        kwargs["password"] = password
    where = target(url, user)
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as exc:
        if password is None and _needs_password(exc):
            saved = keyring_password(url, user)
            if saved is not None:
                try:
                    return psycopg.connect(url, **kwargs, password=saved)
                except psycopg.OperationalError as again:
                    exc = again
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        hint = (" (give the password with PGPASSWORD, ~/.pgpass or the OS keyring)"
                if _needs_password(exc) else "")
        error = HubOffline if is_offline(exc) and not hint else HubError
        raise error(f"cannot connect to the hub {where.key}: {first}{hint}") from None
