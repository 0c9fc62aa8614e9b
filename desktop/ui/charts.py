"""Monthly charts (QtCharts from PySide6-Addons): attendance rate and dues collected by month.

They draw the very figures the tables show (`YearFigures.attendance_by_month` and
`.collection_by_month`). Without QtCharts, or without data, there is no chart and nothing breaks."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

if TYPE_CHECKING:
    from desktop.domain.annual import YearFigures
    from desktop.services.bundle import Services

MONTHS = [str(m) for m in range(1, 13)]  # "10月" is cut to "1…" in a narrow chart; the axis says 月


def charts_available() -> bool:
    try:
        import PySide6.QtCharts  # noqa: F401
    except ImportError:
        return False
    return True


def nice_axis(largest: float, *, max_intervals: int = 5) -> tuple[float, int]:
    """A round top for a value axis from 0 and its tick count: 6,906 yuan → 0–8,000 in steps of
    2,000 (5 ticks), not 0–7,944 in steps of 1,986."""
    import math

    if largest <= 0:
        return 1.0, 2
    magnitude = max(1, 10 ** math.floor(math.log10(largest / max_intervals)))  # labels are whole numbers
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if not float(step).is_integer():  # 2.5: labels 0, 2, 5, 8 … would be rounded
            continue
        intervals = math.ceil(largest / step - 1e-9)
        if intervals <= max_intervals:
            return step * intervals, intervals + 1
    return 10 * magnitude * max_intervals, max_intervals + 1  # not reached: factor 10 always fits


def monthly_bar_chart(title: str, values: Mapping[int, Decimal], unit: str, *, maximum: float | None = None,
                      parent: QWidget | None = None) -> QWidget | None:
    """A 12-month bar chart of `values` (month → value); None when QtCharts is missing."""
    try:
        from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
    except ImportError:
        return None
    bars = QBarSet(f"{title}（{unit}）")
    numbers = [float(values.get(month, 0)) for month in range(1, 13)]
    for number in numbers:
        bars.append(number)
    series = QBarSeries()
    series.append(bars)
    series.setLabelsVisible(False)  # the values are in the table beside; labels on bars get clipped
    chart = QChart()
    chart.addSeries(series)
    chart.setTitle(title)
    chart.legend().setVisible(False)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(2, 2, 2, 2))
    x_axis = QBarCategoryAxis()
    x_axis.append(MONTHS)
    x_axis.setTitleText("月份")
    small = x_axis.labelsFont()
    small.setPointSizeF(max(6.0, small.pointSizeF() * 0.8))
    x_axis.setLabelsFont(small)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x_axis)
    y_axis = QValueAxis()
    top, ticks = nice_axis(maximum if maximum is not None else max(numbers + [1.0]))
    y_axis.setRange(0, top)
    y_axis.setTickCount(ticks)
    y_axis.setLabelFormat("%.0f")
    y_axis.setTitleText(unit)
    y_axis.setLabelsFont(small)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y_axis)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    view.setObjectName(title)
    view.chart_values = dict(values)  # type: ignore[attr-defined] - what is drawn, for tests and tooltips
    return view


class YearCharts(QWidget):
    """Attendance by month and dues collection by month of one year, side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.charts: list[QWidget] = []

    def set_figures(self, figures: YearFigures) -> None:
        self.set_series(figures.year, figures.attendance_by_month, figures.collection_by_month,
                        figures.missing_sources)

    def set_series(self, year: int, attendance: Mapping[int, Decimal], collection: Mapping[int, Decimal],
                   missing_sources: tuple[str, ...] = ()) -> None:
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.charts = []
        for title, values, unit, maximum, area in (
            (f"{year}年各月参会率", attendance, "%", 100.0, "组织生活"),
            (f"{year}年各月党费收缴", collection, "元", None, "党费"),
        ):
            chart = monthly_bar_chart(title, values, unit, maximum=maximum, parent=self) if values else None
            if chart is None:
                reason = ("暂无数据（组织生活/党费模块未提供）" if area in missing_sources
                          else "暂无数据" if charts_available() else "图表组件（QtCharts）不可用")
                label = QLabel(f"{title}：{reason}")
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self._layout.addWidget(label, 1)
            else:
                self.charts.append(chart)
                self._layout.addWidget(chart, 1)


def make_home_charts(services: Services, parent: QWidget | None = None) -> QWidget | None:
    """The home page's charts for the current year; None when QtCharts or the data is missing."""
    if not charts_available():
        return None
    year = services.ctx.today().year
    try:
        attendance, collection = services.annual.monthly_series(year)
    except Exception:  # noqa: BLE001 - the home page must open whatever an area does
        return None
    if not attendance and not collection:
        return None
    widget = YearCharts(parent)
    widget.set_series(year, attendance, collection)
    return widget
