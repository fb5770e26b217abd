"""The checklist wizard: one plain question at a time with why and how, saved when answered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from core.guidance import ChecklistItem, evidence_for, how_for
from core.models import Category, Finding
from gui.text import clean

CHOICES = (("yes", "&Yes"), ("no", "N&o"), ("unsure", "Not s&ure"), ("na", "Not a&pplicable"))
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unsure": "Not sure", "na": "Not applicable"}
TRACK_TITLES = {"passwords": "Passwords", "updates": "Updates", "encryption": "Encryption",
                "placement": "Network placement", "physical": "Power and physical",
                "governance": "Ownership and lifecycle"}


def _label(word_wrap: bool = True, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # item prose is data; evidence is network text
    label.setWordWrap(word_wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        label.setFont(font)
    return label


class ChecklistWizard(QWidget):
    """Walks a device's checklist items; `answered(item_id, value)` fires on every answer."""

    answered = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[ChecklistItem] = []
        self._answers: dict[str, str] = {}
        self._findings: tuple[Finding, ...] = ()
        self._vendor = ""
        self._category = Category.UNKNOWN
        self._position = 0
        self.position_label = _label(bold=False)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.question_label = _label(bold=True)
        self.why_title = QLabel(self.tr("Why this matters"))
        self.why_label = _label()
        self.how_title = QLabel(self.tr("How to do it"))
        self.how_label = _label()
        self.evidence_label = _label()
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setStyleSheet(
            "QLabel#evidence { border-left: 4px solid #3f88c5; padding-left: 8px; }")
        self.answer_label = _label()
        self.choice_buttons: dict[str, QPushButton] = {}
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.text_edit = QLineEdit()
        self.save_button = QPushButton(self.tr("Sa&ve answer"))
        self.save_button.clicked.connect(self._save_typed)
        self.back_button = QPushButton(self.tr("< &Back"))
        self.back_button.clicked.connect(lambda: self.go(self._position - 1))
        self.next_button = QPushButton(self.tr("Ne&xt >"))
        self.next_button.clicked.connect(lambda: self.go(self._position + 1))
        self._build()
        self.go(0)

    def _build(self) -> None:
        for title in (self.why_title, self.how_title):
            font = title.font()
            font.setBold(True)
            title.setFont(font)
        choices = QHBoxLayout()
        for value, text in CHOICES:
            button = QPushButton(self.tr(text))
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, v=value: self.answer(v))
            self.choice_buttons[value] = button
            choices.addWidget(button)
        for field in (self.date_edit, self.text_edit, self.save_button):
            choices.addWidget(field)
        choices.addStretch(1)
        navigation = QHBoxLayout()
        navigation.addWidget(self.back_button)
        navigation.addWidget(self.position_label, 1)
        navigation.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(navigation)
        layout.addWidget(self.progress)
        layout.addSpacing(8)
        layout.addWidget(self.question_label)
        layout.addWidget(self.evidence_label)
        layout.addLayout(choices)
        layout.addWidget(self.answer_label)
        layout.addSpacing(8)
        for label in (self.why_title, self.why_label, self.how_title, self.how_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self.evidence_label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                          QSizePolicy.Policy.Minimum)

    # -- data in
    def set_items(self, items: Sequence[ChecklistItem], answers: Mapping[str, str],
                  findings: Sequence[Finding] = (), vendor: str = "",
                  category: Category = Category.UNKNOWN) -> None:
        """Show these checklist items; start at the first unanswered one."""
        self._items = list(items)
        self._answers = dict(answers)
        self._findings = tuple(findings)
        self._vendor = vendor
        self._category = category
        first_open = next((i for i, item in enumerate(self._items)
                           if item.id not in self._answers), 0)
        self.go(first_open)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """The device's open findings changed: show the current item's evidence again."""
        self._findings = tuple(findings)
        item = self.current_item
        if item is not None:
            self._show_evidence(item)

    @property
    def answers(self) -> dict[str, str]:
        return dict(self._answers)

    @property
    def current_item(self) -> ChecklistItem | None:
        return self._items[self._position] if self._items else None

    # -- navigation and answering
    def go(self, position: int) -> None:
        if not self._items:
            self._show_empty()
            return
        self._position = max(0, min(position, len(self._items) - 1))
        self._show(self._items[self._position])

    def answer(self, value: str) -> None:
        """Record an answer for the current item, tell the owner, then move on."""
        item = self.current_item
        if item is None or not value:
            return
        self._answers[item.id] = value
        self.answered.emit(item.id, value)
        if self._position < len(self._items) - 1:
            self.go(self._position + 1)
        else:
            self._show(item)

    def _save_typed(self) -> None:
        item = self.current_item
        if item is None:
            return
        if _answer_type(item) == "date":
            self.answer(self.date_edit.date().toString("yyyy-MM-dd"))
        else:
            self.answer(" ".join(self.text_edit.text().split()))

    # -- showing
    def _show(self, item: ChecklistItem) -> None:
        total = len(self._items)
        in_track = [i for i in self._items if i.track == item.track]
        track_title = self.tr(TRACK_TITLES.get(item.track, item.track.capitalize()))
        done = sum(1 for i in self._items if i.id in self._answers)
        self.position_label.setText(self.tr("{0} {1} of {2}   ·   {3} of {4} answered").format(
            track_title, in_track.index(item) + 1, len(in_track), done, total))
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        for title in (self.why_title, self.how_title):
            title.setVisible(True)
        self.question_label.setText(item.question)
        self.why_label.setText(item.why)
        self.how_label.setText(self._how(item))
        self._show_evidence(item)
        self._show_answer_widgets(item)
        self.back_button.setEnabled(self._position > 0)
        self.next_button.setEnabled(self._position < total - 1)

    def _how(self, item: ChecklistItem) -> str:
        return how_for(item, self._category, self._vendor)

    def _show_evidence(self, item: ChecklistItem) -> None:
        """What the scan says about this question, and any finding that disputes the answer."""
        evidence = evidence_for(item, self._findings, self._answers.get(item.id))
        lines = [clean(text, 600) for text in (evidence.note, evidence.contradiction) if text]
        self.evidence_label.setVisible(bool(lines))
        self.evidence_label.setText("\n".join(lines))

    def _show_answer_widgets(self, item: ChecklistItem) -> None:
        kind = _answer_type(item)
        current = self._answers.get(item.id, "")
        for value, button in self.choice_buttons.items():
            button.setVisible(kind == "choice")
            button.setChecked(current == value)
        self.date_edit.setVisible(kind == "date")
        self.text_edit.setVisible(kind == "text")
        self.save_button.setVisible(kind in ("date", "text"))
        if kind == "date":
            parsed = QDate.fromString(current, "yyyy-MM-dd")
            self.date_edit.setDate(parsed if parsed.isValid() else QDate.currentDate())
        elif kind == "text":
            self.text_edit.setText(current)
        words = ANSWER_WORDS.get(current, current)
        self.answer_label.setText(self.tr("Your answer: {0}").format(self.tr(words))
                                  if current else self.tr("Not answered yet."))

    def _show_empty(self) -> None:
        self.position_label.setText("")
        self.question_label.setText(self.tr("No checklist for this device yet."))
        for widget in (self.why_title, self.how_title, self.evidence_label, self.date_edit,
                       self.text_edit, self.save_button, *self.choice_buttons.values()):
            widget.setVisible(False)
        for label in (self.why_label, self.how_label, self.answer_label):
            label.setText("")
        self.back_button.setEnabled(False)
        self.next_button.setEnabled(False)


def _answer_type(item: ChecklistItem) -> str:
    return str(item.answer_type.value)


