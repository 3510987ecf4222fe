"""A registry from an untrusted pull request can't read, write or reach anything outside
it: one test per attack class of issue 22 that this module covers, and one per promise
that held. Each runs the real CLI in a bounded process, with a loopback listener that
fails the test on any connection."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.security.conftest import Listener, accord, asyncapi, project

SECRET = "hunter2-do-not-print"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "secret.yaml"
    path.write_text(f"type: string\nconst: {SECRET}\n")
    return path


# -- $dynamicRef and friends never reach the network or the file system ----------------

@pytest.mark.parametrize("command", [["lint"], ["check"], ["gen", "python", "--out", "g"],
                                     ["export", "asyncapi"]])
@pytest.mark.parametrize("target", ["{url}/schema.json#m", "file://{secret}#m",
                                    "data:application/json,%7B%7D#m"])
def test_dynamic_ref_reaches_nothing(tmp_path: Path, listener: Listener, secret: Path,
                                     command: list[str], target: str) -> None:
    ref = target.format(url=listener.url, secret=secret)
    root = project(tmp_path / "p", f"note: {{$dynamicRef: '{ref}', description: A note.}}")
    run = accord(root, *command)
    assert run.code == 2
    assert "leaves the document" in run.err and "order_placed.yaml:" in run.err
    assert SECRET not in run.text


def test_dynamic_ref_to_no_anchor_is_a_located_error(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "note: {$dynamicRef: '#nope', description: A note.}")
    run = accord(root, "lint")
    assert run.code == 2 and "points at nothing" in run.err and "order_placed.yaml:" in run.err


def test_pytest_plugin_validate_reaches_nothing(tmp_path: Path, listener: Listener) -> None:
    """The plugin validates with a registry that refuses retrieval, even for a schema that
    bypassed the loader."""
    from accord.validation import closed_validator

    # Without the closed registry jsonschema would fetch this URL (the listener fails the
    # test on any connection); with it, the reference is simply unresolvable.
    for schema in ({"$dynamicRef": f"{listener.url}/s.json#m"},
                   {"$ref": f"{listener.url}/s.json"}):
        with pytest.raises(Exception, match=r"Unresolvable|s\.json"):
            closed_validator(schema).is_valid(1)


# -- symlinks out of the registry ---------------------------------------------------------

def test_a_contract_symlinked_to_a_secret_is_refused_unread(tmp_path: Path,
                                                             secret: Path) -> None:
    root = project(tmp_path / "p")
    os.symlink(secret, root / "contracts/orders/order_shipped.yaml")
    run = accord(root, "lint")
    assert run.code == 2 and "symbolic link" in run.err
    assert SECRET not in run.text


@pytest.mark.parametrize("command", [["lint"], ["export", "asyncapi"]])
def test_a_shared_folder_symlinked_outside_is_refused(tmp_path: Path, secret: Path,
                                                      command: list[str]) -> None:
    root = project(tmp_path / "p", "code: {$ref: ../_shared/secret.yaml, description: C.}")
    os.symlink(secret.parent, root / "contracts/_shared")
    run = accord(root, *command)
    assert run.code == 2 and "symbolic link" in run.err
    assert SECRET not in run.text


def test_a_symlink_inside_the_registry_is_fine(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "code: {$ref: ../_shared/id.yaml, description: C.}",
                   {"contracts/_real/id.yaml": "type: string\n"})
    os.symlink(root / "contracts/_real", root / "contracts/_shared")
    assert accord(root, "lint").code in (0, 1)


# -- encoded and plain escapes (the promises that held, kept) ---------------------------

@pytest.mark.parametrize("ref", ["../../outside/secret.yaml", "%2e%2e/%2e%2e/outside/secret.yaml",
                                 "file://{secret}", "{url}/x.yaml", "%2f{secret_rel}",
                                 "/{secret_rel}"])
def test_refs_out_of_the_registry_are_refused(tmp_path: Path, listener: Listener,
                                              secret: Path, ref: str) -> None:
    ref = ref.format(secret=secret, url=listener.url, secret_rel=str(secret).lstrip("/"))
    root = project(tmp_path / "p", f"code: {{$ref: '{ref}', description: C.}}")
    run = accord(root, "lint")
    assert run.code == 2 and SECRET not in run.text


def test_an_encoded_absolute_path_does_not_say_whether_it_exists(tmp_path: Path,
                                                                 secret: Path) -> None:
    def message(path: str) -> str:
        root = project(tmp_path / f"p{len(path)}",
                       f"code: {{$ref: '%2f{path.lstrip('/')}', description: C.}}")
        return accord(root, "lint").err.replace(path.lstrip("/"), "PATH")

    assert message(str(secret)) == message(str(secret) + "-missing").replace(
        "-missing", "")


def test_yaml_tags_and_alias_bombs_are_refused(tmp_path: Path) -> None:
    root = project(tmp_path / "p", "x: !!python/object/apply:os.system [echo pwned]")
    assert accord(root, "lint").code == 2
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    (root / "contracts/_shared").mkdir()
    (root / "contracts/_shared/bomb.yaml").write_text(bomb)
    run = accord(root, "lint")
    assert run.code == 2 and "alias bomb" in run.err


def test_base_option_injection_is_a_ref_not_an_option(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    run = accord(root, "check", "--base", "--output=/tmp/pwned")
    assert run.code == 2 and not Path("/tmp/pwned").exists()


# -- import writes only under --into ----------------------------------------------------

def _message(**extra: object) -> dict[str, object]:
    return {"name": "OrderPlaced", "payload": {"type": "object", "properties": {
        "order_id": {"type": "string"}}}, **extra}


@pytest.mark.parametrize("extra", [
    {"x-accord-path": "../../escaped.yaml"},
    {"x-accord-path": "/tmp/escaped-abs.yaml"},
    {"x-accord-path": "file:///tmp/escaped.yaml"},
    {"x-accord-path": "..\\\\escaped.yaml"},
    {"x-accord-event": "/abs/dom.Foo"},
    {"x-accord-event": "../../dom.Foo"},
])
def test_import_never_writes_outside_into(tmp_path: Path, extra: dict[str, object]) -> None:
    (tmp_path / "doc.json").write_text(asyncapi({"OrderPlaced": _message(**extra)}))
    before = set(tmp_path.rglob("*"))
    run = accord(tmp_path, "import", "asyncapi", "doc.json", "--into", "c", "--force")
    assert run.code == 2, run.text
    assert set(tmp_path.rglob("*")) == before
    assert not Path("/tmp/escaped-abs.yaml").exists()


def test_import_does_not_follow_a_symlinked_folder_inside_into(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(asyncapi({"OrderPlaced": _message()}))
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "c").mkdir()
    os.symlink(outside, tmp_path / "c" / "orders")
    run = accord(tmp_path, "import", "asyncapi", "doc.json", "--into", "c", "--force")
    assert run.code == 2 and "symbolic link" in run.err
    assert list(outside.iterdir()) == []


def test_import_force_does_not_write_through_a_symlinked_file(tmp_path: Path) -> None:
    (tmp_path / "doc.json").write_text(asyncapi({"OrderPlaced": _message()}))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    target = tmp_path / "c/orders/order_placed.yaml"
    target.parent.mkdir(parents=True)
    os.symlink(victim, target)
    run = accord(tmp_path, "import", "asyncapi", "doc.json", "--into", "c", "--force")
    assert run.code == 2
    assert victim.read_text() == "keep me"


# -- docs build --out writes only into a folder it owns ---------------------------------

@pytest.mark.parametrize("out", [".", "contracts", "docs", ".."])
def test_docs_out_never_deletes_the_project(tmp_path: Path, out: str) -> None:
    root = project(tmp_path / "p", files={"docs/guide.md": "# Hand-written\n"})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    run = accord(root, "docs", "build", "--out", out)
    assert run.code == 2, run.text
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_docs_out_is_rebuilt_when_it_is_a_previous_build(tmp_path: Path) -> None:
    root = project(tmp_path / "p")
    assert accord(root, "docs", "build", "--out", "build/site").code == 0
    assert (root / "build/site/.accord-site").is_file()
    assert accord(root, "docs", "build", "--out", "build/site").code == 0
