"""Bar charts as SVG text, drawn on the server: no chart library, no script, nothing the CSP has to allow.

Pure functions from a series to markup. Every piece of text is escaped here (labels are provider and place
names an admin typed); the SVG is an image with a title (`role="img"`, `aria-labelledby`) and each bar a
`<g class="bar">` with its own `<title>`, so a pointer shows the exact figure. The table printed beside each
chart is the accessible alternative: a screen reader reads the table, not the bars. Colours come from
classes (staff/web/static/dashboard.css), not inline styles, which the CSP forbids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 560
LABEL_WIDTH = 200  # room for the label column of a horizontal chart
VALUE_WIDTH = 110  # room for the figure after a bar
ROW_HEIGHT = 24
BAR_HEIGHT = 16
COLUMN_CHART_HEIGHT = 180
MAX_LABEL_CHARS = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it ("2 h 5 min", "14")
    marker: float | None = None  # a second figure drawn as a tick on the bar's scale (a 90th percentile)
    marker_text: str = ""  # the marker's figure as people read it, in the bar's tooltip

    @property
    def tooltip(self) -> str:
        return f"{self.label}: {self.text}" + (f"; {self.marker_text}" if self.marker_text else "")


def bar_chart(*, chart_id: str, title: str, bars: Sequence[Bar], maximum: float | None = None) -> Markup:
    """Horizontal bars, one row per item, on one scale from zero to `maximum` (a share's 1.0), else to the
    largest value or marker."""
    scale = maximum or _scale(bars)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW_HEIGHT * len(bars) + 8
    parts = [_open(chart_id, title, WIDTH, height)]
    for n, bar in enumerate(bars):
        y = 4 + n * ROW_HEIGHT
        length = _length(bar.value, scale, plot)
        end = length  # the figure goes after the bar, or after the marker when that lies further out
        parts.append(f'<g class="bar"><title>{_text(bar.tooltip)}</title>')
        parts.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{_short(bar.label)}</text>'
        )
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}"/>')
        if bar.marker is not None:
            end = max(end, _length(bar.marker, scale, plot))
            x = LABEL_WIDTH + _length(bar.marker, scale, plot)
            parts.append(f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{y - 2}" y2="{y + BAR_HEIGHT + 2}"/>')
        parts.append(f'<text class="value" x="{LABEL_WIDTH + end + 4:.1f}" y="{y + 13}">{_text(bar.text)}</text></g>')
    parts.append("</svg>")
    return Markup("".join(parts))  # every piece of text above went through _text


def column_chart(*, chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    """Vertical bars side by side (weeks), labelled underneath, the figure on top of each."""
    scale = _scale(bars)
    plot = COLUMN_CHART_HEIGHT - 40
    slot = (WIDTH - 10) / max(len(bars), 1)
    parts = [_open(chart_id, title, WIDTH, COLUMN_CHART_HEIGHT)]
    for n, bar in enumerate(bars):
        x = 5 + n * slot
        length = _length(bar.value, scale, plot)
        top = 20 + plot - length
        middle = x + slot / 2
        parts.append(f'<g class="bar"><title>{_text(bar.tooltip)}</title>')
        parts.append(f'<rect x="{x + 2:.1f}" y="{top:.1f}" width="{max(slot - 4, 1):.1f}" height="{length:.1f}"/>')
        parts.append(
            f'<text class="value" x="{middle:.1f}" y="{top - 4:.1f}" text-anchor="middle">{_text(bar.text)}</text>'
        )
        parts.append(
            f'<text class="label" x="{middle:.1f}" y="{COLUMN_CHART_HEIGHT - 6}" text-anchor="middle">'
            f"{_text(bar.label[-3:] if len(bars) > 8 else bar.label)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # every piece of text above went through _text


def _open(chart_id: str, title: str, width: int, height: int) -> str:
    ident = _text(chart_id)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="{ident}-title" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<title id="{ident}-title">{_text(title)}</title>'
    )


def _scale(bars: Sequence[Bar]) -> float:
    values = [b.value for b in bars] + [b.marker for b in bars if b.marker is not None]
    return max([v for v in values if v > 0], default=1.0)


def _length(value: float, scale: float, room: float) -> float:
    return max(value, 0.0) / scale * room


def _short(label: str) -> str:
    return _text(label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…")


def _text(value: str) -> str:
    return escape(value, quote=True)
