"""AsyncAPI documents written by other tools and other people (tests/interop/asyncapi-other,
vendored with their licences; README.md there says where each comes from): Saunter and
SlimMessageBus (.NET), swaggest/go-asyncapi (Go), nestjs-asyncapi, Solace Event Portal
exports, eBay, Postman, Slack and Hoppscotch (in the AsyncAPI generator's fixtures), and
Microcks' samples. AsyncAPI 2.0.0 to 3.0.0, YAML and JSON, one split over relative $refs.

Two steps per document:
- import: `accord import asyncapi` exits 0 (or 1, its skips named in SKIPPED), the registry
  it writes loads, and lints with no error;
- round trip: export → import → export of that registry, byte for byte.

Every document passes both; FIXED says what 7 of them broke when first tried.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.governance.lint import lint
from accord.governance.rules import BUILTIN
from accord.interop.asyncapi_export import export_asyncapi
from accord.registry import load_registry
from accord.registry.model import Policy
from tests.interop.asyncapi_corpus import run

OTHER = Path(__file__).parent / "asyncapi-other"

DOCUMENTS = (
    "generator/asyncapi-hoppscotch-client.yml",
    "generator/asyncapi-postman-echo.yml",
    "generator/asyncapi-slack-client.yml",
    "go-asyncapi/sample-kafka.yaml",
    "microcks/UserSignedUpAPI-asyncapi.yml",
    "microcks/api-maintenance.async-api-spec.yaml",
    "microcks/spring-cloud-stream-asyncapi-nulls.yaml",
    "nestjs-asyncapi/feline.yaml",
    "saunter/streetlights-api.json",
    "slimmessagebus/sample-asyncapi-service.json",
    "solace/DriverApp.spec.yml",
    "solace/EventApi-Name.json",
    "solace/ebay.spec.yml",
)

SKIPPED: dict[str, tuple[str, ...]] = {}
"""Documents that import with messages left out (exit 1), and the messages the warning
names. None today."""

FIXED = {
    "generator/asyncapi-hoppscotch-client.yml": "an any-value payload `{}` (root-object), "
    "OpenAPI's `example`",
    "generator/asyncapi-postman-echo.yml": "an any-value payload `{}` (root-object)",
    "generator/asyncapi-slack-client.yml": "OpenAPI's `example` in shared schemas",
    "nestjs-asyncapi/feline.yaml": "OpenAPI's `example`",
    "saunter/streetlights-api.json": "OpenAPI's `nullable`",
    "slimmessagebus/sample-asyncapi-service.json": "an allOf root, draft-04's `id`",
    "solace/DriverApp.spec.yml": "draft-07 `$id: '#/properties/...'` below the root "
    "(the registry did not load: nothing imported)",
}
"""What each of these documents broke when first tried (2026-12-05), now imported: kept
as the record of what this corpus found."""


def _lint_errors(into: Path) -> list[str]:
    """Every lint error of the registry at ``into``: rule, message, file and pointer."""
    report = lint(load_registry(into), Policy(), [rule() for rule in BUILTIN])
    found = []
    for finding in report.findings:
        if finding.severity != "error":
            continue
        where = str(finding.location).split(":")[0] if finding.location else ""
        if where:
            where = Path(where).relative_to(into).as_posix()
        found.append(f"{finding.rule}: {finding.message} ({where} {finding.pointer})")
    return sorted(found)


def test_the_documents_are_all_there() -> None:
    found = {p.relative_to(OTHER).as_posix() for p in OTHER.rglob("*")
             if p.suffix in (".json", ".yml", ".yaml") and "commons" not in p.parts}
    assert found == set(DOCUMENTS)
    readme = (OTHER / "README.md").read_text("utf-8")
    for name in DOCUMENTS:
        assert f"`{name}`" in readme, name
        assert (OTHER / name.split("/")[0] / "LICENSE").is_file(), name
    assert set(SKIPPED) | set(FIXED) <= set(DOCUMENTS)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_imports_loads_and_lints_clean(name: str, tmp_path: Path) -> None:
    path = OTHER / name
    outcome = run(path, tmp_path / "contracts", cwd=path.parent)
    assert "Traceback" not in outcome.stderr, outcome.stderr
    if name in SKIPPED:
        assert outcome.exit_code == 1, outcome.stderr
        for message in SKIPPED[name]:
            assert f"{message} skipped" in outcome.stderr, outcome.stderr
    else:
        assert outcome.exit_code == 0, f"exit {outcome.exit_code}: {outcome.stderr}"
    assert outcome.loaded, outcome.load_error
    assert outcome.contracts > 0
    errors = _lint_errors(tmp_path / "contracts")
    assert not errors, f"{len(errors)} lint errors: " + "; ".join(errors)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_round_trips(name: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """export → import → export gives the same document, byte for byte (whatever lint
    says of the registry imported)."""
    path = OTHER / name
    outcome = run(path, tmp_path / "contracts", cwd=path.parent)
    assert outcome.loaded, f"exit {outcome.exit_code}: {outcome.stderr}"
    monkeypatch.chdir(tmp_path)
    first = json.dumps(export_asyncapi(load_registry(tmp_path / "contracts")), indent=2)
    (tmp_path / "again.json").write_text(first)
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["import", "asyncapi", "again.json", "--into", "again"])
    assert code == 0, err.getvalue()
    second = json.dumps(export_asyncapi(load_registry(tmp_path / "again")), indent=2)
    assert second == first


def test_examples_in_another_shape_are_left_out_with_a_warning(tmp_path: Path) -> None:
    """Microcks writes `examples: [{<name>: {payload: …}}]`, not AsyncAPI's list of
    {name, payload}: they cannot be read as examples, and the import says so."""
    path = OTHER / "microcks" / "api-maintenance.async-api-spec.yaml"
    outcome = run(path, tmp_path / "contracts", cwd=path.parent)
    assert outcome.exit_code == 0
    assert "example(s) not in AsyncAPI's shape" in outcome.stderr
    assert "api-maintenance.async-api-spec.yaml:" in outcome.stderr  # located
