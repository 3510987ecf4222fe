"""``--html``: a self-contained page people read: the verdict and figures, a table of
invariants (held, violated, lowered, not checkable here and why), the faults injected by
kind, each violation with its reproducer and the command to replay it, and latency and
lag charts with axes, ticks and units. No script and nothing fetched: it works offline."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from accord.sim.charts import Line, line_chart
from accord.sim.report import Report, percentile

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;
max-width:860px;padding:0 1em;color:#111827;line-height:1.45}
h1{font-size:1.5em;margin-bottom:.2em} h2{margin-top:1.6em;font-size:1.2em}
h3{font-size:1em;margin:1.2em 0 .3em}
.verdict{display:inline-block;padding:.15em .6em;border-radius:4px;font-weight:600}
.ok{background:#dcfce7;color:#166534} .failed{background:#fee2e2;color:#991b1b}
.stopped{background:#fef3c7;color:#92400e}
table{border-collapse:collapse;width:100%;margin:.4em 0;font-size:.92em}
th,td{border:1px solid #d1d5db;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f4f6} td.num{text-align:right;font-variant-numeric:tabular-nums}
.held{color:#166534} .violated{color:#991b1b;font-weight:600} .lowered{color:#92400e}
.unchecked{color:#6b7280}
pre{background:#f4f4f5;padding:.7em;overflow:auto;font-size:.85em}
code{background:#f4f4f5;padding:0 .25em}
svg.chart{max-width:100%;height:auto} .grid{stroke:#e5e7eb} .axis{stroke:#6b7280}
.tick{font-size:11px;fill:#374151} .unit{font-size:12px;fill:#111827}
.legend{font-size:.9em} .note{color:#6b7280}
"""


def _esc(value: object) -> str:
    return html.escape(str(value))


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    cells = "".join(f"<th>{_esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td class='num'>{c}</td>" if i in numeric else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _verdict(report: Report) -> str:
    if report.error is not None:
        return f"<span class='verdict stopped'>STOPPED</span> {_esc(report.error)}"
    if report.ok:
        return "<span class='verdict ok'>ok</span> every invariant and SLO holds"
    return (f"<span class='verdict failed'>FAILED</span> "
            f"{len(report.violations)} violation(s)")


def _figures(report: Report) -> str:
    m = report.metrics
    lat = m["latency_ms"]
    clock = (f"{m['virtual_ms'] / 1000:,.1f} s virtual" if "virtual_ms" in m else
             f"{m['elapsed_ms'] / 1000:,.1f} s real time on {m['broker']}")
    rows = [
        ["events published by producers", f"{m['events']:,}"],
        ["records (with follow-ups and copies)", f"{m['published']:,}"],
        ["follow-ups published by handlers", f"{m['follow_ups']:,}"],
        ["run time", _esc(clock)],
        ["latency p50 / p95 / p99 / max",
         f"{lat['p50']} / {lat['p95']} / {lat['p99']} / {lat['max']} ms"],
        ["redelivered", f"{m['redelivered']:,}"],
        ["dead-lettered", _esc(", ".join(f"{n:,} {r}" for r, n in m["dead_lettered"].items())
                               or "0") + f" (rate {m['dlq_rate']})"],
        ["largest lag", _esc(", ".join(f"{g} {n:,}" for g, n in m["max_lag"].items()) or "-")],
    ]
    return _table(["figure", "value"], [[_esc(a), b] for a, b in rows])


def _invariants(report: Report) -> str:
    names = list(report.checked)
    for v in [*report.violations, *report.warnings]:
        if v.invariant not in names:
            names.append(v.invariant)
    for name in report.unchecked:
        if name not in names and not name.startswith("fault "):
            names.append(name)
    rows = []
    for name in names:
        broken = [v for v in report.violations if v.invariant == name]
        lowered = [v for v in report.warnings if v.invariant == name]
        if name in report.unchecked:
            status, note = "<span class='unchecked'>not checkable here</span>", \
                _esc(report.unchecked[name])
        elif broken:
            status = f"<span class='violated'>violated ({len(broken)})</span>"
            note = _esc(broken[0].message)
        elif lowered:
            status = "<span class='lowered'>warning (lowered with warn:)</span>"
            note = _esc(lowered[0].message)
        else:
            status, note = "<span class='held'>held</span>", ""
        rows.append([f"<code>{_esc(name)}</code>", status, note])
    return _table(["invariant", "status", "first finding, or why"], rows)


def _faults(report: Report) -> str:
    injected = report.metrics["faults"]
    rows = [[f"<code>{_esc(kind)}</code>", f"{count:,}", "injected"]
            for kind, count in injected.items()]
    rows += [[f"<code>{_esc(name.removeprefix('fault '))}</code>", "0",
              f"not injected: {_esc(why)}"]
             for name, why in report.unchecked.items() if name.startswith("fault ")]
    if not rows:
        return "<p class='note'>No fault was injected.</p>"
    return _table(["fault", "times", ""], rows, numeric={1})


def _violations(report: Report) -> str:
    if not report.violations:
        return "<p class='note'>None.</p>"
    parts = []
    for v in report.violations:
        where = ", ".join(x for x in (v.group and f"group {v.group}",
                                      v.event and f"event {v.event}") if x)
        parts.append(f"<h3><code>{_esc(v.invariant)}</code>"
                     f"{' (' + _esc(where) + ')' if where else ''}</h3><p>{_esc(v.message)}</p>")
        if v.detail:
            parts.append(f"<pre>{_esc(v.detail)}</pre>")
    if report.repro:
        events, faults = report.shrunk or (0, 0)
        parts.append(f"<h3>Reproducer</h3><p>Shrunk to {events} event(s) and {faults} "
                     f"fault(s): <code>{_esc(report.repro)}</code>. Replay it with</p>"
                     f"<pre>accord sim replay {_esc(report.repro)}</pre>")
    elif "broker" in report.metrics:
        parts.append("<p class='note'>No reproducer: shrinking runs on the embedded broker "
                     "only (the same command without --broker).</p>")
    return "".join(parts)


def _charts(report: Report) -> str:
    series: dict[str, Any] = report.series
    clock = "virtual" if "virtual_ms" in report.metrics else "real"
    latency: dict[int, dict[int, int]] = series.get("latency", {})
    lat: dict[str, Line] = {"p50": [], "p95": [], "p99": []}
    for second in sorted(latency):
        for name, pct in (("p50", 50), ("p95", 95), ("p99", 99)):
            lat[name].append((second, percentile(latency[second], pct)))
    lag: dict[str, Line] = {}
    for now, lags in series.get("lag", []):
        for group, n in lags.items():
            lag.setdefault(group, []).append((now / 1000, n))
    x_unit = f"run time (s, {clock})"
    return (line_chart("Produce-to-ack latency, per second of the run", lat, x_unit, "ms")
            + line_chart("Lag per consumer group", lag, x_unit, "records"))


def render(report: Report) -> str:
    """The page, as text."""
    return "\n".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>accord sim: {_esc(report.scenario)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_esc(report.scenario)}</h1>",
        f"<p>seed {report.seed} &middot; {_verdict(report)}</p>",
        "<h2>Figures</h2>", _figures(report),
        "<h2>Invariants</h2>", _invariants(report),
        "<h2>Faults injected</h2>", _faults(report),
        "<h2>Violations</h2>", _violations(report),
        "<h2>Charts</h2>", _charts(report),
        "</body></html>",
    ])


def write_html(path: Path, report: Report) -> None:
    path.write_text(render(report), "utf-8")
