"""The JSON-Schema-Test-Suite through `accord gen python` and through datamodel-code-generator
+ pydantic v2, in the same run, as issue #16 measures it.

Every group of `tests/conformance/JSON-Schema-Test-Suite/tests/{draft2020-12,draft7}` but
refRemote is wrapped as property ``v`` of an object (`tests/conformance/suite.py`; a
schema whose references are relative to its own root travels as an embedded resource).
Accord: a group is generated or refused; each instance ``{"v": data}`` goes through
``from_dict`` of the dataclasses class (the pydantic style runs the same checks; the
conformance test asserts both). Peer: `datamodel_code_generator.generate` to a pydantic v2
model, then ``Model.model_validate``. A wrong accept is an instance the suite calls invalid
that the class takes; a wrong reject the reverse; an exception other than a validation
error is a crash.

Run: `.venv/bin/python benchmarks/bench_suite.py` (writes the tables to stdout, as
Markdown, for `site/docs/codegen.md` and `benchmarks/codegen.md`).
"""

from __future__ import annotations

import importlib
import json
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.conformance.suite import DRAFTS, Group, groups  # noqa: E402


def _registry(chosen: list[Group]) -> Any:
    from accord.registry.model import Contract, ContractVersion, Registry

    return Registry(root="suite", contracts=tuple(
        Contract(event=g.event, path=f"suite/{g.event}.yaml", summary="suite", owner="suite",
                 channel=g.event, versions=(ContractVersion(
                     number=1, schema=g.contract_schema(), resolved=g.contract_schema()),))
        for g in chosen))


def _tally(group: Group, load: Any, refusal: type[Exception]) -> Counter[str]:
    """right / wrong_accept / wrong_reject / crash over a group's instances, each sent as
    ``{"v": instance}`` to ``load``; ``refusal`` is the error that means "rejected"."""
    tally: Counter[str] = Counter()
    for _, data, valid in group.tests:
        try:
            load({"v": data})
            accepted = True
        except refusal:
            accepted = False
        except Exception:
            tally["crash"] += 1
            continue
        tally["wrong_accept" if accepted and not valid else
              "wrong_reject" if valid and not accepted else "right"] += 1
    return tally


def accord(draft: str, out: Path) -> dict[str, dict[str, Any]]:
    from accord.codegen import generate_python, write_package
    from accord.codegen.build import CodegenError

    found: dict[str, dict[str, Any]] = {}
    chosen = []
    for g in groups(draft):
        try:
            generate_python(_registry([g]), package="probe")
        except CodegenError as exc:
            found[g.id] = {"generated": False, "why": str(exc).rsplit(": at ", 1)[-1]}
            continue
        chosen.append(g)
    package = f"suite_{draft.replace('-', '_')}"
    write_package(generate_python(_registry(chosen), package=package), out)
    sys.path.insert(0, str(out))
    events = importlib.import_module(package)
    for g in chosen:
        cls = events.EVENTS[(g.event, 1)]
        found[g.id] = {"generated": True,
                       **_tally(g, cls.from_dict, events.ValidationError)}
    return found


def peer(draft: str, out: Path) -> dict[str, dict[str, Any]]:
    from datamodel_code_generator import DataModelType, InputFileType, generate
    from pydantic import ValidationError

    found: dict[str, dict[str, Any]] = {}
    for n, g in enumerate(groups(draft)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                code = generate(json.dumps(g.contract_schema()),
                                input_file_type=InputFileType.JsonSchema,
                                output_model_type=DataModelType.PydanticV2BaseModel,
                                class_name="Event")
            module_path = out / f"peer_{draft.replace('-', '_')}_{n}.py"
            module_path.write_text(str(code), "utf-8")
            sys.path.insert(0, str(out))
            model = importlib.import_module(module_path.stem).Event
        except Exception as exc:
            found[g.id] = {"generated": False, "why": type(exc).__name__}
            continue
        found[g.id] = {"generated": True,
                       **_tally(g, model.model_validate, ValidationError)}
    return found


def _row(name: str, results: dict[str, dict[str, Any]]) -> str:
    made = [r for r in results.values() if r["generated"]]
    exact = sum(1 for r in made if not (r.get("wrong_accept") or r.get("wrong_reject")
                                        or r.get("crash")))
    total = len(results)
    return (f"| {name} | {len(made)} ({100 * len(made) / total:.1f}%) | {exact} | "
            f"{total - len(made)} | {sum(r.get('wrong_accept', 0) for r in made)} | "
            f"{sum(r.get('wrong_reject', 0) for r in made)} | "
            f"{sum(r.get('crash', 0) for r in made)} |")


def main() -> None:
    import datamodel_code_generator
    import pydantic

    from accord import __version__

    out = Path(tempfile.mkdtemp(prefix="accord-suite-"))
    keyword_rows: dict[str, dict[str, list[int]]] = defaultdict(dict)
    print(f"accord {__version__}, datamodel-code-generator "
          f"{datamodel_code_generator.get_version()}, pydantic {pydantic.VERSION}\n")
    for draft in DRAFTS:
        started = time.perf_counter()
        ours = accord(draft, out)
        ours_s = time.perf_counter() - started
        started = time.perf_counter()
        theirs = peer(draft, out)
        theirs_s = time.perf_counter() - started
        instances = sum(len(g.tests) for g in groups(draft))
        print(f"### {draft}: {len(ours)} groups, {instances} instances\n")
        print("| | groups generated | of which exact | refused | wrong accepts | "
              "wrong rejects | crashes |")
        print("|---|---|---|---|---|---|---|")
        print(_row("`accord gen python`", ours))
        print(_row("datamodel-codegen + pydantic v2", theirs))
        print(f"\n(run time: Accord {ours_s:.1f} s, peer {theirs_s:.1f} s)\n")
        refusals = Counter(r["why"] for r in ours.values() if not r["generated"])
        if refusals:
            print("Accord's refusals:\n")
            for why, count in refusals.most_common():
                print(f"- {count} × {why}")
            print()
        for gid, r in ours.items():
            keyword = gid.split("/")[1]
            row = keyword_rows[keyword].setdefault(draft, [0, 0, 0, 0])
            row[0] += 1
            row[1] += int(r["generated"] and not (r.get("wrong_accept") or r.get("crash")))
            row[2] += int(theirs[gid]["generated"])
            row[3] += int(theirs[gid]["generated"] and not theirs[gid].get("wrong_accept")
                          and not theirs[gid].get("crash"))
    print("### By keyword (file of the suite): groups generated with no wrong accept\n")
    print("| keyword | 2020-12 Accord | 2020-12 peer | draft-07 Accord | draft-07 peer |")
    print("|---|---|---|---|---|")
    for keyword in sorted(keyword_rows):
        cells = []
        for draft in DRAFTS:
            row = keyword_rows[keyword].get(draft)
            cells += [f"{row[1]}/{row[0]}", f"{row[3]}/{row[0]}"] if row else ["–", "–"]
        print(f"| {keyword} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
