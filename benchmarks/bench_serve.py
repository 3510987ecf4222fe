"""`accord registry serve` under load: schema-id lookups and content lookups, 50 clients.

For registries of 10, 100 and 1,000 synthetic contracts (× 3 versions), the real command
(`accord registry serve --subjects record`) serves in a subprocess, and wrk (a C load
generator, Debian's `wrk`) drives it with 50 connections on this same 2-core machine:

- `GET /schemas/ids/{id}`, cycling through every id of the registry (what a deserializer
  asks for each new id it meets);
- `POST /subjects/{subject}`, the content lookup a serializer makes with
  `auto.register.schemas: False`, cycling through every schema, sent re-indented.

Baseline, same run: the same stack (uvicorn, httptools, uvloop, no access log) serving a
fixed 2-byte body from a bare ASGI function: the ceiling of the stack on this machine.
The load generator's own CPU is reported (cores used), since it shares the 2 cores.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import generate  # noqa: E402

ACCORD = str(Path(sys.executable).with_name("accord"))
SIZES = (10, 100, 1000)
SECONDS = 5
ROUNDS = 3
CONNECTIONS = 50

_GET = """
local ids = {}
init = function(args) for line in io.lines(args[1]) do ids[#ids + 1] = line end end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/schemas/ids/" .. ids[(i % #ids) + 1])
end
"""
_POST = """
local reqs = {}
init = function(args)
  for line in io.lines(args[1]) do
    local path, body = line:match("([^\\t]+)\\t(.*)")
    reqs[#reqs + 1] = wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
  end
end
local i = 0
request = function() i = i + 1; return reqs[(i % #reqs) + 1] end
"""
_BARE = textwrap.dedent("""
    import socket, sys, uvicorn
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"{}"})
    sock = socket.socket(); sock.bind(("127.0.0.1", 0)); sock.listen(2048)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, lifespan="off", access_log=False, log_level="warning",
                            server_header=False, date_header=False)
    uvicorn.Server(config).run(sockets=[sock])
""")


def _start(cmd: list[str], cwd: Path) -> tuple[subprocess.Popen[str], str, float]:
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if "http://" in line:
            url = "http://" + line.split("http://", 1)[1].split()[0]
            return process, url, time.perf_counter() - started
    raise RuntimeError(f"{' '.join(cmd)} did not start")


def _wrk(url: str, script: Path, data: Path) -> tuple[float, float]:
    """(requests/s, cores the load generator used); fails on any non-2xx answer."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "-s", str(script), url, "--",
         str(data)], capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw error answers:\n{out}")
    rate = float(next(line for line in out.splitlines() if "Requests/sec" in line).split()[1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return rate, cpu / SECONDS


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="accord-bench-serve-"))
    servers: list[subprocess.Popen[str]] = []
    try:
        (work / "get.lua").write_text(_GET)
        (work / "post.lua").write_text(_POST)
        (work / "bare.py").write_text(_BARE)
        bare, bare_url, _ = _start([sys.executable, str(work / "bare.py")], work)
        servers.append(bare)
        (work / "none.txt").write_text("0\n")
        rows: dict[str, list[tuple[float, float]]] = {"bare": []}
        starts: dict[int, float] = {}
        urls: dict[int, str] = {}
        for size in SIZES:
            root = work / f"r{size}"
            generate(root, contracts=size, versions=3, seed=0)
            ids = json.loads(subprocess.run([ACCORD, "registry", "ids", "--format", "json",
                                             "--subjects", "record"], cwd=root, check=True,
                                            capture_output=True, text=True).stdout)
            (work / f"ids{size}.txt").write_text("".join(f"{r['id']}\n" for r in ids))
            process, url, start = _start([ACCORD, "registry", "serve", "--port", "0",
                                          "--subjects", "record"], root)
            servers.append(process)
            starts[size], urls[size] = start, url
            lines = []
            for r in ids:
                if r["status"] == "retired":
                    continue
                text = json.dumps(_fetch_json(f"{url}/schemas/ids/{r['id']}/schema"), indent=2)
                body = json.dumps({"schema": text, "schemaType": "JSON"})
                lines.append(f"/subjects/{r['subject']}\t{body}\n")
            (work / f"post{size}.txt").write_text("".join(lines))
            rows[f"get{size}"], rows[f"post{size}"] = [], []
        for _ in range(ROUNDS):  # alternate, so that noise hits every row alike
            rows["bare"].append(_wrk(bare_url, work / "get.lua", work / "none.txt"))
            for size in SIZES:
                rows[f"get{size}"].append(
                    _wrk(urls[size], work / "get.lua", work / f"ids{size}.txt"))
                rows[f"post{size}"].append(
                    _wrk(urls[size], work / "post.lua", work / f"post{size}.txt"))
        base = statistics.median(r for r, _ in rows["bare"])
        print(f"\n### accord registry serve ({ROUNDS} rounds of {SECONDS} s, {CONNECTIONS} "
              "connections, wrk -t2 on the same 2 cores)\n")
        print("| what | registry | requests/s (median) | rounds | vs bare stack | wrk's cores |")
        print("|---|---|---|---|---|---|")

        def row(name: str, key: str, size: str) -> None:
            rates = [r for r, _ in rows[key]]
            cores = statistics.median(c for _, c in rows[key])
            median = statistics.median(rates)
            print(f"| {name} | {size} | {median:,.0f} | {min(rates):,.0f}–{max(rates):,.0f} | "
                  f"{median / base:.2f}× | {cores:.2f} |")

        row("bare uvicorn ASGI, fixed body (baseline)", "bare", "–")
        for size in SIZES:
            row("`GET /schemas/ids/{id}`", f"get{size}", f"{size} × 3")
        for size in SIZES:
            row("`POST /subjects/{s}` lookup", f"post{size}", f"{size} × 3")
        print("\n| registry | start-up (load, build every answer, listen) |")
        print("|---|---|")
        for size in SIZES:
            print(f"| {size} × 3 | {starts[size]:.2f} s |")
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _fetch_json(url: str) -> object:
    import urllib.request

    with urllib.request.urlopen(url) as response:
        return json.loads(response.read())


if __name__ == "__main__":
    main()
