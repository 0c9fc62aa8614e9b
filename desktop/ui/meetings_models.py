"""Passive table models of the 组织生活 page: meetings of a year, and the calendar's obligations."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """A read-only table over a list of frozen DTOs; `COLUMNS` = (header, value of a row)."""

    COLUMNS: Sequence[tuple[str, Callable[[Any], object]]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.COLUMNS[index.column()][1](row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.color(row)
        return None

    def color(self, row: Any) -> QColor | None:
        return None


def _rate(m: Any) -> str:
    rate = m.attendance_rate
    return f"{rate:.0%}" if rate is not None and m.held else ""


class MeetingTableModel(RowsModel):
    """The year's meetings, planned and held; 补记 shown in the status column."""

    COLUMNS = (
        ("编号", lambda m: m.number),
        ("日期", lambda m: m.held_on.isoformat()),
        ("会议类型", lambda m: m.kinds_label),
        ("主题", lambda m: m.topic),
        ("主持人", lambda m: m.chair or ""),
        ("实到/应到", lambda m: f"{m.present_count}/{m.expected_count}" if m.held else ""),
        ("出席率", _rate),
        ("状态", lambda m: m.status_label),
    )

    def color(self, row: Any) -> QColor | None:
        if not row.held:
            return QColor("#555555")
        if row.late_entry:
            return QColor("#b26a00")
        return None


STATUS_COLORS = {"done": "#1b7a1b", "due": "#b26a00", "overdue": "#b00020"}


class ObligationTableModel(RowsModel):
    """Each obligation of the chosen period: done, due or overdue."""

    COLUMNS = (
        ("要求", lambda o: o.label),
        ("期间", lambda o: o.period.label),
        ("截止", lambda o: o.due_on.isoformat() if o.due_on else ""),
        ("状态", lambda o: {"done": "已完成", "due": "待开展", "overdue": "已逾期"}[o.status]),
        ("说明", lambda o: o.progress + (f"；未谈：{'、'.join(o.missing_pairs)}" if o.missing_pairs else "")
         if o.progress else (f"已开 {len(o.meeting_ids)} 次" if o.meeting_ids else
                          (f"已计划于 {o.planned_on.isoformat()}" if o.planned_on else ""))),
    )

    def color(self, row: Any) -> QColor | None:
        return QColor(STATUS_COLORS.get(row.status, "#000000"))


class MemberRateModel(RowsModel):
    """Each member's attendance over the year's held meetings (参会率)."""

    COLUMNS = (
        ("姓名", lambda r: r.name),
        ("应参加", lambda r: r.expected),
        ("实参加", lambda r: r.present),
        ("参会率", lambda r: f"{r.rate:.0%}" if r.rate is not None else ""),
    )

    def color(self, row: Any) -> QColor | None:
        return QColor("#b00020") if row.rate is not None and row.rate < 0.6 else None
