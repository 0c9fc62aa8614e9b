"""The 述职报告 editor: the four sections as plain rich text, autosaved, with figure blocks.

A figure block is a link whose target names the figure and the value it had when inserted
(domain.annual.figure_href); it is shown with the figure's current value, and highlighted when
that value changed since (a later correction of the records). Drafts are saved a moment after
the typing stops, when the editor is hidden or closed, and when the year changes: each save is
one unit of work."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.annual import (
    NO_DATA,
    REPORT_SECTIONS,
    accept_current_figures,
    changed_figures,
    figure_href,
    parse_figure_href,
)
from desktop.ui.common import show_error

if TYPE_CHECKING:
    from desktop.domain.annual import YearFigures
    from desktop.services.bundle import Services

AUTOSAVE_MS = 1500
CHANGED_BACKGROUND = QColor("#ffd6d6")
FIGURE_BACKGROUND = QColor("#e6f0ff")


class SectionEdit(QTextEdit):
    """One section: rich text, pasted as plain text (no foreign styles), Tab moves focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)


class ReportEditor(QWidget):
    saved = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.year = services.ctx.today().year
        self._current: dict[str, str] = {}
        self._loading = False
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_now)

        self.tabs = QTabWidget()
        self.edits: dict[str, SectionEdit] = {}
        for number, (key, heading) in enumerate(REPORT_SECTIONS, 1):
            edit = SectionEdit()
            edit.setObjectName(f"section_{key}")
            edit.textChanged.connect(self._edited)
            self.edits[key] = edit
            self.tabs.addTab(edit, f"&{number} {heading}")

        self.figure_list = QListWidget()
        self.figure_list.setObjectName("figureList")
        self.figure_list.itemActivated.connect(lambda _: self.insert_selected_figure())
        self.insert_button = QPushButton("插入数据(&I)")
        self.insert_button.clicked.connect(self.insert_selected_figure)
        self.changed_label = QLabel()
        self.changed_label.setWordWrap(True)
        self.changed_label.setObjectName("changedFigures")
        self.accept_button = QPushButton("更新为最新数据(&U)")
        self.accept_button.clicked.connect(self.accept_current)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("本年度数据（双击或按“插入数据”插入到光标处）："))
        side_layout.addWidget(self.figure_list, 1)
        side_layout.addWidget(self.insert_button)
        side_layout.addWidget(self.changed_label)
        side_layout.addWidget(self.accept_button)

        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        self.status = QLabel()
        self.status.setObjectName("autosaveStatus")
        self.save_button = QPushButton("立即保存(&S)")
        self.save_button.clicked.connect(self.save_now)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    # -- loading ------------------------------------------------------------------------------------
    def load(self, year: int, figures: YearFigures | None = None) -> None:
        """Show `year`'s draft (saving the one being edited first) with the current figure values."""
        if self._dirty:
            self.save_now()
        self.year = year
        figures = figures or self.services.annual.figures(year)
        self._current = figures.displays()
        self.figure_list.clear()
        for figure in figures.figures:
            item = QListWidgetItem(f"{figure.label}：{figure.display}")
            item.setData(Qt.ItemDataRole.UserRole, figure.key)
            self.figure_list.addItem(item)
        draft = self.services.annual.report(year)
        self._loading = True
        try:
            for key, edit in self.edits.items():
                edit.setMarkdown(draft.text(key))
                self._decorate_figures(edit)
        finally:
            self._loading = False
        self._dirty = False
        self._show_changed()
        self.status.setText(f"草稿保存于 {self._local(draft.saved_at)}" if draft.saved_at else "尚未保存草稿")

    def _decorate_figures(self, edit: QTextEdit) -> None:
        """Show each figure block with its current value; highlight those that changed since insertion."""
        doc = edit.document()
        block = doc.begin()
        replacements: list[tuple[int, int, str, str, bool]] = []
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                parsed = parse_figure_href(fragment.charFormat().anchorHref()) if fragment.isValid() else None
                if parsed is not None:
                    key, inserted = parsed
                    current = self._current.get(key, NO_DATA)
                    replacements.append((fragment.position(), fragment.length(), current, fragment.charFormat().anchorHref(),
                                         current != inserted))
                it += 1
            block = block.next()
        for position, length, text, href, changed in reversed(replacements):
            cursor = QTextCursor(doc)
            cursor.setPosition(position)
            cursor.setPosition(position + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(text, self._figure_format(href, changed))

    def _figure_format(self, href: str, changed: bool) -> QTextCharFormat:
        # No tooltip: QTextEdit would store it as the link's title in the Markdown.
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setBackground(CHANGED_BACKGROUND if changed else FIGURE_BACKGROUND)
        return fmt

    # -- figure blocks --------------------------------------------------------------------------------
    def current_edit(self) -> SectionEdit:
        return self.tabs.currentWidget()  # type: ignore[return-value]

    def insert_figure(self, key: str) -> None:
        value = self._current.get(key, NO_DATA)
        edit = self.current_edit()
        cursor = edit.textCursor()
        cursor.insertText(value, self._figure_format(figure_href(key, value), False))
        cursor.insertText("", QTextCharFormat())  # typing after the block is plain text again
        edit.setTextCursor(cursor)
        edit.setCurrentCharFormat(QTextCharFormat())
        edit.setFocus()

    def insert_selected_figure(self) -> None:
        item = self.figure_list.currentItem()
        if item is not None:
            self.insert_figure(item.data(Qt.ItemDataRole.UserRole))

    def changed(self) -> list:
        out = []
        for edit in self.edits.values():
            out += changed_figures(edit.toMarkdown(), self._current)
        return out

    def _show_changed(self) -> None:
        changed = self.changed()
        self.changed_label.setText(
            "以下数据在插入后因台账更正而变化（红底显示）：" + "；".join(f"{c.inserted}→{c.current}" for c in changed)
            if changed else "")
        self.accept_button.setEnabled(bool(changed))

    def accept_current(self) -> None:
        """Re-anchor every figure block at its current value (the secretary has read the change)."""
        texts = {key: accept_current_figures(edit.toMarkdown(), self._current) for key, edit in self.edits.items()}
        self._loading = True
        try:
            for key, edit in self.edits.items():
                edit.setMarkdown(texts[key])
                self._decorate_figures(edit)
        finally:
            self._loading = False
        self._dirty = True
        self.save_now()
        self._show_changed()

    # -- saving ---------------------------------------------------------------------------------------
    def texts(self) -> dict[str, str]:
        return {key: edit.toMarkdown() for key, edit in self.edits.items()}

    def _edited(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self.status.setText("有未保存的修改……")
        self._timer.start()

    def save_now(self) -> bool:
        """Save the draft (one unit of work). Returns False when it could not be saved."""
        self._timer.stop()
        if not self._dirty:
            return True
        from desktop.domain.errors import RecordLockedError

        texts = self.texts()
        try:
            try:
                draft = self.services.annual.save_draft(self.year, texts)
            except RecordLockedError as exc:
                from PySide6.QtWidgets import QInputDialog

                reason, ok = QInputDialog.getText(self, "更正已签章的述职报告", f"{exc.message}\n请填写更正原因：")
                if not ok or not reason.strip():
                    self.status.setText("未保存：已签章的报告需填写更正原因")
                    return False
                draft = self.services.annual.save_draft(self.year, texts, amendment_reason=reason.strip())
        except Exception as exc:  # noqa: BLE001 - the draft stays in the editor; the user is told
            self.status.setText("自动保存失败，修改仍在编辑器中")
            show_error(self, exc, "草稿未保存")
            return False
        self._dirty = False
        self.status.setText(f"已自动保存 {self._local(draft.saved_at)}")
        self._show_changed()
        self.saved.emit()
        return True

    @staticmethod
    def _local(moment: dt.datetime | None) -> str:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else ""

    @property
    def dirty(self) -> bool:
        return self._dirty

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        # The main window closes the data folder in its own closeEvent: a filter on the window
        # sees the close first, so the draft is saved while the folder is still open.
        window = self.window()
        if window is not self and not getattr(self, "_filtering", False):
            window.installEventFilter(self)
            self._filtering = True
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Close and self._dirty:
            self.save_now()
        return False

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._dirty:
            self.save_now()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._dirty:
            self.save_now()
        super().closeEvent(event)
