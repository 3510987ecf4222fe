"""``--html``: a self-contained page with latency and lag plotted over the run's time
(virtual on the embedded broker, real on an engine)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from accord.sim.report import Report, percentile

WIDTH, HEIGHT, PAD = 760, 220, 40
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563")


def _chart(title: str, unit: str, lines: dict[str, list[tuple[float, float]]],
           clock: str) -> str:
    points = [p for line in lines.values() for p in line]
    if not points:
        return f"<h2>{html.escape(title)}</h2><p>No data.</p>"
    x_max = max(x for x, _ in points) or 1
    y_max = max(y for _, y in points) or 1
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD

    def at(x: float, y: float) -> str:
        return f"{PAD + x / x_max * inner_w:.1f},{HEIGHT - PAD - y / y_max * inner_h:.1f}"

    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             f'role="img" aria-label="{html.escape(title)}">',
             f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
             'stroke="#999"/>',
             f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>',
             f'<text x="{PAD}" y="{PAD - 8}" font-size="11">{y_max:g} {unit}</text>',
             f'<text x="{WIDTH - PAD}" y="{HEIGHT - PAD + 16}" font-size="11" '
             f'text-anchor="end">{x_max:g} s ({clock})</text>']
    legend = []
    for i, (name, line) in enumerate(sorted(lines.items())):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(at(x, y) for x, y in line)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                     f'points="{path}"/>')
        legend.append(f'<span style="color:{colour}">■ {html.escape(name)}</span>')
    parts.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>{''.join(parts)}<p>{' '.join(legend)}</p>"


def write_html(path: Path, report: Report) -> None:
    series: dict[str, Any] = report.series
    latency: dict[int, dict[int, int]] = series.get("latency", {})
    lat_lines: dict[str, list[tuple[float, float]]] = {"p50": [], "p99": []}
    for second in sorted(latency):
        lat_lines["p50"].append((second, percentile(latency[second], 50)))
        lat_lines["p99"].append((second, percentile(latency[second], 99)))
    lag_lines: dict[str, list[tuple[float, float]]] = {}
    for now, lags in series.get("lag", []):
        for group, lag in lags.items():
            lag_lines.setdefault(group, []).append((now / 1000, lag))
    status = "ok" if report.ok else f"{len(report.violations)} violation(s)"
    clock = "virtual" if "virtual_ms" in report.metrics else "real time"
    page = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>accord sim: {html.escape(report.scenario)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:820px}"
        "pre{background:#f4f4f5;padding:1em;overflow:auto}</style></head><body>",
        f"<h1>{html.escape(report.scenario)} (seed {report.seed}): {status}</h1>",
        f"<pre>{html.escape(report.text())}</pre>",
        _chart(f"Publish-to-ack latency per second ({clock})", "ms", lat_lines, clock),
        _chart("Lag per consumer group", "records", lag_lines, clock),
        "</body></html>",
    ]
    path.write_text("\n".join(page), "utf-8")
