"""Qt item models of the roster: a passive table of MemberDto rows, the filter in front of it,
and the delegate that paints its cells.

The table model only shows what `set_rows()` handed it. The filter proxy decides every row in
one pass of list comprehensions over the roster's columns (`MemberFilter.select`), instead of a
QSortFilterProxyModel calling back into Python once per row; sorting is done by the source model
with Python's sort for the same reason (a C++ sort calling Python for every comparison is ~100×
slower). A 10,000-member roster chooses its rows in 1–2 ms.

What is left of a filter is the repaint, which costs Python calls per painted cell: the proxy is
a plain table model (no per-cell mapping to the source), each row's texts are formatted once,
and `MemberItemDelegate` fills a cell's style option in one call instead of seven `data()` calls
(bench/roster_filter.py: combo filters on 10,000 members ≤ 30 ms including the repaint)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

if TYPE_CHECKING:
    from desktop.services.roster import MemberDto

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
MEMBER_ID_ROLE = Qt.ItemDataRole.UserRole + 2
# Plain ints: the view asks data() for seven roles per painted cell, and five of them are
# answered by one set lookup (an enum comparison per call would cost more than the answer).
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, int(SORT_ROLE), int(MEMBER_ID_ROLE)))
# Filtering and sorting change which rows are shown and their order, never the columns. Saying
# so lets the column header skip saving and restoring its sections on every filter.
_ROWS_ONLY = QAbstractTableModel.LayoutChangeHint.VerticalSortHint
_HINTED = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")  # the signals' overload
_GREY = QColor("#888888")
_GREY_BRUSH = QBrush(_GREY)
_NO_BRUSH = QBrush()
_TEXT_COLOR = QPalette.ColorRole.Text
_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def member_flags(m: MemberDto) -> str:
    """流动/失联/农民工 and the 新就业群体 tag, as one short cell."""
    flags = []
    if m.is_mobile:
        flags.append("流动")
    if m.is_lost_contact:
        flags.append("失联")
    if m.new_employment_group:
        flags.append(m.new_employment_group)
    if m.is_migrant_worker:
        flags.append("农民工")
    return "、".join(flags)


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[MemberDto], str]
    width: int
    sort_key: Callable[[MemberDto], Any] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("姓名", lambda m: m.name, 80),
    Column("性别", lambda m: m.sex or "", 44),
    Column("民族", lambda m: m.ethnicity or "", 56),
    Column("出生日期", lambda m: _date(m.birth_date), 90, lambda m: m.birth_date or dt.date.min),
    Column("公民身份号码", lambda m: m.id_masked, 160),
    Column("学历", lambda m: m.education or "", 72),
    Column("人员类别", lambda m: m.category, 72),
    Column("发展阶段", lambda m: m.stage, 86),
    Column("所在党小组", lambda m: m.party_group or "", 110),
    Column("党内职务", lambda m: m.party_post or "", 72),
    Column("手机号码", lambda m: m.phone or "", 104),
    Column("入党日期", lambda m: _date(m.joined_on), 90, lambda m: m.joined_on or dt.date.min),
    Column("转正日期", lambda m: _date(m.confirmed_on), 90, lambda m: m.confirmed_on or dt.date.min),
    Column("党籍状态", lambda m: m.status, 72),
    Column("标记", member_flags, 110),
    Column("工作单位及职务", lambda m: m.work_unit_post or "", 240),
)
_COLUMN_COUNT = len(COLUMNS)
_TITLES = tuple(c.title for c in COLUMNS)


class MemberTableModel(QAbstractTableModel):
    """A passive table of members: `set_rows(list[MemberDto])`, nothing else changes it.

    A row's cell texts are formatted once, when first asked for, and kept until the next
    `set_rows` (a list by row, permuted together with the rows when sorting)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[MemberDto] = []
        self._texts: list[tuple[str, ...] | None] = []  # by row; None until first shown
        self._left: list[bool] = []  # by row: no longer 正常 (shown grey)

    # -- feeding --------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[MemberDto]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._texts = [None] * len(self._rows)
        self._left = [m.status != "正常" for m in self._rows]
        self.endResetModel()

    def rows(self) -> list[MemberDto]:
        return list(self._rows)

    def row_at(self, row: int) -> MemberDto:
        return self._rows[row]

    def row_of(self, member_id: int) -> int:
        return next((i for i, m in enumerate(self._rows) if m.id == member_id), -1)

    def texts(self, row: int) -> tuple[str, ...]:
        """The display texts of a row's cells (formatted on first use)."""
        texts = self._texts[row]
        if texts is None:
            member = self._rows[row]
            texts = self._texts[row] = tuple(c.text(member) for c in COLUMNS)
        return texts

    # -- Qt API ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else _COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        return self.cell(index.row(), index.column(), role)

    def cell(self, row: int, column: int, role: int) -> Any:
        """What `data()` answers for a row and column, without a QModelIndex."""
        if role not in _ROLES or not (0 <= row < len(self._rows)) or not (0 <= column < _COLUMN_COUNT):
            return None
        if role == _DISPLAY or role == _TOOLTIP:
            texts = self._texts[row]
            return (texts if texts is not None else self.texts(row))[column]
        if role == _FOREGROUND:
            return _GREY if self._left[row] else None  # left the roll → grey
        member = self._rows[row]
        if role == SORT_ROLE:
            spec = COLUMNS[column]
            return spec.sort_key(member) if spec.sort_key else spec.text(member)
        return member.id  # MEMBER_ID_ROLE

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        return _header(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < _COLUMN_COUNT:
            return
        spec = COLUMNS[column]
        key = spec.sort_key or spec.text
        rows = self._rows
        self.layoutAboutToBeChanged[_HINTED].emit([], _ROWS_ONLY)
        old = self.persistentIndexList()
        old_ids = [(rows[i.row()].id, i.column()) for i in old]
        order_ = sorted(range(len(rows)), key=lambda i: (key(rows[i]), rows[i].id),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [rows[i] for i in order_]
        self._texts = [self._texts[i] for i in order_]
        self._left = [self._left[i] for i in order_]
        position = {m.id: r for r, m in enumerate(self._rows)}
        self.changePersistentIndexList(old, [self.index(position[mid], col) for mid, col in old_ids])
        self.layoutChanged[_HINTED].emit([], _ROWS_ONLY)


def _header(section: int, orientation: Qt.Orientation, role: int) -> Any:
    if role != _DISPLAY:
        return None
    if orientation == Qt.Orientation.Horizontal:
        return _TITLES[section] if 0 <= section < _COLUMN_COUNT else None
    return str(section + 1)


ALL = ""
ON_ROLL = "在册"  # status filter: 正常 and 停止党籍 (still on the branch's roll)
FLAG_FILTERS: tuple[str, ...] = ("流动党员", "失联党员", "新就业群体", "农民工")
NO_GROUP = "（未分组）"


@dataclass(frozen=True)
class MemberFilter:
    """What the roster page's search box and filter boxes ask for. Empty strings mean 全部."""

    text: str = ""
    group: str = ALL  # a party group name, NO_GROUP, or ALL
    category: str = ALL
    stage: str = ALL
    status: str = ALL  # a status, ON_ROLL, or ALL
    flag: str = ALL

    def matches(self, m: MemberDto) -> bool:
        if self.group and (m.party_group or NO_GROUP) != self.group:
            return False
        if self.category and m.category != self.category:
            return False
        if self.stage and m.stage != self.stage:
            return False
        if self.status == ON_ROLL:
            if m.status not in ("正常", "停止党籍"):
                return False
        elif self.status and m.status != self.status:
            return False
        if self.flag and not _has_flag(m, self.flag):
            return False
        text = self.text.strip()
        if text:
            upper = text.upper()
            return (text in m.name or (m.phone is not None and text in m.phone)
                    or (m.id_number is not None and m.id_number.endswith(upper)))
        return True

    def select(self, table: MemberColumns) -> list[int]:
        """The row numbers that match, one cheap pass per active criterion (same answer as `matches`)."""
        rows: Iterable[int] = range(len(table.names))
        if self.group:
            rows = [i for i in rows if table.groups[i] == self.group]
        if self.category:
            rows = [i for i in rows if table.categories[i] == self.category]
        if self.stage:
            rows = [i for i in rows if table.stages[i] == self.stage]
        if self.status == ON_ROLL:
            rows = [i for i in rows if table.statuses[i] in ("正常", "停止党籍")]
        elif self.status:
            rows = [i for i in rows if table.statuses[i] == self.status]
        if self.flag:
            rows = [i for i in rows if self.flag in table.flags[i]]
        text = self.text.strip()
        if text:
            upper = text.upper()
            hay, ids = table.haystacks, table.id_numbers
            rows = [i for i in rows if text in hay[i] or ids[i].endswith(upper)]
        return list(rows)


@dataclass(frozen=True)
class MemberColumns:
    """The roster as columns of the values the filter reads, built once per `set_rows`."""

    names: list[str]
    groups: list[str]
    categories: list[str]
    stages: list[str]
    statuses: list[str]
    flags: list[frozenset[str]]
    haystacks: list[str]  # name and phone: what the search box looks in
    id_numbers: list[str]

    @classmethod
    def of(cls, rows: Sequence[MemberDto]) -> MemberColumns:
        return cls(
            names=[m.name for m in rows],
            groups=[m.party_group or NO_GROUP for m in rows],
            categories=[m.category for m in rows],
            stages=[m.stage for m in rows],
            statuses=[m.status for m in rows],
            flags=[frozenset(f for f in FLAG_FILTERS if _has_flag(m, f)) for m in rows],
            haystacks=[f"{m.name}\x00{m.phone or ''}" for m in rows],
            id_numbers=[m.id_number or "\x00" for m in rows],
        )


def _has_flag(m: MemberDto, flag: str) -> bool:
    return {
        "流动党员": m.is_mobile,
        "失联党员": m.is_lost_contact,
        "新就业群体": bool(m.new_employment_group),
        "农民工": m.is_migrant_worker,
    }.get(flag, True)


class MemberFilterProxy(QAbstractTableModel):
    """The rows of a MemberTableModel that pass a `MemberFilter`, in the source's order.

    What the roster table shows. Not a QSortFilterProxyModel: that one calls back into Python
    once per row (10,000 calls ≈ 35 ms); this decides every row in one list comprehension. Nor a
    QAbstractProxyModel: that one maps every painted cell to the source through Python
    (index, mapToSource, the source's index…); here a painted cell costs Qt one `data()` call
    per role and `data()` one list lookup. Selections and other persistent indexes survive
    filtering and sorting (a layout change, not a reset)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._source: MemberTableModel | None = None
        self._filter = MemberFilter()
        self._table = MemberColumns.of([])
        self._shown: list[int] = []  # source rows shown, in order
        self._proxy_row: list[int] = []  # source row -> proxy row, or -1
        self._texts: list[tuple[str, ...] | None] = []  # the source's row texts (same list)
        self._left: list[bool] = []  # the source's "left the roll" marks (same list)
        self._kept: list[tuple[QPersistentModelIndex, int]] = []

    # -- the filter -----------------------------------------------------------------------------
    @property
    def member_filter(self) -> MemberFilter:
        return self._filter

    def set_member_filter(self, member_filter: MemberFilter) -> None:
        if member_filter == self._filter:
            return
        self._begin_layout()
        self._filter = member_filter
        self._end_layout(rows_changed=False)

    def _rebuild(self, *, rows_changed: bool = True) -> None:
        source = self._source
        if rows_changed:
            self._table = MemberColumns.of(source.rows() if source is not None else [])
        self._texts = source._texts if source is not None else []  # noqa: SLF001 (same module)
        self._left = source._left if source is not None else []  # noqa: SLF001
        self._shown = self._filter.select(self._table)
        self._proxy_row = [-1] * len(self._table.names)
        for proxy_row, source_row in enumerate(self._shown):
            self._proxy_row[source_row] = proxy_row

    # -- following the source -------------------------------------------------------------------
    def sourceModel(self) -> MemberTableModel | None:  # noqa: N802 (as QAbstractProxyModel)
        return self._source

    def setSourceModel(self, model: MemberTableModel) -> None:  # noqa: N802
        old = self._source
        if old is not None:
            old.modelAboutToBeReset.disconnect(self.beginResetModel)
            old.modelReset.disconnect(self._source_reset)
            old.layoutAboutToBeChanged.disconnect(self._begin_layout)
            old.layoutChanged.disconnect(self._end_layout)
        self.beginResetModel()
        self._source = model
        self._rebuild()
        self.endResetModel()
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._source_reset)
        model.layoutAboutToBeChanged.connect(self._begin_layout)
        model.layoutChanged.connect(self._end_layout)

    def _source_reset(self) -> None:
        self._rebuild()
        self.endResetModel()

    def _begin_layout(self, *args: Any) -> None:
        self.layoutAboutToBeChanged[_HINTED].emit([], _ROWS_ONLY)
        self._kept = [(QPersistentModelIndex(self.mapToSource(i)), i.column()) for i in self.persistentIndexList()]

    def _end_layout(self, *args: Any, rows_changed: bool = True) -> None:
        old = self.persistentIndexList()
        self._rebuild(rows_changed=rows_changed)
        new = [self.mapFromSource(QModelIndex(source)) if source.isValid() else QModelIndex() for source, _ in self._kept]
        self._kept = []
        self.changePersistentIndexList(old, new)
        self.layoutChanged[_HINTED].emit([], _ROWS_ONLY)

    def mapToSource(self, proxy_index: Index) -> QModelIndex:  # noqa: N802
        if self._source is None or not proxy_index.isValid() or proxy_index.model() is not self \
                or not 0 <= proxy_index.row() < len(self._shown):
            return QModelIndex()
        return self._source.index(self._shown[proxy_index.row()], proxy_index.column())

    def mapFromSource(self, source_index: Index) -> QModelIndex:  # noqa: N802
        if not source_index.isValid() or not 0 <= source_index.row() < len(self._proxy_row):
            return QModelIndex()
        row = self._proxy_row[source_index.row()]
        return self.index(row, source_index.column()) if row >= 0 else QModelIndex()

    # -- Qt API ---------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._source is None else _COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES:
            return None  # most roles a view asks for (font, alignment, decoration…) end here
        row, column = index.row(), index.column()  # -1, -1 for an invalid index
        if not (0 <= row < len(self._shown) and 0 <= column < _COLUMN_COUNT) or self._source is None:
            return None
        source_row = self._shown[row]
        if role == _DISPLAY or role == _TOOLTIP:
            texts = self._texts[source_row]
            return (texts if texts is not None else self._source.texts(source_row))[column]
        if role == _FOREGROUND:
            return _GREY if self._left[source_row] else None
        return self._source.cell(source_row, column, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        return _header(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._source is not None and column >= 0:
            self._source.sort(column, order)

    # -- for the page ---------------------------------------------------------------------------
    def member_at(self, row: int) -> MemberDto | None:
        if self._source is None or not 0 <= row < len(self._shown):
            return None
        return self._source.row_at(self._shown[row])

    def row_of(self, member_id: int) -> int:
        """The proxy row showing `member_id`, or -1 when it is filtered out."""
        source_row = self._source.row_of(member_id) if self._source is not None else -1
        return self._proxy_row[source_row] if source_row >= 0 else -1


class MemberItemDelegate(QStyledItemDelegate):
    """Paints the roster table's cells exactly as QStyledItemDelegate does, with the style option
    filled in one Python call per cell from the MemberFilterProxy's kept texts.

    Qt's delegate asks the model for seven roles of every painted cell (font, alignment,
    foreground, check state, decoration, display, background), each a call into Python; only the
    text and the grey of members who left the roll are ever answered. This sets what Qt's
    `initStyleOption` would set from those answers; any other index goes to Qt's own."""

    def __init__(self, proxy: MemberFilterProxy, parent: Any = None) -> None:
        super().__init__(parent)
        self._proxy = proxy

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802 (Qt API)
        proxy = self._proxy
        row, column = index.row(), index.column()
        shown = proxy._shown  # noqa: SLF001 (the proxy's own lists, same module)
        source = proxy._source  # noqa: SLF001
        if source is None or index.model() is not proxy or not (0 <= row < len(shown) and 0 <= column < _COLUMN_COUNT):
            super().initStyleOption(option, index)
            return
        source_row = shown[row]
        texts = proxy._texts[source_row]  # noqa: SLF001
        text = (texts if texts is not None else source.texts(source_row))[column]
        option.index = index
        if proxy._left[source_row]:  # noqa: SLF001 - ForegroundRole: the text brush
            palette = option.palette
            palette.setBrush(_TEXT_COLOR, _GREY_BRUSH)
            option.palette = palette
        option.features |= _HAS_DISPLAY  # DisplayRole, shown as Qt's displayText() shows a string
        option.text = text.replace("\n", "\u2028") if "\n" in text else text
        option.backgroundBrush = _NO_BRUSH  # no BackgroundRole
        option.styleObject = None
