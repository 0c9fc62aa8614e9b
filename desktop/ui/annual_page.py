"""述职: the year's figures (each opens to its records), charts, the report editor, the three lists,
the evaluation, and printing of the report, the evaluation record and the one-page summary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.annual_editor import ReportEditor
from desktop.ui.annual_lists import Col, DtoTableModel, ListsWidget, make_table, with_amendment
from desktop.ui.charts import YearCharts
from desktop.ui.common import DateEdit, guarded

if TYPE_CHECKING:
    from desktop.domain.annual import Figure, YearFigures
    from desktop.services.bundle import Services

FIGURE_COLUMNS = (
    Col("类别", lambda f: f.group),
    Col("项目", lambda f: f.label),
    Col("数值", lambda f: f.display),
    Col("明细", lambda f: f"{len(f.rows)}条记录" if f.rows else ""),
)


class FigureRowsDialog(QDialog):
    """The records behind one figure."""

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{figure.label}：{figure.display}")
        columns = figure.columns or tuple(f"列{i + 1}" for i in range(max((len(r.cells) for r in figure.rows), default=1)))
        self.model = DtoTableModel([Col(title, lambda r, i=i: r.cells[i] if i < len(r.cells) else "")
                                    for i, title in enumerate(columns)], self)
        self.model.set_rows(figure.rows)
        self.table = make_table(self.model, "figureRows")
        note = QLabel(f"共{len(figure.rows)}条记录。" + (f"{figure.note}" if figure.note else ""))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(640, 420)


class FiguresTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DtoTableModel(FIGURE_COLUMNS, self, colour=lambda f: "#888888" if f.value is None else None)
        self.table = make_table(self.model, "annualFigures")
        for column, width in enumerate((90, 300, 130, 90)):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda index: self.open_rows(index.row()))
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setObjectName("figuresInfo")
        self.charts = YearCharts(self)
        self.monthly_model = DtoTableModel(
            (Col("月份", lambda r: f"{r[0]}月"), Col("参会率", lambda r: r[1]), Col("党费收缴", lambda r: r[2])), self)
        self.monthly_table = make_table(self.monthly_model, "monthlyFigures")
        self.monthly_table.verticalHeader().setVisible(False)
        for column, width in enumerate((44, 64, 100)):
            self.monthly_table.setColumnWidth(column, width)
        self.monthly_table.setFixedWidth(232)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.monthly_table)
        lower_layout.addWidget(self.charts, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(splitter, 1)
        layout.addWidget(QLabel("双击一项数据可查看其来源记录。"))

    def set_figures(self, figures: YearFigures) -> None:
        self.model.set_rows(figures.figures)
        parts = [f"统计区间：{figures.period_start.isoformat()} 至 {figures.period_end.isoformat()}；"
                 f"计算时间：{figures.computed_at:%Y-%m-%d %H:%M}（根据台账记录自动计算，不可手工修改）。"]
        if not figures.has_records:
            parts.append(f"{figures.year}年没有任何台账记录：各项显示为“暂无数据”，不是零。")
        for area in figures.missing_sources:
            parts.append(f"{area}：暂无数据（组织生活/党费模块未提供）。")
        self.info.setText("".join(parts))
        self.charts.set_figures(figures)
        att, col = figures.attendance_by_month, figures.collection_by_month
        self.monthly_model.set_rows([
            (m, f"{att[m]}%" if m in att else "—", f"{col[m]:,.2f}元" if m in col else "—") for m in range(1, 13)
        ] if att or col else [])

    def open_rows(self, row: int) -> FigureRowsDialog | None:
        figure = self.model.row(row)
        dialog = FigureRowsDialog(figure, self)
        dialog.open()
        return dialog


class EvaluationTab(QWidget):
    """The rating tally, the upper organization's verdict, and each member's 民主评议 grade."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.year = services.ctx.today().year
        self.held_edit = DateEdit(None)
        self.held_edit.dateChanged.connect(lambda _: self._show_eligible())
        self.eligible_label = QLabel()
        self.participants_spin = QSpinBox()
        self.participants_spin.setRange(0, 10000)
        self.held_edit.setMaximumWidth(160)
        self.participants_spin.setMaximumWidth(160)
        self.count_spins = [QSpinBox() for _ in range(4)]
        self.count_labels = [QLabel() for _ in range(4)]
        counts_row = QHBoxLayout()
        for label, spin in zip(self.count_labels, self.count_spins):
            spin.setRange(0, 10000)
            label.setBuddy(spin)
            counts_row.addWidget(label)
            counts_row.addWidget(spin)
        counts_row.addStretch(1)
        self.upper_combo = QComboBox()
        self.upper_combo.setMaximumWidth(200)
        self.comments_edit = QPlainTextEdit()
        self.comments_edit.setTabChangesFocus(True)
        self.comments_edit.setFixedHeight(60)
        self.tally_label = QLabel()
        self.tally_label.setObjectName("tallyResult")
        self.save_button = QPushButton("保存测评结果(&S)")
        self.save_button.clicked.connect(self.save_evaluation)
        form = QFormLayout()
        form.addRow("测评日期(&T)：", self.held_edit)
        form.addRow("应参加测评：", self.eligible_label)
        form.addRow("实际参加(&P)：", self.participants_spin)
        form.addRow("各等次票数：", counts_row)
        form.addRow("上级综合评定(&G)：", self.upper_combo)
        form.addRow("上级评价意见(&O)：", self.comments_edit)
        form.addRow("", self.save_button)
        form.addRow("测评结果：", self.tally_label)
        box = QGroupBox("书记述职测评")
        box.setLayout(form)

        self.grade_model = DtoTableModel((
            Col("姓名", lambda g: g.member_name), Col("评议等次", lambda g: g.grade),
            Col("来自会议", lambda g: g.source or "（未关联会议记录）"), Col("备注", lambda g: g.note or ""),
        ), self)
        self.grade_table = make_table(self.grade_model, "memberGrades")
        self.grade_table.setColumnWidth(2, 280)
        self.member_combo = QComboBox()
        self.grade_combo = QComboBox()
        from desktop.domain.annual import MEMBER_GRADES

        self.grade_combo.addItems(MEMBER_GRADES)
        self.meeting_combo = QComboBox()
        self.grade_note = QPlainTextEdit()
        self.grade_note.setTabChangesFocus(True)
        self.grade_note.setFixedHeight(40)
        self.grade_button = QPushButton("保存等次(&A)")
        self.grade_button.clicked.connect(self.save_grade)
        grade_form = QFormLayout()
        grade_form.addRow("党员(&M)：", self.member_combo)
        grade_form.addRow("评议等次(&R)：", self.grade_combo)
        grade_form.addRow("组织生活会(&H)：", self.meeting_combo)
        grade_form.addRow("备注：", self.grade_note)
        grade_form.addRow("", self.grade_button)
        grade_box = QGroupBox("民主评议党员")
        grade_layout = QHBoxLayout(grade_box)
        grade_layout.addWidget(self.grade_table, 2)
        form_widget = QWidget()
        form_widget.setLayout(grade_form)
        grade_layout.addWidget(form_widget, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(grade_box, 1)

    def set_year(self, year: int) -> None:
        self.year = year
        self.refresh()

    def refresh(self) -> None:
        annual = self.services.annual
        evaluation = annual.evaluation(self.year)
        scale = evaluation.scale if evaluation else annual.rating_scale()
        from desktop.domain.annual import rating_grades

        grades = rating_grades(scale)
        for index, (label, spin) in enumerate(zip(self.count_labels, self.count_spins)):
            label.setText(f"{grades[index]}(&{index + 1})")
            spin.setValue(evaluation.lines[index].count if evaluation else 0)
        self.upper_combo.clear()
        self.upper_combo.addItems(["（尚未评定）", *grades])
        if evaluation:
            self.held_edit.set_date(evaluation.held_on)
            self.participants_spin.setValue(evaluation.participants)
            self.upper_combo.setCurrentText(evaluation.upper_grade or "（尚未评定）")
            self.comments_edit.setPlainText(evaluation.upper_comments or "")
        else:
            self.held_edit.set_date(None)
            self.participants_spin.setValue(0)
            self.comments_edit.setPlainText("")
        self._show_eligible()
        self._show_tally(evaluation)
        self.member_combo.clear()
        for member_id, name in annual.gradable_members(self.year):
            self.member_combo.addItem(name, member_id)
        self.meeting_combo.clear()
        self.meeting_combo.addItem("（不关联）", None)
        for meeting in annual.life_meetings(self.year):
            self.meeting_combo.addItem(meeting.label, meeting.id)
        self.grade_model.set_rows(annual.member_grades(self.year))

    def _show_eligible(self) -> None:
        try:
            count = self.services.annual.eligible_voters(self.year, self.held_edit.date_value())
        except Exception:  # noqa: BLE001 - a future year: shown as unknown
            self.eligible_label.setText("—")
            return
        self.eligible_label.setText(f"{count}人（测评当日支部党员数，按花名册计算）")

    def _show_tally(self, evaluation: Any) -> None:
        if evaluation is None:
            self.tally_label.setText("尚未录入")
            return
        self.tally_label.setText("；".join(f"{l.grade}{l.count}票（{l.percent}%）" for l in evaluation.lines)
                                 + f"。应参加{evaluation.eligible}人，实参加{evaluation.participants}人。")

    def save_evaluation(self) -> Any:
        upper = self.upper_combo.currentText()
        result = with_amendment(self, lambda reason: self.services.annual.save_evaluation(
            self.year, counts=[s.value() for s in self.count_spins], participants=self.participants_spin.value(),
            held_on=self.held_edit.date_value(), upper_grade=None if upper.startswith("（") else upper,
            upper_comments=self.comments_edit.toPlainText(), amendment_reason=reason))
        if result is not None:
            self._show_tally(result)
        return result

    def save_grade(self) -> Any:
        member_id = self.member_combo.currentData()
        if member_id is None:
            return None
        result = with_amendment(self, lambda reason: self.services.annual.set_member_grade(
            self.year, member_id, self.grade_combo.currentText(), meeting_id=self.meeting_combo.currentData(),
            note=self.grade_note.toPlainText(), amendment_reason=reason))
        if result is not None:
            self.grade_model.set_rows(self.services.annual.member_grades(self.year))
        return result


class AnnualPage(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        today = services.ctx.today()
        self.year_spin = QSpinBox()
        self.year_spin.setRange(1990, today.year)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(" 年")
        year_label = QLabel("述职年度(&Y)：")
        year_label.setBuddy(self.year_spin)
        self.recompute_button = QPushButton("重新计算(&R)")
        self.recompute_button.clicked.connect(lambda: self.refresh(fresh=True))
        self.print_report_button = QPushButton("打印述职报告(&P)…")
        self.print_report_button.clicked.connect(lambda: self.print_pdf("report"))
        self.print_evaluation_button = QPushButton("打印评议记录(&V)…")
        self.print_evaluation_button.clicked.connect(lambda: self.print_pdf("evaluation"))
        self.print_summary_button = QPushButton("打印统计表(&T)…")
        self.print_summary_button.clicked.connect(lambda: self.print_pdf("summary"))
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year_spin)
        top.addWidget(self.recompute_button)
        top.addStretch(1)
        for button in (self.print_report_button, self.print_evaluation_button, self.print_summary_button):
            top.addWidget(button)

        self.figures_tab = FiguresTab(self)
        self.editor = ReportEditor(services, self)
        self.lists = ListsWidget(services, self)
        self.evaluation = EvaluationTab(services, self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.figures_tab, "数据汇总")
        self.tabs.addTab(self.editor, "述职报告")
        self.tabs.addTab(self.lists, "三个清单")
        self.tabs.addTab(self.evaluation, "述职评议")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>述职</h2>"))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.year_spin.valueChanged.connect(lambda _: self.refresh())
        self.figures: YearFigures | None = None

    @property
    def year(self) -> int:
        return self.year_spin.value()

    def refresh(self, *, fresh: bool = False) -> None:
        figures = guarded(self, lambda: self.services.annual.figures(self.year, fresh=fresh))
        if figures is None:
            return
        self.figures = figures
        self.figures_tab.set_figures(figures)
        self.editor.load(self.year, figures)
        self.lists.set_year(self.year)
        self.evaluation.set_year(self.year)

    def print_pdf(self, kind: str, out: Path | None = None) -> Path | None:
        """Render one of the three documents; asks where to save it unless `out` is given."""
        if self.editor.dirty and not self.editor.save_now():
            return None
        names = {"report": "述职报告", "evaluation": "述职评议记录", "summary": "党建工作统计表"}
        if out is None:
            exports = self.services.ctx.folder.exports
            suggested = str(exports / f"{self.year}年度{names[kind]}.pdf")
            chosen, _ = QFileDialog.getSaveFileName(self, f"保存{names[kind]}", suggested, "PDF 文件 (*.pdf)")
            if not chosen:
                return None
            out = Path(chosen)
        annual = self.services.annual
        render = {"report": annual.render_ledger, "evaluation": annual.render_evaluation,
                  "summary": annual.render_summary}[kind]
        rendered = guarded(self, lambda: render(self.year, out))
        if rendered is None:
            return None
        if QMessageBox.question(self, "已生成", f"已生成 {rendered.path}。现在打开查看吗？") == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(rendered.path)))
        return rendered.path
