"""Geometry for the two history charts, drawn on the server as inline SVG.

Pure functions: numbers in, coordinates out (in the SVG's own units, rounded
to a tenth). The templates (`templates/history/_chart_*.html`) place what
these return with presentation attributes and classes, never `style=`, so
the charts pass a strict Content-Security-Policy and need no JavaScript.

Each shape also carries its attributes ready written (`attrs`): a coordinate
must read "12.5" whatever the page's language, and Django's localisation of
numbers in templates would write "12,5" in some.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from backrelief.svg import svg_number as _n

WIDTH = 320
LEFT, RIGHT, TOP, BOTTOM = 28, 10, 18, 26
PAIN_MAX = 10
PAIN_CHART_SESSIONS = 30  # the latest sessions the pain chart shows
MARK = 6  # side of the square that marks pain after a session


def _tenth(value: float) -> float:
    return round(value, 1)


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int

    @property
    def attrs(self) -> SafeString:
        return format_html(
            'x1="{}" x2="{}" y1="{}" y2="{}"',
            LEFT,
            WIDTH - RIGHT,
            _n(self.y),
            _n(self.y),
        )

    @property
    def label_attrs(self) -> SafeString:
        """The value, right-aligned left of the plot, centred on the line."""
        return format_html('x="{}" y="{}" text-anchor="end"', LEFT - 6, _n(self.y + 4))


@dataclass(frozen=True)
class AxisLabel:
    x: float
    y: float
    text: str
    anchor: str  # SVG text-anchor: start, middle or end

    @property
    def attrs(self) -> SafeString:
        return format_html('x="{}" y="{}" text-anchor="{}"', _n(self.x), _n(self.y), self.anchor)


def _x_labels(first_x: float, last_x: float, y: float, labels: Sequence[str]) -> list[AxisLabel]:
    """Name the first and the last column only: a phone has no room for more."""
    if not labels:
        return []
    if len(labels) == 1 or first_x == last_x:
        return [AxisLabel(_tenth(first_x), y, labels[0], "middle")]
    return [
        AxisLabel(_tenth(max(first_x, LEFT)), y, labels[0], "start"),
        AxisLabel(_tenth(min(last_x, WIDTH - RIGHT)), y, labels[-1], "end"),
    ]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int

    @property
    def center(self) -> float:
        return _tenth(self.x + self.width / 2)

    @property
    def attrs(self) -> SafeString:
        return format_html(
            'x="{}" y="{}" width="{}" height="{}"',
            _n(self.x),
            _n(self.y),
            _n(self.width),
            _n(self.height),
        )

    @property
    def label_attrs(self) -> SafeString:
        """The value, written just above the bar."""
        return format_html('x="{}" y="{}" text-anchor="middle"', _n(self.center), _n(self.y - 4))


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    gridlines: list[Gridline]
    x_labels: list[AxisLabel]
    # A line across the plot at a planned value (sessions a week), if any.
    target: Gridline | None = None


def bar_chart(
    values: Sequence[int], labels: Sequence[str], height: int = 170, target: int | None = None
) -> BarChart:
    """One bar a value (sessions a week), scaled so the tallest (or the target) fills the plot."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    baseline = TOP + plot_height
    top_value = max([*values, target or 0, 1])
    slot = plot_width / max(len(values), 1)
    bar_width = slot * 0.6
    bars = []
    for index, value in enumerate(values):
        bar_height = plot_height * value / top_value
        bars.append(
            Bar(
                x=_tenth(LEFT + slot * index + (slot - bar_width) / 2),
                y=_tenth(baseline - bar_height),
                width=_tenth(bar_width),
                height=_tenth(bar_height),
                value=value,
            )
        )
    ticks = sorted({0, top_value} | ({top_value // 2} if top_value >= 4 else set()))
    gridlines = [
        Gridline(_tenth(baseline - plot_height * tick / top_value), tick) for tick in ticks
    ]
    first_x = bars[0].x if bars else LEFT
    last_x = bars[-1].x + bars[-1].width if bars else WIDTH - RIGHT
    return BarChart(
        width=WIDTH,
        height=height,
        bars=bars,
        gridlines=gridlines,
        x_labels=_x_labels(first_x, last_x, height - 8, labels),
        target=(
            Gridline(_tenth(baseline - plot_height * target / top_value), target)
            if target
            else None
        ),
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int

    @property
    def circle_attrs(self) -> SafeString:
        return format_html('cx="{}" cy="{}" r="3.5"', _n(self.x), _n(self.y))

    @property
    def square_attrs(self) -> SafeString:
        """A square mark centred on the point."""
        return format_html(
            'x="{}" y="{}" width="{}" height="{}"',
            _n(self.x - MARK / 2),
            _n(self.y - MARK / 2),
            MARK,
            MARK,
        )


@dataclass(frozen=True)
class Series:
    points: list[Point]
    # Runs of consecutive sessions that have a value, as SVG polyline
    # "points" strings: a session without a rating leaves a gap, not a dip.
    lines: list[str]


@dataclass(frozen=True)
class PainChart:
    width: int
    height: int
    before: Series
    after: Series
    gridlines: list[Gridline]
    x_labels: list[AxisLabel]


def _series(xs: Sequence[float], values: Sequence[int | None], y_of) -> Series:
    points: list[Point] = []
    lines: list[str] = []
    run: list[str] = []
    for x, value in zip(xs, values, strict=True):
        if value is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
            continue
        point = Point(_tenth(x), _tenth(y_of(value)), value)
        points.append(point)
        run.append(f"{_n(point.x)},{_n(point.y)}")
    if len(run) > 1:
        lines.append(" ".join(run))
    return Series(points, lines)


def pain_chart(
    before: Sequence[int | None],
    after: Sequence[int | None],
    labels: Sequence[str],
    height: int = 190,
) -> PainChart:
    """Pain before and after each session, oldest on the left, on a fixed scale of 0 to 10."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = height - TOP - BOTTOM
    count = len(before)
    if count == 1:
        xs = [LEFT + plot_width / 2]
    else:
        xs = [LEFT + plot_width * index / max(count - 1, 1) for index in range(count)]

    def y_of(value: int) -> float:
        return TOP + plot_height * (1 - value / PAIN_MAX)

    return PainChart(
        width=WIDTH,
        height=height,
        before=_series(xs, before, y_of),
        after=_series(xs, after, y_of),
        gridlines=[Gridline(_tenth(y_of(value)), value) for value in (0, 5, 10)],
        x_labels=_x_labels(xs[0], xs[-1], height - 8, labels) if xs else [],
    )


def history_charts(weeks: Sequence, recent: Sequence, target: int | None = None) -> dict:
    """A history's two charts, sessions a week and pain before and after, with their tables' rows.

    `weeks` are `progress.WeekCount`s, `recent` the sessions over, oldest first;
    `target` draws a reminder plan's sessions a week on the bars.
    """
    return {
        "weeks_chart": bar_chart(
            [week.sessions for week in weeks],
            [f"from {dateformat.format(weeks[0].start, 'j M')}", "this week"],
            target=target,
        ),
        "pain_chart": pain_chart(
            [session.pain_before for session in recent],
            [session.pain_after for session in recent],
            [dateformat.format(timezone.localtime(recent[0].started_at), "j M"), "latest"]
            if recent
            else [],
        ),
        "pain_sessions": recent,
        "pain_rated": any(s.pain_before is not None or s.pain_after is not None for s in recent),
    }
