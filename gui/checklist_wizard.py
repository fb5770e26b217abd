"""The checklist wizard: essentials first, optional questions after, a summary at each finish."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.guidance import (
    ITEM_FIELDS,
    ChecklistItem,
    ChecklistPlan,
    Evidence,
    checklist_plan,
    date_answer,
    evidence_for,
    how_for,
    is_done,
)
from core.models import Category, Finding
from gui.colours import accent
from gui.text import clean

CHOICES = (("yes", "&Yes"), ("no", "N&o"), ("unsure", "Not s&ure"), ("na", "Not a&pplicable"))
TAG_CHOICES = (("work", "&Work"), ("home", "&Home"), ("guest", "&Guest"), ("unsure", "Not s&ure"))
ANSWER_WORDS = {"yes": "Yes", "no": "No", "unsure": "Not sure", "na": "Not applicable"}
TAG_WORDS = {"work": "Work", "home": "Home", "guest": "Guest"}
TRACK_TITLES = {"passwords": "Passwords", "updates": "Updates", "encryption": "Encryption",
                "placement": "Network placement", "physical": "Power and physical",
                "governance": "Ownership and lifecycle"}
SAFE = ("yes", "na")
LIST_LIMIT = 8  # questions listed per group on the summary page


def _label(word_wrap: bool = True, bold: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # item prose is data; evidence is network text
    label.setWordWrap(word_wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(0)
    if bold:
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.25)
        label.setFont(font)
    return label


def user_answered(answers: Mapping[str, str], items: Sequence[ChecklistItem]) -> int:
    """How many of `items` the person has answered (the scan's pre-answers do not count)."""
    return sum(1 for item in items if answers.get(item.id, "").strip())


def checklist_status(plan: ChecklistPlan | None, answers: Mapping[str, str]) -> str:
    """"Essentials 5 of 8", or once they are done "Essentials done · More questions 3 of 27"."""
    if plan is None or not plan.asked:
        return ""
    done = user_answered(answers, plan.essentials)
    if done < len(plan.essentials):
        return f"Essentials {done} of {len(plan.essentials)}"
    more = f" · More questions {user_answered(answers, plan.more)} of {len(plan.more)}" \
        if plan.more else ""
    return f"Essentials done{more}"


class ChecklistWizard(QWidget):
    """Walks a device's plan; `answered(item_id, value)` fires on every answer."""

    answered = Signal(str, str)
    next_device_requested = Signal()
    overview_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: ChecklistPlan | None = None
        self._items: list[ChecklistItem] = []
        self._answers: dict[str, str] = {}
        self._findings: tuple[Finding, ...] = ()
        self._vendor = ""
        self._ip = ""
        self._tag = ""
        self._category = Category.UNKNOWN
        self._position = 0
        self._finish: str = ""  # "", "essentials" or "all": which summary is shown
        self._scores: tuple[int | None, int | None] = (None, None)
        self._next_device = ""
        self.stack = QStackedWidget()
        self.question_page = QWidget()
        self.summary_page = QWidget()
        self.position_label = _label()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.setAccessibleName(self.tr("Checklist progress"))
        self.question_label = _label(bold=True)
        self.why_title = QLabel(self.tr("Why this matters"))
        self.why_label = _label()
        self.how_title = QLabel(self.tr("How to do it"))
        self.how_label = _label()
        self.evidence_label = _label()
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setStyleSheet(
            f"QLabel#evidence {{ border-left: 4px solid {accent().name()}; padding-left: 8px; }}")
        self.answer_label = _label()
        self.hint_label = _label()
        self.choice_buttons: dict[str, QPushButton] = {}
        self.tag_buttons: dict[str, QPushButton] = {}
        self.date_edit = QLineEdit()
        self.date_edit.setPlaceholderText(self.tr("A year (2027) or a date (2027-03-31)"))
        self.date_edit.setAccessibleName(self.tr("Date answer"))
        self.date_edit.returnPressed.connect(self._save_typed)
        self.text_edit = QLineEdit()
        self.text_edit.setAccessibleName(self.tr("Text answer"))
        self.text_edit.returnPressed.connect(self._save_typed)
        self.dont_know_button = QPushButton(self.tr("I &don't know"))
        self.dont_know_button.clicked.connect(lambda: self.answer("unsure"))
        self.save_button = QPushButton(self.tr("Sa&ve answer"))
        self.save_button.clicked.connect(self._save_typed)
        self.back_button = QPushButton(self.tr("< &Back"))
        self.back_button.setAccessibleName(self.tr("Previous question"))
        self.back_button.clicked.connect(self._back)
        self.next_button = QPushButton(self.tr("Ne&xt >"))
        self.next_button.setAccessibleName(self.tr("Next question"))
        self.next_button.clicked.connect(self._next)
        self.summary_title = _label(bold=True)
        self.summary_label = _label()
        self.next_step_label = _label()
        self.more_button = QPushButton()
        self.more_button.clicked.connect(self._start_more)
        self.review_button = QPushButton(self.tr("&Review my answers"))
        self.review_button.clicked.connect(lambda: self.go(0))
        self.next_device_button = QPushButton()
        self.next_device_button.clicked.connect(self.next_device_requested)
        self.overview_button = QPushButton(self.tr("Back to the site o&verview"))
        self.overview_button.clicked.connect(self.overview_requested)
        self._build()
        self.go(0)

    def _build(self) -> None:
        for title in (self.why_title, self.how_title):
            font = title.font()
            font.setBold(True)
            title.setFont(font)
        choices = QHBoxLayout()
        for value, text in CHOICES:
            self.choice_buttons[value] = self._choice_button(text, value)
            choices.addWidget(self.choice_buttons[value])
        for value, text in TAG_CHOICES:
            self.tag_buttons[value] = self._choice_button(text, value)
            choices.addWidget(self.tag_buttons[value])
        for field in (self.date_edit, self.text_edit, self.save_button, self.dont_know_button):
            choices.addWidget(field)
        choices.addStretch(1)
        navigation = QHBoxLayout()
        navigation.addWidget(self.back_button)
        navigation.addWidget(self.position_label, 1)
        navigation.addWidget(self.next_button)
        layout = QVBoxLayout(self.question_page)
        layout.addLayout(navigation)
        layout.addWidget(self.progress)
        layout.addSpacing(8)
        layout.addWidget(self.question_label)
        layout.addWidget(self.evidence_label)
        layout.addLayout(choices)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.answer_label)
        layout.addSpacing(8)
        for label in (self.why_title, self.why_label, self.how_title, self.how_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self.evidence_label.setSizePolicy(QSizePolicy.Policy.Preferred,
                                          QSizePolicy.Policy.Minimum)
        buttons = QHBoxLayout()
        for button in (self.more_button, self.review_button, self.next_device_button,
                       self.overview_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        summary = QVBoxLayout(self.summary_page)
        for widget in (self.summary_title, self.summary_label, self.next_step_label):
            summary.addWidget(widget)
        summary.addLayout(buttons)
        summary.addStretch(1)
        self.stack.addWidget(self.question_page)
        self.stack.addWidget(self.summary_page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)

    def _choice_button(self, text: str, value: str) -> QPushButton:
        button = QPushButton(self.tr(text))
        button.setCheckable(True)
        button.setAccessibleName(self.tr(text).replace("&", ""))
        button.clicked.connect(lambda _=False, v=value: self.answer(v))
        return button

    # -- data in
    def set_plan(self, plan: ChecklistPlan, answers: Mapping[str, str],
                 findings: Sequence[Finding] = (), vendor: str = "",
                 category: Category = Category.UNKNOWN, ip: str = "", tag: str = "",
                 keep_place: bool = False) -> None:
        """Show a device's plan; start at its first unanswered essential (or its summary)."""
        current = self.current_item.id if keep_place and self.current_item else None
        finish = self._finish if keep_place else ""
        self._plan = plan
        self._items = list(plan.asked)
        self._answers = {k: v for k, v in answers.items() if v}
        self._findings = tuple(findings)
        self._vendor, self._category, self._ip, self._tag = vendor, category, ip, tag
        ids = [item.id for item in self._items]
        if current in ids:
            if finish:
                self._position = ids.index(current)
                self._show_summary(finish)
            else:
                self.go(ids.index(current))
            return
        essentials = len(plan.essentials)
        first_open = next((n for n, item in enumerate(self._items)
                           if not self._answers.get(item.id)), None)
        if first_open is None:
            self._show_summary("all")
        elif first_open >= essentials > 0:
            self._position = essentials - 1
            self._show_summary("essentials")
        else:
            self.go(first_open)

    def set_items(self, items: Sequence[ChecklistItem], answers: Mapping[str, str],
                  findings: Sequence[Finding] = (), vendor: str = "",
                  category: Category = Category.UNKNOWN, ip: str = "") -> None:
        """Show these items as a plan (essentials chosen as the assessment would)."""
        self.set_plan(checklist_plan(items, findings, answers), answers, findings, vendor,
                      category, ip)

    def update_answers(self, answers: Mapping[str, str], tag: str = "") -> None:
        """Answers changed elsewhere (Notes & owner, the tag): show them where we are."""
        self._answers = {k: v for k, v in answers.items() if v}
        self._tag = tag
        if self._finish:
            self._show_summary(self._finish)
        elif self._items:
            self._show(self._items[self._position])

    def set_scores(self, opened: int | None, now: int | None) -> None:
        """The device's score when its page opened and now (for the summary)."""
        self._scores = (opened, now)
        if self._finish:
            self._show_summary(self._finish)

    def set_next_device(self, name: str) -> None:
        """The next device in the table's order ("" when this is the last one)."""
        self._next_device = name
        if self._finish:
            self._show_summary(self._finish)

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

    @property
    def finished(self) -> str:
        """"" while asking; "essentials" or "all" while a summary is shown."""
        return self._finish

    @property
    def plan(self) -> ChecklistPlan | None:
        return self._plan

    # -- navigation and answering
    def go(self, position: int) -> None:
        self._finish = ""
        if not self._items:
            self._show_empty()
            return
        self.stack.setCurrentWidget(self.question_page)
        self._position = max(0, min(position, len(self._items) - 1))
        self._show(self._items[self._position])

    def answer(self, value: str) -> None:
        """Record an answer for the current item, tell the owner, then move on."""
        item = self.current_item
        if item is None or not value or self._finish:
            return
        if ITEM_FIELDS.get(item.id) == "tag":
            self._tag = "" if value == "unsure" else value
            self._answers[item.id] = "unsure" if value == "unsure" else "yes"
        else:
            self._answers[item.id] = value
        self.answered.emit(item.id, value)
        self._next()

    def _next(self) -> None:
        essentials = len(self._plan.essentials) if self._plan else len(self._items)
        if self._position == essentials - 1 and not self._finish:
            self._show_summary("essentials" if self._position < len(self._items) - 1 else "all")
        elif self._position >= len(self._items) - 1:
            self._show_summary("all")
        else:
            self.go(self._position + 1)

    def _back(self) -> None:
        self.go(self._position - 1)

    def _start_more(self) -> None:
        essentials = len(self._plan.essentials) if self._plan else 0
        first_open = next((n for n, item in enumerate(self._items)
                           if n >= essentials and not self._answers.get(item.id)), essentials)
        self.go(first_open)

    def _save_typed(self) -> None:
        item = self.current_item
        if item is None:
            return
        if _answer_type(item) == "date":
            typed = self.date_edit.text().strip()
            value = date_answer(typed)
            if value is None:
                self.hint_label.setText(self.tr(
                    "Type a year such as 2027, or a date such as 2027-03-31; or press "
                    "\"I don't know\"." if typed else
                    "Type a year or a date first, press \"I don't know\", or Next to skip."))
                return
            self.answer(value)
        else:
            text = " ".join(self.text_edit.text().split())
            if not text:
                self.hint_label.setText(self.tr(
                    "Type an answer first, press \"I don't know\", or Next to skip."))
                return
            self.answer(text)

    # -- showing a question
    def _set_bounds(self, position: int) -> tuple[str, list[ChecklistItem]]:
        essentials = list(self._plan.essentials) if self._plan else self._items
        if position < len(essentials):
            return self.tr("Essentials"), essentials
        more = list(self._plan.more) if self._plan else []
        return self.tr("More questions"), more

    def _show(self, item: ChecklistItem) -> None:
        name, in_set = self._set_bounds(self._position)
        track_title = self.tr(TRACK_TITLES.get(item.track, item.track.capitalize()))
        done = user_answered(self._answers, in_set)
        self.position_label.setText(self.tr("{0}: question {1} of {2}   ·   {3}   ·   "
                                            "{4} of {2} answered").format(
            name, in_set.index(item) + 1, len(in_set), track_title, done))
        self.progress.setRange(0, len(in_set))
        self.progress.setValue(done)
        for title in (self.why_title, self.how_title):
            title.setVisible(True)
        self.question_label.setText(item.question)
        self.why_label.setText(item.why)
        self.how_label.setText(how_for(item, self._category, self._vendor, self._ip))
        self.hint_label.setText("")
        evidence = self._show_evidence(item)
        self._show_answer_widgets(item, evidence.pre_answer)
        self.back_button.setEnabled(self._position > 0)
        self.next_button.setEnabled(True)

    def _show_evidence(self, item: ChecklistItem) -> Evidence:
        """What the scan says about this question, and any finding that disputes the answer."""
        evidence = evidence_for(item, self._findings, self._answers.get(item.id))
        lines = [clean(text, 600) for text in (evidence.note, evidence.contradiction) if text]
        self.evidence_label.setVisible(bool(lines))
        self.evidence_label.setText("\n".join(lines))
        return evidence

    def _show_answer_widgets(self, item: ChecklistItem, pre_answer: object) -> None:
        kind = _answer_type(item)
        is_tag = ITEM_FIELDS.get(item.id) == "tag"
        current = self._answers.get(item.id, "")
        for value, button in self.choice_buttons.items():
            button.setVisible(kind == "choice" and not is_tag)
            button.setChecked(current == value)
        for value, button in self.tag_buttons.items():
            button.setVisible(is_tag)
            button.setChecked(value == (self._tag or current))
        self.date_edit.setVisible(kind == "date")
        self.text_edit.setVisible(kind == "text")
        self.save_button.setVisible(kind in ("date", "text"))
        self.dont_know_button.setVisible(kind in ("date", "text"))
        typed = "" if current == "unsure" else current
        if kind == "date":
            self.date_edit.setText(typed)  # never today: an empty field until someone types
        elif kind == "text":
            self.text_edit.setText(typed)
        self.answer_label.setText(self._answer_words(current, pre_answer, is_tag))
        self._relayout()

    def _relayout(self) -> None:
        """Hidden answer widgets must not keep the page (and the window) wide."""
        for layout in self.question_page.findChildren(QLayout):
            layout.invalidate()

    def _answer_words(self, current: str, pre_answer: object, is_tag: bool) -> str:
        if is_tag and self._tag:
            return self.tr("Your answer: tagged as {0} (the device's tag)").format(
                self.tr(TAG_WORDS.get(self._tag, self._tag)))
        if current == "unsure":
            return self.tr("Your answer: I don't know (you can come back to it)")
        if current:
            return self.tr("Your answer: {0}").format(self.tr(ANSWER_WORDS.get(current, current)))
        if isinstance(pre_answer, str) and pre_answer:
            word = self.tr(ANSWER_WORDS.get(pre_answer, pre_answer))
            if pre_answer in SAFE:
                return self.tr("The scan's evidence answers it: {0}.").format(word)
            return self.tr("The scan's evidence answers it: {0}. Once it is fixed, answer Yes."
                           ).format(word)
        return self.tr("Not answered yet.")

    def _show_empty(self) -> None:
        self.stack.setCurrentWidget(self.question_page)
        self.position_label.setText("")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.question_label.setText(self.tr("No checklist for this device yet."))
        for widget in (self.why_title, self.how_title, self.evidence_label, self.date_edit,
                       self.text_edit, self.save_button, self.dont_know_button,
                       *self.choice_buttons.values(), *self.tag_buttons.values()):
            widget.setVisible(False)
        for label in (self.why_label, self.how_label, self.answer_label, self.hint_label):
            label.setText("")
        self.back_button.setEnabled(False)
        self.next_button.setEnabled(False)
        self._relayout()

    # -- the finish line
    def _show_summary(self, stage: str) -> None:
        self._finish = stage
        plan = self._plan
        essentials = list(plan.essentials) if plan else self._items
        more = list(plan.more) if plan else []
        asked = essentials if stage == "essentials" else essentials + more
        done, still_open, skipped = self._sort(asked)
        title = self.tr("Essentials finished") if stage == "essentials" \
            else self.tr("Checklist finished")
        self.summary_title.setText(title)
        lines = [self.tr("Done: {0} of {1} questions.").format(len(done), len(asked))]
        lines += self._group(self.tr("Still to fix ({0}):"), still_open)
        lines += self._group(self.tr("Skipped or not known ({0}):"), skipped)
        settled = list(plan.by_evidence) if plan else []
        lines += self._group(self.tr("Answered by the scan's evidence, not asked ({0}):"),
                             settled)
        lines.append(self._score_change())
        self.summary_label.setText("\n".join(line for line in lines if line))
        unanswered_more = [i for i in more if not self._answers.get(i.id)]
        offer_more = stage == "essentials" and bool(unanswered_more)
        self.more_button.setVisible(offer_more)
        self.more_button.setText(self.tr("Answer &more questions ({0}, optional)").format(
            len(unanswered_more)))
        self.next_device_button.setVisible(bool(self._next_device))
        self.next_device_button.setText(self.tr("Ne&xt device: {0} >").format(
            clean(self._next_device, 40)))
        if self._next_device:
            step = self.tr("Next step: go on to the next device, {0}.").format(
                clean(self._next_device, 40))
        else:
            step = self.tr("Next step: that was the last device; go back to the site overview.")
        if offer_more:
            step += " " + self.tr("The optional questions can wait.")
        self.next_step_label.setText(step)
        self.stack.setCurrentWidget(self.summary_page)
        (self.next_device_button if self._next_device else self.overview_button).setFocus()

    def _sort(self, items: Sequence[ChecklistItem]) -> tuple[list[ChecklistItem], ...]:
        done: list[ChecklistItem] = []
        still_open: list[ChecklistItem] = []
        skipped: list[ChecklistItem] = []
        for item in items:
            answer = self._answers.get(item.id)
            evidence = evidence_for(item, self._findings, answer)
            if is_done(item, answer, evidence):
                done.append(item)
            elif (answer or "") in ("", "unsure") and not evidence.pre_answer:
                skipped.append(item)
            else:
                still_open.append(item)
        return done, still_open, skipped

    def _group(self, heading: str, items: Sequence[ChecklistItem]) -> list[str]:
        if not items:
            return []
        shown = [f"  • {item.question}" for item in items[:LIST_LIMIT]]
        if len(items) > LIST_LIMIT:
            shown.append(self.tr("  … and {0} more").format(len(items) - LIST_LIMIT))
        return [heading.format(len(items)), *shown]

    def _score_change(self) -> str:
        opened, now = self._scores
        if opened is None or now is None:
            return ""
        if now == opened:
            return self.tr("Score: {0} / 100 (unchanged since you opened this device).").format(
                now)
        return self.tr("Score: {0} → {1} / 100 ({2:+d} since you opened this device).").format(
            opened, now, now - opened)


def _answer_type(item: ChecklistItem) -> str:
    return str(item.answer_type.value)
