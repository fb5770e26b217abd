"""The site dashboard: score and why, issues by severity, checklists, changes, next steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.models import Severity
from gui.icons import icon_label, severity_icon
from gui.models import SEVERITY_ORDER, severity_name

if TYPE_CHECKING:
    from gui.views import DashboardData


def _label(text: str = "", bold: bool = False, scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if bold or scale != 1.0:
        font = label.font()
        font.setBold(bold)
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


class DashboardPanel(QScrollArea):
    """A calm summary of the chosen site, rebuilt from a DashboardData each time it changes;
    activating a next best action emits action_activated(mac) to open that device."""

    action_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(270)
        self.setMaximumWidth(340)
        self.layout_ = QVBoxLayout()
        self.no_site_label = _label(self.tr(
            "No site yet.\n\nCreate one for the network you look after (Site > New site…), "
            "or look around the sample office first (Help > Show the welcome again).\n\n"
            "Its score, open issues and next steps will show here."))
        self.summary = QWidget()
        self.summary.setLayout(self.layout_)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.body = QWidget()
        outer = QVBoxLayout(self.body)
        outer.addWidget(self.no_site_label)
        outer.addWidget(self.summary)
        outer.addStretch(1)
        self.setWidget(self.body)
        self.score_label = _label(bold=True, scale=2.0)
        self.score_explanation = _label()
        self.severity_labels: dict[Severity, QLabel] = {}
        self.severity_chips: dict[Severity, QLabel] = {}
        self.checklist_bar = QProgressBar()
        self.checklist_bar.setRange(0, 100)
        self.checklist_label = _label()
        self.changes_label = _label()
        self.placement_label = _label()
        self.actions_list = QListWidget()
        self.actions_list.setAccessibleName(self.tr("Next best actions"))
        self.actions_list.setWordWrap(True)
        self.actions_list.setFrameShape(QFrame.Shape.NoFrame)
        self.actions_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.actions_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.actions_list.itemActivated.connect(self._action_chosen)
        self.actions_list.itemClicked.connect(self._action_chosen)
        self.actions_list.setToolTip(self.tr("Open the device to do this"))
        self._build()
        self.show_no_site()

    def _section(self, title: str) -> None:
        self.layout_.addSpacing(10)
        self.layout_.addWidget(_label(title, bold=True, scale=1.1))

    def _build(self) -> None:
        self._section(self.tr("Site score"))
        self.layout_.addWidget(self.score_label)
        self.layout_.addWidget(self.score_explanation)
        self._section(self.tr("Open issues"))
        for severity in SEVERITY_ORDER[:-1]:
            chip = icon_label(severity_icon(severity), severity_name(severity))
            self.severity_chips[severity] = chip
            label = _label()
            self.severity_labels[severity] = label
            row = QHBoxLayout()
            row.addWidget(chip)
            row.addWidget(label, 1)
            self.layout_.addLayout(row)
        self._section(self.tr("Checklists"))
        self.layout_.addWidget(self.checklist_bar)
        self.layout_.addWidget(self.checklist_label)
        self._section(self.tr("Since the last scan"))
        self.layout_.addWidget(self.changes_label)
        self._section(self.tr("Home and work"))
        self.layout_.addWidget(self.placement_label)
        self._section(self.tr("Next best actions"))
        self.layout_.addWidget(self.actions_list)

    def show_no_site(self) -> None:
        """Before the first site: say what to do instead of empty, unlabelled sections."""
        self.summary.hide()
        self.no_site_label.show()

    def show_data(self, data: DashboardData) -> None:
        self.no_site_label.hide()
        self.summary.show()
        if data.score is None:
            self.score_label.setText(self.tr("No score yet"))
        else:
            self.score_label.setText(self.tr("{0} / 100").format(data.score))
        self.score_explanation.setText("\n".join(data.explanation) or self.tr(
            "Scan the network to see how safe the devices are."))
        counts = dict(data.severity_counts)
        for severity, label in self.severity_labels.items():
            label.setText(f"{counts.get(severity, 0)}  {severity_name(severity).lower()}")
        self.checklist_bar.setValue(data.essentials_percent)
        self.checklist_label.setText(self.tr(
            "Essentials: {0} of {1} answered ({2} %)\nAll questions, optional ones too: "
            "{3} of {4}").format(data.essentials_answered, data.essentials_total,
                                 data.essentials_percent, data.checklist_answered,
                                 data.checklist_total) if data.essentials_total else
            self.tr("No questions yet: scan the network first."))
        self.changes_label.setText("\n".join(data.changes) or self.tr("Nothing to compare yet."))
        self.placement_label.setText("\n".join(data.placement) or self.tr(
            "No devices yet: after a scan, each is counted here as home, work or guest."))
        self.actions_list.clear()
        for number, (text, mac) in enumerate(zip(data.actions, data.action_macs, strict=False),
                                             start=1):
            item = QListWidgetItem(f"{number}. {text}")
            item.setData(Qt.ItemDataRole.UserRole, mac)
            self.actions_list.addItem(item)
        if not data.actions:
            self.actions_list.addItem(QListWidgetItem(
                self.tr("Nothing to do yet: scan the network first.") if data.score is None
                else self.tr("Nothing urgent.")))
        self.actions_list.setFixedHeight(self._list_height())

    def _list_height(self) -> int:
        width = max(200, self.actions_list.viewport().width())
        height = 4
        for row in range(self.actions_list.count()):
            text = self.actions_list.item(row).text()
            rect = self.actions_list.fontMetrics().boundingRect(
                0, 0, width - 8, 10_000, int(Qt.TextFlag.TextWordWrap), text)
            height += rect.height() + 8
        return height

    def _action_chosen(self, item: QListWidgetItem) -> None:
        mac = item.data(Qt.ItemDataRole.UserRole)
        if mac:
            self.action_activated.emit(str(mac))
