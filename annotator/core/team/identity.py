"""Who is working in a project: one rule for the window and every command that signs work
(decisions, imported annotations that name nobody, reviews, hub syncs).

The rule, in order:
1. A name the person gives for themselves (`annotator gui --annotator NAME`, `sync
   --annotator NAME`, `whoami --set NAME`, `new --annotator NAME`, File -> Annotator name)
   is used and remembered in that project file, for this person on this machine. It
   changes nothing in any other project.
2. Else the name remembered in the project for this person on this machine.
3. Else the first-run name: asked once by the window (or `whoami --default NAME`), kept in
   the user's config folder; it is the default for every project that has no name, and is
   remembered in the project once used there.
4. Else nobody was ever named: the operating-system user name is used, never silently: the
   command says so ("... as root, your operating-system user name: ...") and the window says
   so in its status bar. It is not remembered, so the next run asks again.

Options that name someone else's work are not identities and change nothing: `import
--annotator` (who made records that name nobody) and `review --reviewer` sign that one run.

"This person on this machine": the project keeps one name per user account and machine,
under a random key made once in that user's config folder, so a project file copied to a
teammate (or opened by another login on the same machine) never signs as the first person.
Every command that signs work says under which name.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import json
import os
import socket
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.errors import AnnotatorError
from annotator.paths import user_config_dir
from annotator.core.settings import IDENTITY_PREFIX, settings

if TYPE_CHECKING:
    from annotator.core.store import Store

GIVEN, PROJECT, FIRST_RUN, OS_USER = "given", "project", "first-run", "os-user"
SETTING_PREFIX = IDENTITY_PREFIX  # + this person's key (core/settings.py)
CONFIG_FILE = "identity.json"
MAX_NAME = 100


@dataclass(frozen=True)
class Identity:
    """A name and where it came from (GIVEN, PROJECT, FIRST_RUN or OS_USER)."""

    name: str
    source: str

    @property
    def chosen(self) -> bool:
        """False when nobody named themselves: the operating-system user name stands in."""
        return self.source != OS_USER

    def signed(self, flag: str = "--annotator NAME") -> str:
        """'as NAME', with why when the name was not chosen (for a command's output)."""
        if self.chosen:
            return f"as {self.name}"
        return (f"as {self.name}, your operating-system user name: no name is set for this project "
                f"(give {flag}, or set one with `annotator whoami --set NAME`)")


def os_user() -> str:
    """The operating-system user name (the last resort of the rule)."""
    try:
        return getpass.getuser() or "annotator"
    except Exception:  # noqa: BLE001 - no USER variable and no passwd entry (containers)
        return "annotator"


def check_name(name: str) -> str:
    """The name stripped; AnnotatorError when it is empty, too long or has control characters."""
    name = (name or "").strip()
    if not name:
        raise AnnotatorError("the annotator name is empty")
    if len(name) > MAX_NAME or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise AnnotatorError(f"{name[:40]!r} cannot be an annotator name: at most {MAX_NAME} characters, "
                             "no line breaks or control characters")
    return name


# ---- the user's config file: the first-run name and this person's key ---------------------
def config_path() -> Path:
    return user_config_dir() / CONFIG_FILE


def _read_config() -> dict[str, Any]:
    try:
        data = json.loads(config_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_config(data: dict[str, Any]) -> None:
    """Replace the file whole (a crash leaves the old one or the new one, never half).
    AnnotatorError when the config folder cannot be written."""
    path = config_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".identity-", dir=path.parent)
    except OSError as exc:
        raise AnnotatorError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise AnnotatorError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def first_run_name() -> str | None:
    name = _read_config().get("first_run_name")
    return name if isinstance(name, str) and name.strip() else None


def set_first_run_name(name: str) -> str:
    name = check_name(name)
    data = _read_config()
    data["first_run_name"] = name
    _write_config(data)
    return name


def person_key() -> str:
    """This user account's key on this machine (made once, kept in the config file; when the
    config folder cannot be written, one made from the user and machine names)."""
    data = _read_config()
    key = data.get("person_key")
    if not isinstance(key, str) or not key:
        key = data["person_key"] = uuid.uuid4().hex
        try:
            _write_config(data)
        except AnnotatorError:
            return hashlib.sha256(f"{os_user()}@{socket.gethostname()}".encode()).hexdigest()[:32]
    return key


# ---- the name in a project ----------------------------------------------------------------
def project_name(store: "Store") -> str | None:
    """The name remembered in this project for this person, if any."""
    name = settings(store).person(person_key())
    return name if name and name.strip() else None


def remember(store: "Store", name: str) -> str:
    """Remember `name` in this project for this person (only this project)."""
    name = check_name(name)
    if project_name(store) != name:
        settings(store).set_person(person_key(), name)
    return name


def resolve(store: "Store", given: str | None = None, *, remember_given: bool = True,
            write: bool = True) -> Identity:
    """Who works in this project (the module rule). `given`: a name from the person (an
    option, a dialog): remembered in the project when remember_given. A first-run name used
    here is remembered too. write=False never writes (a read-only look)."""
    if given is not None and given.strip():
        name = check_name(given)
        if remember_given and write:
            remember(store, name)
        return Identity(name, GIVEN)
    remembered = project_name(store)
    if remembered:
        return Identity(remembered, PROJECT)
    default = first_run_name()
    if default:
        if write:
            remember(store, default)
        return Identity(default, FIRST_RUN)
    return Identity(os_user(), OS_USER)


def signer(store: "Store", given: str | None) -> Identity:
    """Who signs a command's work that names nobody: `given` for this run only (import
    --annotator, review --reviewer), else the project's identity."""
    if given is not None and given.strip():
        return Identity(check_name(given), GIVEN)
    return resolve(store)
