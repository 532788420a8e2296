"""A throwaway PostgreSQL server for the hub tests and benchmarks: `initdb` in a temporary
folder, scram-sha-256 on 127.0.0.1 at a free port, stopped and removed by stop().

PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
(Debian's package creates it) through runuser, in a folder it owns. Passwords reach libpq
through a password file (PGPASSFILE), as a user's ~/.pgpass would.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INSTALL_HINT = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install them with "
                "`apt-get install postgresql` (Debian/Ubuntu), or put their folder on PATH")
ADMIN = "hubadmin"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's newest version."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """start() it, use url(user, db) and add_password(), stop() it (also after a failure)."""

    def __init__(self, bindir: Path, *, fsync: bool = True):
        self.bindir = bindir
        self.fsync = fsync
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.admin_password = secrets.token_hex(12)
        self.passfile = self.root / "pgpass"
        self.passfile.write_text("")
        self.passfile.chmod(0o600)
        self.add_password(ADMIN, self.admin_password)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            self.root.chmod(0o755)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)

    def _run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout,
                              env=dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8"))

    def init(self) -> None:
        pwfile = self.root / "admin-password"
        pwfile.write_text(self.admin_password + "\n")
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        pwfile.chmod(0o600)
        try:
            self._run("initdb", "-D", str(self.data), "-U", ADMIN, f"--pwfile={pwfile}",
                      "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8",
                      "--locale=C.UTF-8")
        finally:
            pwfile.unlink()
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.root}'\nmax_connections = 100\n"
                       f"fsync = {'on' if self.fsync else 'off'}\n"
                       "password_encryption = 'scram-sha-256'\n")

    def start(self) -> "PgServer":
        if not self.data.exists():
            self.init()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; mode "immediate" is a crash (recovery at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate" if self.running() else "fast")
        shutil.rmtree(self.root, ignore_errors=True)

    def add_password(self, user: str, password: str) -> None:
        """Let libpq find this role's password (a line of the password file)."""
        with open(self.passfile, "a", encoding="utf-8") as f:
            f.write(f"127.0.0.1:*:*:{user}:{password}\n")

    def url(self, user: str = ADMIN, db: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def admin(self, db: str = "postgres"):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(self.url(ADMIN, db), password=self.admin_password, autocommit=True)

    def create_database(self, name: str) -> str:
        """A new empty database; returns the admin's URL to it."""
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(ADMIN, name)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError("PostgreSQL did not become ready")

    # ---- hubs on this server (tests and benchmarks) ----------------------------------------
    def create_hub(self, db: str) -> str:
        """A new database with `hub init` run by the admin; returns the admin's URL."""
        from annotator.core.hub.connection import connect
        from annotator.core.hub.roles import init_hub

        url = self.create_database(db)
        with connect(url, password=self.admin_password) as conn:
            init_hub(conn)
        return url

    def add_annotator(self, db: str, name: str, *, reviewer: bool = False) -> str:
        """`hub add-annotator` with a password libpq finds; returns NAME's URL to the hub.
        Roles are the server's, shared by its hubs: one password per name."""
        from annotator.core.hub.connection import connect
        from annotator.core.hub.roles import add_annotator

        password = f"pw-{name}-{self.admin_password[:8]}"
        with connect(self.url(db=db), password=self.admin_password) as conn:
            add_annotator(conn, name, reviewer=reviewer, password=password)
        if f":{name}:" not in self.passfile.read_text():
            self.add_password(name, password)
        return self.url(name, db)
