"""Charts as inline SVG, drawn on the server: no script, no third-party resource, and the
Content-Security-Policy (no inline styles) holds, since colours come from classes in
style.css. Each chart carries a <title> for screen readers; the page also shows the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 720
RANKED_WIDTH = 480  # narrower: its labels stay legible on a phone without scrolling
BAR_ROW = 32


def _svg(height: int, label: str, body: list[str], width: int = WIDTH, cls: str = "chart",
         wrap: str = "chart-wrap") -> str:
    # The wrapper scrolls sideways on phones (as tables do) instead of shrinking the text.
    return (
        f'<div class="{wrap}"><svg class="{cls}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg></div>"
    )


def nice_ceiling(peak: int) -> int:
    """The smallest 2, 4 or 10 times a power of ten at or above peak: a readable axis top
    whose half (the middle grid line) is a whole number too."""
    step = 1
    while True:
        for factor in (2, 4, 10):
            if peak <= factor * step:
                return factor * step
        step *= 10


def hourly_bars(
    labels: Sequence[str], ok: Sequence[int], failed: Sequence[int], title: str,
    ok_name: str, failed_name: str,
) -> str:
    """Side-by-side bars per hour: successes and failures, with a y scale and hour ticks."""
    height, left, bottom, top = 260, 44, 30, 28
    plot_w, plot_h = WIDTH - left - 8, height - bottom - top
    peak = nice_ceiling(max([*ok, *failed, 1]))
    step = plot_w / max(len(labels), 1)
    bar = max(step / 2 - 2, 1)
    body = [
        f'<text class="legend ok" x="{left}" y="16">■ {escape(ok_name)}</text>',
        f'<text class="legend bad" x="{left + 140}" y="16">■ {escape(failed_name)}</text>',
    ]
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        body.append(f'<line class="grid" x1="{left}" x2="{WIDTH - 8}" y1="{y:.1f}" '
                    f'y2="{y:.1f}"/>')
        body.append(f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                    f"{peak * fraction:g}</text>")
    for i, label in enumerate(labels):
        x = left + i * step
        for j, (value, cls) in enumerate(((ok[i], "ok"), (failed[i], "bad"))):
            h = plot_h * value / peak
            body.append(
                f'<rect class="{cls}" x="{x + 1 + j * bar:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(label)}: {value}</title></rect>'
            )
        if i % 3 == 0:
            body.append(f'<text class="axis" x="{x + step / 2:.1f}" y="{height - 10}" '
                        f'text-anchor="middle">{escape(label)}</text>')
    # Newest hours last: on a phone the wrapper opens scrolled to them (console/dashboard.css).
    return _svg(height, title, body, wrap="chart-wrap newest-last")


def ranked_bars(
    rows: Sequence[tuple[str, int]], title: str, cls: str = "bad",
    names: dict[str, str] | None = None,
) -> str:
    """Horizontal bars, one per (key, count), longest first; ``names`` labels keys."""
    if not rows:
        return ""
    names = names or {}
    width, label_w = RANKED_WIDTH, 200
    height = BAR_ROW * len(rows) + 8
    peak = max(n for _, n in rows) or 1
    body = []
    for i, (name, n) in enumerate(rows):
        y = 4 + i * BAR_ROW
        w = (width - label_w - 50) * n / peak
        label = names.get(name, name)
        shown = label if len(label) <= 10 else label[:9] + "…"
        body.append(f'<text class="axis" x="{label_w - 8}" y="{y + 21}" text-anchor="end">'
                    f"{escape(shown)}</text>")
        body.append(f'<rect class="{cls}" x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" '
                    f'height="{BAR_ROW - 8}"><title>{escape(name)}: {n}</title></rect>')
        body.append(f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 21}">{n}</text>')
    return _svg(height, title, body, width=RANKED_WIDTH, cls="chart ranked")
