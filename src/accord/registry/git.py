"""The registry as of a git ref, read through git itself: no checkout, no work-tree change."""

from __future__ import annotations

import subprocess
from pathlib import Path

from accord.errors import UsageError
from accord.registry.loader import Files, is_shared


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; --base needs it") from None
    if result.returncode != 0:
        raise _Failed(result.stderr.decode("utf-8", "replace").strip())
    return result.stdout


class _Failed(Exception):
    pass


class GitTree:
    """The files of one folder at one commit, read in one `git cat-file --batch` call."""

    def __init__(self, folder: Path, ref: str) -> None:
        folder = folder.resolve()
        try:
            top = Path(_git(["rev-parse", "--show-toplevel"], folder).decode().strip())
        except _Failed:
            raise UsageError(f"{folder} is not inside a git repository; --base needs one") \
                from None
        try:
            self.commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                               top).decode().strip()
        except _Failed:
            if not _git(["rev-list", "-n", "1", "--all"], top).strip():
                raise UsageError(
                    f"unknown git ref {ref!r}: the repository has no commits yet, "
                    "so there is no base to check against"
                ) from None
            raise UsageError(f"unknown git ref {ref!r}") from None
        self.ref = ref
        self.prefix = folder.relative_to(top.resolve()).as_posix()
        listing = _git(["ls-tree", "-r", "-z", self.commit, "--", self.prefix or "."], top)
        self._oids: dict[str, str] = {}
        for entry in listing.split(b"\0"):
            if not entry:
                continue
            meta, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
            _mode, kind, oid = meta.split()
            rel = name[len(self.prefix) + 1 :] if self.prefix else name
            if kind == "blob" and rel.endswith((".yaml", ".yml", ".json")):
                self._oids[rel] = oid
        self._top = top
        self._blobs: dict[str, bytes] | None = None

    @property
    def paths(self) -> list[str]:
        return sorted(p for p in self._oids if p.endswith((".yaml", ".yml")))

    def _fetch(self, wanted: list[str]) -> dict[str, bytes]:
        if not wanted:
            return {}
        oids = [self._oids[p] for p in wanted]
        out = _git(["cat-file", "--batch"], self._top, "\n".join(oids).encode() + b"\n")
        blobs: dict[str, bytes] = {}
        pos = 0
        for path in wanted:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split()[2])
            blobs[path] = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
        return blobs

    def reader(self, prefetch: list[str] | None = None) -> Files:
        """A file reader over this tree; ``prefetch`` paths (default: all) are read at once."""
        if self._blobs is None:
            wanted = self.paths if prefetch is None else [p for p in prefetch if p in self._oids]
            shared = [p for p in self._oids if is_shared(p) and p not in wanted]
            self._blobs = self._fetch(sorted(set(wanted)) + (shared if prefetch else []))

        def read(path: str) -> bytes:
            assert self._blobs is not None
            if path not in self._blobs:
                if path not in self._oids:
                    raise FileNotFoundError(path)
                self._blobs.update(self._fetch([path]))
            return self._blobs[path]

        return read

    def display_root(self, root: str) -> str:
        return f"{self.ref}:{root}"


def toplevel(folder: Path) -> Path | None:
    """The work tree's top folder, or None outside a git repository."""
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], folder.resolve()).decode().strip())
    except _Failed:
        return None


def unborn(folder: Path) -> bool:
    """True in a repository with no commits yet (its first commit is being made)."""
    top = toplevel(folder)
    if top is None:
        return False
    try:
        _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], top)
    except _Failed:
        return not _git(["rev-list", "-n", "1", "--all"], top).strip()
    return False


def staged_removals(folder: Path) -> list[Path]:
    """Files the index deletes or renames away from, against HEAD (absolute paths)."""
    top = toplevel(folder)
    if top is None:
        return []
    try:
        out = _git(["diff", "--cached", "--name-status", "-M", "-z"], top)
    except _Failed:
        return []
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    removed: list[Path] = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status.startswith(("R", "C")):
            if status.startswith("R"):
                removed.append(top / fields[i + 1])
            i += 3
        else:
            if status == "D":
                removed.append(top / fields[i + 1])
            i += 2
    return removed


def file_at(folder: Path, ref: str, name: str) -> bytes | None:
    """The bytes of ``folder/name`` at ``ref``, or None when it did not exist there."""
    tree = GitTree(folder, ref)
    try:
        return tree.reader([name])(name)
    except FileNotFoundError:
        return None
