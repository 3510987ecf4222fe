"""The docs site against EventCatalog, on the same catalog (issue 20).

    .venv/bin/python benchmarks/bench_eventcatalog.py   (or: benchmarks/run.py --only eventcatalog)

`synth.generate(contracts=100, versions=1)`: 100 events across 10 domains and their
services. The same events, summaries, owners, producers and consumers are written as an
EventCatalog 3 project (events/<id>/index.mdx, services/<id>/index.mdx with sends and
receives, eventcatalog.config.js), which `npx eventcatalog build` builds with
@eventcatalog/core from npm (installed on first run under benchmarks/_work). Each tool's
build runs in its own process, alternating, ACCORD_BENCH_REPS times (default 3); wall
and CPU of the process tree (wait4). Needs Node.js and npm.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work" / "eventcatalog"
CORE = "3.48.4"


def _timed(argv: list[str], cwd: Path, env: dict[str, str] | None = None
           ) -> tuple[float, float]:
    started = time.perf_counter()
    with subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, env=env,
                          stderr=subprocess.PIPE, text=True) as child:
        err = child.stderr.read() if child.stderr else ""
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{err[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def _eventcatalog(registry_dir: Path, project: Path) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from accord.registry import load_registry

    registry = load_registry(str(registry_dir))
    for folder in ("events", "services", "domains"):
        shutil.rmtree(project / folder, ignore_errors=True)
    sends: dict[str, list[str]] = {}
    receives: dict[str, list[str]] = {}
    for c in registry.contracts:
        name = c.event.replace(".", "-")
        page = project / "events" / name / "index.mdx"
        page.parent.mkdir(parents=True)
        page.write_text("---\n" + "\n".join([
            f"id: {name}", f"name: {json.dumps(c.name)}", "version: 0.0.1",
            f"summary: {json.dumps(c.summary or c.event)}",
        ]) + "\n---\n\n" + (c.description or c.summary or "") + "\n\n<NodeGraph />\n")
        for service in c.producers:
            sends.setdefault(service, []).append(name)
        for service in c.consumers:
            receives.setdefault(service, []).append(name)
    for service in sorted({*sends, *receives}):
        page = project / "services" / service / "index.mdx"
        page.parent.mkdir(parents=True)
        lines = [f"id: {service}", f"name: {json.dumps(service)}", "version: 0.0.1",
                 f"summary: {json.dumps('The ' + service + ' service')}"]
        for key, names in (("sends", sends.get(service, [])),
                           ("receives", receives.get(service, []))):
            if names:
                lines.append(f"{key}:")
                lines += [f"  - id: {n}" for n in names]
        page.write_text("---\n" + "\n".join(lines) + "\n---\n\n<NodeGraph />\n")


def _project() -> Path:
    project = WORK / "catalog"
    project.mkdir(parents=True, exist_ok=True)
    (project / "package.json").write_text(json.dumps({
        "name": "bench-catalog", "version": "0.0.1", "private": True, "type": "module",
        "dependencies": {"@eventcatalog/core": CORE}}, indent=2))
    (project / "eventcatalog.config.js").write_text(
        "export default {\n  cId: 'b8e5b1f0-0000-4000-8000-000000000000',\n"
        "  title: 'Shop', organizationName: 'Shop', homepageLink: 'https://example.com',\n"
        "  output: 'static', trailingSlash: false, base: '/',\n};\n")
    if not (project / "node_modules" / "@eventcatalog" / "core").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"],
                       cwd=project, check=True)
    return project


def _node_env() -> dict[str, str]:
    """An environment whose `node` is 22.12 or newer, as Astro (under EventCatalog) needs:
    the system's, or `node@22` from npm under benchmarks/_work."""
    found = shutil.which("node")
    version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout \
        if found else ""
    parts = [*version.strip().lstrip("v").split("."), "0", "0"]
    major, minor = (int(parts[0] or 0), int(parts[1] or 0)) if version else (0, 0)
    if (major, minor) >= (22, 12):
        return dict(os.environ)
    folder = WORK / "node"
    if not (folder / "node_modules" / ".bin" / "node").exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                        "--prefix", str(folder), "node@22"], check=True)
    bin_dir = folder / "node_modules" / ".bin"
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}


def main() -> None:
    sys.path.insert(0, str(HERE))
    import synth

    reps = int(os.environ.get("ACCORD_BENCH_REPS", "3"))
    workspace = synth.generate(WORK / "accord", contracts=100, versions=1, seed=0)
    project = _project()
    node = _node_env()
    _eventcatalog(workspace / "contracts", project)
    services = len(list((project / "services").iterdir()))
    accord = [sys.executable, "-m", "accord", "docs", "build", "--out", "site"]
    eventcatalog = ["npx", "--no-install", "eventcatalog", "build"]
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(reps):
        ours.append(_timed(accord, workspace))
        theirs.append(_timed(eventcatalog, project, node))
    a_wall = statistics.median(w for w, _ in ours)
    e_wall = statistics.median(w for w, _ in theirs)
    a_cpu = statistics.median(c for _, c in ours)
    e_cpu = statistics.median(c for _, c in theirs)
    print(f"100 events, {services} services, {reps} runs each, medians")
    print(f"  accord docs build     wall {a_wall:6.1f} s   cpu {a_cpu:6.1f} s")
    print(f"  eventcatalog build    wall {e_wall:6.1f} s   cpu {e_cpu:6.1f} s "
          f"(@eventcatalog/core {CORE})")
    print(f"  accord is {e_wall / a_wall:.1f}x faster (wall), {e_cpu / a_cpu:.1f}x (CPU); "
          "target >= 10x")


if __name__ == "__main__":
    main()
