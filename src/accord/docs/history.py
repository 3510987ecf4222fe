"""When each contract version first appeared, from git: the dates of a changelog.

One `git log` over the registry folder, then each contract file read at each commit that
touched it, oldest first: a version's date is the author date of the first commit whose
file has it. Outside a git work tree (or with git missing) there are no dates, and the
pages say "date unknown".
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from accord.errors import AccordError
from accord.registry.yamlio import load_yaml

Dates = dict[str, dict[int, str]]
"""event -> version number -> ISO date of the commit that added it."""


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _blobs(root: Path, names: list[str]) -> list[bytes | None]:
    """The contents of ``commit:path`` names, in order, read through one `git cat-file
    --batch` (a process per file was most of the cost on long histories)."""
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], cwd=root, check=False,
                              input="".join(f"{n}\n" for n in names).encode(),
                              capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return [None] * len(names)
    out, at = done.stdout, 0
    found: list[bytes | None] = []
    for _ in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[-1] == b"missing":
            found.append(None)
            continue
        size = int(header[2])
        found.append(out[at:at + size])
        at += size + 1  # the blob, then a newline
    return found


def version_dates(registry_dir: Path) -> Dates:
    """The date each version of each contract under ``registry_dir`` was committed."""
    folder = registry_dir.resolve()
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    root = Path(top.strip())
    log = _git(root, "log", "--reverse", "--format=@%H %aI", "--name-only", "--",
               str(folder.relative_to(root)))
    if not log:
        return {}
    touched: list[tuple[str, str, str]] = []  # (commit, day, path), oldest first
    commit = day = ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit, day = line[1:].split(" ", 1)
        elif line.endswith((".yaml", ".yml")) and "/_shared/" not in f"/{line}":
            touched.append((commit, day, line))
    dates: Dates = {}
    blobs = _blobs(root, [f"{c}:{path}" for c, _, path in touched])
    for (_, day, path), blob in zip(touched, blobs, strict=True):
        if blob is None:
            continue  # deleted in this commit
        try:
            document, _ = load_yaml(blob, path)
        except AccordError:  # a broken file in some old commit: no date from it
            continue
        if not isinstance(document, dict) or not isinstance(document.get("versions"), dict):
            continue
        known = dates.setdefault(str(document.get("event")), {})
        for number in document["versions"]:
            if str(number).isdigit():
                known.setdefault(int(number), day[:10])
    return dates


def ref_date(registry_dir: Path, ref: str) -> str | None:
    """The ISO date of a git ref's commit, or None when it is not one."""
    out = _git(registry_dir.resolve(), "log", "-1", "--format=%aI", ref, "--")
    return out.strip()[:10] if out and out.strip() else None
