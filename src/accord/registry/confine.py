"""One confinement rule for every file Accord reads or writes on behalf of a registry.

Everything in a registry may come from an untrusted pull request: file names, `$ref`s,
`x-accord-path`s, even symlinks (git stores them). A path taken from such content is
accepted only when it is relative, plain and stays inside its root once every symlink is
followed. Nothing is percent-decoded: `%2f` is three characters of a file name, never a
slash. A refusal says why without saying whether anything exists outside the root.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from accord.errors import AccordError, Location

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f\\]")


class ConfinementError(AccordError):
    """A path from a registry's content points outside the place it must stay in."""


def plain_relative(name: str, what: str, where: Location | None = None) -> str:
    """``name`` as a normalised relative POSIX path, or ConfinementError.

    Refused: absolute paths, `..` that climbs out, schemes (`file:`, `http:`, `C:`),
    backslashes and control characters, and the empty path.
    """
    if not isinstance(name, str) or not name.strip():
        raise ConfinementError(f"{what} must be a relative path, not {name!r}", where)
    if _BAD_CHARS.search(name):
        raise ConfinementError(f"{what} {name!r} holds a backslash or a control character",
                               where)
    if name.startswith("/") or _SCHEME.match(name):
        raise ConfinementError(f"{what} {name!r} must be a path relative to the registry "
                               "(no scheme, no leading /)", where)
    normal = posixpath.normpath(name)
    if normal in (".", "..") or normal.startswith("../"):
        raise ConfinementError(f"{what} {name!r} leaves the registry", where)
    return normal


def inside(root: Path, rel: str, what: str, where: Location | None = None) -> Path:
    """``root / rel`` once it is known to stay inside ``root`` with every symlink followed.

    The path need not exist (a file about to be written): its nearest existing ancestor
    is what is resolved.
    """
    rel = plain_relative(rel, what, where)
    base = Path(os.path.realpath(root))
    target = root / rel
    real = Path(os.path.realpath(target))
    if not real.is_relative_to(base):
        raise ConfinementError(f"{what} {rel!r} leads outside the registry through a "
                               "symbolic link; links must stay inside it", where)
    return target


def read_inside(root: Path, rel: str, what: str = "file") -> bytes:
    """The bytes of ``root / rel``, refusing a path or symlink that leads outside."""
    return inside(root, rel, what, Location(str(root / rel))).read_bytes()


def write_inside(root: Path, rel: str, text: str, what: str = "file") -> Path:
    """Write ``text`` to ``root / rel``: never outside ``root``, never through a symlink."""
    target = inside(root, rel, what)
    if target.is_symlink():
        raise ConfinementError(f"{what} {rel!r} is a symbolic link: refusing to write "
                               "through it", Location(str(target)))
    target.parent.mkdir(parents=True, exist_ok=True)
    inside(root, rel, what)  # again, now that the folders exist
    target.write_text(text, encoding="utf-8")
    return target
