"""Geometry of the server-rendered SVG charts (hotline statistics, national statistics,
dashboards).

Everything is computed here so that the templates only place numbers: no
JavaScript, no inline style (the Content-Security-Policy forbids both), and
the same numbers are always given in a table next to the chart.

A row or bucket may carry a count that is not a number (a suppressed cell of a
report that leaves the organisation): it is drawn as nothing, and its `display`
text (e.g. a mark) is written where the value would be.
"""

from dataclasses import dataclass, field

# Bar chart (horizontal bars, the label above each bar so long labels fit).
BAR_WIDTH = 640
BAR_ROW = 40
BAR_THICKNESS = 14
BAR_VALUE_ROOM = 56
LABEL_MAX = 80

# Trend chart (one column per week or month).
TREND_WIDTH = 640
TREND_HEIGHT = 260
TREND_LEFT = 44
TREND_RIGHT = 8
TREND_TOP = 16
TREND_BOTTOM = 44
TREND_MAX_LABELS = 12


def _number(count) -> int:
    """The count to draw: a suppressed (non-numeric) count draws as nothing."""
    return count if isinstance(count, int) and not isinstance(count, bool) else 0


def _shown(row) -> str:
    return str(getattr(row, "display", None) or row.count)


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | str
    value_text: str
    muted: bool
    label_y: int
    bar_y: int
    bar_width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    bar_thickness: int
    bars: list[Bar]


def bar_chart(chart_id: str, title: str, desc: str, rows) -> BarChart:
    """`rows` are objects with `label` and `count` (and optionally `not_recorded`, drawn
    muted, and `display`, the text for the value), in the order to draw them."""
    rows = list(rows)
    top = max((_number(r.count) for r in rows), default=0)
    room = BAR_WIDTH - BAR_VALUE_ROOM
    bars = []
    for i, row in enumerate(rows):
        y = i * BAR_ROW
        width = 0.0
        count = _number(row.count)
        if top and count:
            width = max(2.0, round(room * count / top, 1))
        label = row.label if len(row.label) <= LABEL_MAX else row.label[: LABEL_MAX - 1] + "…"
        bars.append(
            Bar(
                label=label,
                value=row.count,
                value_text=_shown(row),
                muted=getattr(row, "not_recorded", False),
                label_y=y + 14,
                bar_y=y + 19,
                bar_width=width,
                value_x=width + 6,
                value_y=y + 19 + BAR_THICKNESS - 2,
            )
        )
    return BarChart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        width=BAR_WIDTH,
        height=max(BAR_ROW, len(rows) * BAR_ROW),
        bar_thickness=BAR_THICKNESS,
        bars=bars,
    )


def nice_ceiling(value: int) -> tuple[int, int]:
    """A round top for the value axis and its step: (top, step), with at most 5 steps."""
    if value <= 0:
        return 1, 1
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * 5 >= value:
                top = -(-value // step) * step
                return top, step
        magnitude *= 10


@dataclass(frozen=True)
class Column:
    label: str
    axis_label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    center: float
    show_label: bool
    value_y: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class TrendChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    axis_x: int
    baseline: int
    label_y: int
    show_values: bool
    columns: list[Column]
    ticks: list[Tick] = field(default_factory=list)


def trend_chart(chart_id: str, title: str, desc: str, buckets) -> TrendChart:
    """`buckets` are objects with `label`, `axis_label` and `count`, oldest first."""
    buckets = list(buckets)
    n = max(1, len(buckets))
    plot_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    plot_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    baseline = TREND_TOP + plot_h
    top, step = nice_ceiling(max((_number(b.count) for b in buckets), default=0))
    slot = plot_w / n
    col_w = round(max(1.0, slot * 0.7), 2)
    every = max(1, -(-n // TREND_MAX_LABELS))
    columns = []
    for i, b in enumerate(buckets):
        h = round(plot_h * _number(b.count) / top, 2)
        x = round(TREND_LEFT + i * slot + (slot - col_w) / 2, 2)
        columns.append(
            Column(
                label=b.label,
                axis_label=b.axis_label,
                value=b.count,
                x=x,
                y=round(baseline - h, 2),
                width=col_w,
                height=h,
                center=round(x + col_w / 2, 2),
                # Always label the latest period; then every n-th counting back from it.
                show_label=(n - 1 - i) % every == 0,
                value_y=round(baseline - h - 4, 2),
            )
        )
    ticks = [
        Tick(value=v, y=round(baseline - plot_h * v / top, 2)) for v in range(0, top + 1, step)
    ]
    return TrendChart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        left=TREND_LEFT,
        right=TREND_WIDTH - TREND_RIGHT,
        axis_x=TREND_LEFT - 6,
        baseline=baseline,
        label_y=baseline + 18,
        show_values=n <= 24,
        columns=columns,
        ticks=ticks,
    )


@dataclass(frozen=True)
class Point:
    label: str
    axis_label: str
    value: int | str
    value_text: str
    x: float
    y: float
    drawn: bool  # False for a suppressed value: a gap in the line
    show_label: bool
    value_y: float


@dataclass(frozen=True)
class LineChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    left: int
    right: int
    axis_x: int
    baseline: int
    label_y: int
    show_values: bool
    points: list[Point]
    segments: list[str]  # "x,y x,y ..." for each unbroken run of drawn points
    ticks: list[Tick] = field(default_factory=list)


def line_chart(chart_id: str, title: str, desc: str, buckets) -> LineChart:
    """A trend as a line; `buckets` as for `trend_chart`. A suppressed count breaks the
    line rather than being drawn as zero, which would be a false value."""
    buckets = list(buckets)
    n = max(1, len(buckets))
    plot_w = TREND_WIDTH - TREND_LEFT - TREND_RIGHT
    plot_h = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    baseline = TREND_TOP + plot_h
    top, step = nice_ceiling(max((_number(b.count) for b in buckets), default=0))
    slot = plot_w / n
    every = max(1, -(-n // TREND_MAX_LABELS))
    points, segments, run = [], [], []
    for i, b in enumerate(buckets):
        drawn = isinstance(b.count, int) and not isinstance(b.count, bool)
        x = round(TREND_LEFT + i * slot + slot / 2, 2)
        y = round(baseline - plot_h * _number(b.count) / top, 2)
        points.append(
            Point(
                label=b.label,
                axis_label=b.axis_label,
                value=b.count,
                value_text=_shown(b),
                x=x,
                y=y if drawn else baseline,
                drawn=drawn,
                show_label=(n - 1 - i) % every == 0,
                value_y=round((y if drawn else baseline) - 6, 2),
            )
        )
        if drawn:
            run.append(f"{x},{y}")
        elif run:
            segments.append(" ".join(run))
            run = []
    if run:
        segments.append(" ".join(run))
    ticks = [
        Tick(value=v, y=round(baseline - plot_h * v / top, 2)) for v in range(0, top + 1, step)
    ]
    return LineChart(
        chart_id=chart_id,
        title=title,
        desc=desc,
        width=TREND_WIDTH,
        height=TREND_HEIGHT,
        left=TREND_LEFT,
        right=TREND_WIDTH - TREND_RIGHT,
        axis_x=TREND_LEFT - 6,
        baseline=baseline,
        label_y=baseline + 18,
        show_values=n <= 24,
        points=points,
        segments=segments,
        ticks=ticks,
    )
