"""Chart value axes end on a round number with round steps (8,000 in steps of 2,000, not 7,944 in
steps of 1,986), whatever the largest value."""

from __future__ import annotations

import math

from hypothesis import example, given
from hypothesis import strategies as st

from desktop.ui.charts import nice_axis

NICE = (1, 2, 2.5, 5)


def is_nice(step: float) -> bool:
    magnitude = 10 ** math.floor(math.log10(step))
    return any(math.isclose(step, f * magnitude) for f in NICE) or math.isclose(step, 10 * magnitude)


@example(11.0)  # once gave steps of 2.5 printed as 0, 2, 5, 8, 10, 12
@given(st.floats(min_value=0.01, max_value=1e8, allow_nan=False))
def test_axis_covers_the_value_with_round_steps(largest: float) -> None:
    top, ticks = nice_axis(largest)
    assert top >= largest and 2 <= ticks <= 6
    step = top / (ticks - 1)
    assert step >= 1 and is_nice(step)
    assert float(step).is_integer()  # the labels are printed as whole numbers
    assert top - largest < step + 1e-9  # no empty interval at the top


def test_the_demo_dues_chart_reads_in_thousands() -> None:
    assert nice_axis(6906) == (8000, 5)
    assert nice_axis(100) == (100, 6)  # attendance in per cent: 0, 20 … 100


def test_home_chart_axes_are_round(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCharts import QValueAxis

    from desktop.ui.charts import make_home_charts

    widget = make_home_charts(demo_copy)
    qtbot.addWidget(widget)
    for view in widget.charts:
        axis = next(a for a in view.chart().axes() if isinstance(a, QValueAxis))
        step = axis.max() / (axis.tickCount() - 1)
        assert is_nice(step) and axis.max() >= max(float(v) for v in view.chart_values.values())
