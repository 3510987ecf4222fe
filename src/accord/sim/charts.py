"""Line charts as inline SVG: axes with ticks, gridlines, units and a legend; no script,
nothing fetched, so a report opens offline."""

from __future__ import annotations

import html
import math

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44
COLOURS = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563")

Line = list[tuple[float, float]]


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``high``: steps of 1, 2 or 5 times a power of
    ten, about ``count`` of them."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:g}"


def line_chart(title: str, lines: dict[str, Line], x_unit: str, y_unit: str) -> str:
    """A titled chart of ``lines`` (name -> points), or a note when there is no data."""
    points = [p for line in lines.values() for p in line]
    heading = f"<h3>{html.escape(title)}</h3>"
    if not points:
        return heading + "<p class='note'>No data.</p>"
    xs, ys = nice_ticks(max(x for x, _ in points)), nice_ticks(max(y for _, y in points))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + x / xs[-1] * inner_w

    def py(y: float) -> float:
        return TOP + inner_h - y / ys[-1] * inner_h

    svg = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
           f'role="img" aria-label="{html.escape(title)}" class="chart">']
    for y in ys:
        svg.append(f'<line x1="{LEFT}" y1="{py(y):.1f}" x2="{WIDTH - RIGHT}" y2="{py(y):.1f}" '
                   'class="grid"/>')
        svg.append(f'<text x="{LEFT - 6}" y="{py(y) + 4:.1f}" text-anchor="end" '
                   f'class="tick">{_label(y)}</text>')
    for x in xs:
        svg.append(f'<line x1="{px(x):.1f}" y1="{TOP}" x2="{px(x):.1f}" y2="{TOP + inner_h}" '
                   'class="grid"/>')
        svg.append(f'<text x="{px(x):.1f}" y="{TOP + inner_h + 16}" text-anchor="middle" '
                   f'class="tick">{_label(x)}</text>')
    svg.append(f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" '
               f'y2="{TOP + inner_h}" class="axis"/>')
    svg.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + inner_h}" class="axis"/>')
    svg.append(f'<text x="{LEFT + inner_w / 2:.0f}" y="{HEIGHT - 6}" text-anchor="middle" '
               f'class="unit">{html.escape(x_unit)}</text>')
    svg.append(f'<text x="14" y="{TOP + inner_h / 2:.0f}" text-anchor="middle" class="unit" '
               f'transform="rotate(-90 14 {TOP + inner_h / 2:.0f})">{html.escape(y_unit)}</text>')
    legend = []
    for i, (name, line) in enumerate(sorted(lines.items())):
        colour = COLOURS[i % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in line)
        svg.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" '
                   f'points="{path}"/>')
        if len(line) == 1:  # a polyline of one point draws nothing: mark it
            (x, y), = line
            svg.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        legend.append(f'<span class="key" style="color:{colour}">&#9632;</span> '
                      f'{html.escape(name)}')
    svg.append("</svg>")
    return heading + "".join(svg) + f"<p class='legend'>{' &nbsp; '.join(legend)}</p>"
