"""Hub URLs and passwords.

Rules (also in the README's "Team hub" section):
- A password never goes on the command line nor into the project file. A URL that carries
  one (`password`, or `sslpassword` for a client key) is refused (check_url); the project
  remembers the URL with only host, port, dbname, user and sslmode (safe_url).
- A URL read from a project file (not typed, nor given as the URL argument on this machine:
  trust.py) may name only host, port, dbname, user and sslmode: check_url(from_file=True)
  refuses hostaddr, passfile, sslkey, service and every other libpq option, which could send
  this machine's password for the real hub (from ~/.pgpass or the keyring) elsewhere.
- A URL that is not a PostgreSQL URL is never echoed (it may hold a password).
- Where the password comes from, in order: the `password` argument (the window asks, or
  reads the OS keyring); libpq's own sources, PGPASSWORD and the password file (PGPASSFILE,
  default ~/.pgpass); then the OS keyring (`keyring` package, service "annotator-hub",
  user "ROLE@HOST:PORT/DB") when the server asked for a password that libpq did not have.
- A sync waits at most LOCK_TIMEOUT_S for a teammate's lock and STATEMENT_TIMEOUT_S for one
  statement, then stops with HubBusy ("the hub is busy; try again"), nothing half-written.
"""

from __future__ import annotations

import getpass
import ipaddress
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import AnnotatorError

KEYRING_SERVICE = "annotator-hub"
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT_S = 10.0
STATEMENT_TIMEOUT_S = 120.0
# What a URL from a project file may name, and what the project keeps of any URL.
FILE_URL_KEYS = ("host", "port", "dbname", "user", "sslmode")
_PASSWORDS = ("password", "sslpassword")
URL_FORM = "postgresql://NAME@HOST:PORT/DATABASE"


class HubError(AnnotatorError):
    """The hub cannot be reached or used; the message says why and what to do."""


class HubOffline(HubError):
    """The hub cannot be reached now (server down or restarting, network gone): nothing is
    wrong with the project or the credentials, and a later sync completes the work."""


class HubBusy(HubError):
    """A teammate's transaction held a lock (or a statement ran) past the sync's timeout:
    nothing was half-written, and a later sync completes the work."""


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
    except psycopg.ProgrammingError:
        # libpq's message quotes the string, password and all: say nothing of it.
        raise HubError(f"the hub URL is not a valid PostgreSQL URL (the form is {URL_FORM}); it is not "
                       "shown here, as it may hold a password") from None


def check_url(url: str, *, from_file: bool = False) -> str:
    """The URL unchanged, or HubError when it carries a password, or (from_file: read from a
    project file) names anything but host, port, dbname, user and sslmode."""
    params = _parse(url)
    if any(key in params for key in _PASSWORDS):
        raise HubError("the hub URL contains a password: remove it, and give the password with "
                       "PGPASSWORD, a ~/.pgpass file (PGPASSFILE) or the OS keyring")
    if from_file:
        other = sorted(k for k in params if k not in FILE_URL_KEYS)
        if other:
            raise HubError(f"the hub URL in this project names {', '.join(other)}: a URL read from a "
                           f"project file may name only {', '.join(FILE_URL_KEYS)}; give the URL yourself "
                           "to sync with it")
        db = str(params.get("dbname") or "")
        if "=" in db or "://" in db:
            raise HubError("the hub URL in this project names a database that is itself a connection "
                           "string; give the URL yourself to sync with it")
    return url


def safe_url(url: str) -> str:
    """What a project may remember of a URL: only host, port, dbname, user and sslmode (never
    a password, an sslpassword or another libpq option)."""
    from psycopg.conninfo import make_conninfo

    from urllib.parse import quote

    params = _parse(url)
    kept = {k: str(v) for k, v in params.items() if k in FILE_URL_KEYS and v is not None}
    host = kept.get("host", "")
    if host.startswith("/") or "," in host + kept.get("port", ""):
        return make_conninfo(**kept)  # a socket folder, several hosts: the key=value form
    if ":" in host:
        host = f"[{host}]"  # IPv6
    user, db = quote(kept.get("user", ""), safe=""), quote(kept.get("dbname", ""), safe="")
    port = f":{kept['port']}" if kept.get("port") else ""
    mode = f"?sslmode={quote(kept['sslmode'], safe='')}" if kept.get("sslmode") else ""
    return f"postgresql://{user + '@' if user else ''}{host}{port}/{db}{mode}"


def is_local(host: str | None) -> bool:
    """A connection that never leaves this machine: a Unix socket, localhost, a loopback address."""
    if not host or host.startswith("/") or host.startswith("@") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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


def connect(url: str, *, user: str | None = None, password: str | None = None,
            waits: tuple[float, float] | None = None) -> Any:
    """A psycopg connection to the hub in autocommit mode: every write is an explicit
    `with conn.transaction()`. See the module rules for passwords. waits: (lock_timeout_s,
    statement_timeout_s) of this session (a sync's), set as the session starts."""
    import psycopg

    check_url(url)
    kwargs: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "annotator",
                              "autocommit": True}
    if waits is not None:
        kwargs["options"] = (f"-c lock_timeout={int(waits[0] * 1000)} "
                             f"-c statement_timeout={int(waits[1] * 1000)}")
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
