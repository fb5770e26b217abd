"""Networks have a role, chosen with the site and editable later; placement findings follow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from core.guidance import HOME_ON_WORK, WORK_ON_GUEST
from core.models import Tag
from core.store import Store
from gui.network_roles import NetworksDialog, NewSiteDialog
from gui.welcome import WelcomeDialog
from tests.fixtures.db.builders import device, finding, scan
from tests.gui.conftest import ModalScript, WindowFactory, settle

MAC = "f4:f5:d8:00:00:03"
NET = "192.0.2.0/24"


def _new_site(name: str, network: str, role: str) -> object:
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, NewSiteDialog)
        dialog.name_edit.setText(name)
        dialog.network_edit.setText(network)
        dialog.role_combo.set_role(role)
        dialog.ok_button.click()
        return int(dialog.result())
    return answer


def _roles(changes: dict[str, str]) -> object:
    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, NetworksDialog)
        for network, role in changes.items():
            if network not in dialog.combos:
                dialog.add_edit.setText(network)
                dialog.add_button.click()
            dialog.combos[network].set_role(role)
        return int(QDialog.DialogCode.Accepted)
    return answer


def test_roles_change_placement_findings(qtbot: QtBot, make_window: WindowFactory,
                                         modal: ModalScript) -> None:
    window = make_window()
    modal.then(_new_site("Home office", NET, "guest"))
    window.new_site()
    settle(qtbot, window)
    site = window.site
    assert site is not None and site.guest_networks == (NET,) and site.work_networks == ()
    with Store.open(window.session.store.path) as store:
        store.save_scan(site.id, scan("2026-02-01T10:00:00Z", device(MAC, "192.0.2.7")))
        store.update_device(site.id, MAC, tag=Tag.WORK)
    window.controller.refresh()
    settle(qtbot, window)
    row = window.table_model.row_for(MAC)
    assert row is not None and row.assessment is not None
    assert WORK_ON_GUEST in row.assessment.open_ids, "a work laptop on the guest network"

    modal.then(_roles({NET: "work"}))
    window.edit_networks()
    settle(qtbot, window)
    assert window.site is not None and window.site.work_networks == (NET,)
    row = window.table_model.row_for(MAC)
    assert row is not None and row.assessment is not None and row.assessment.open_ids == ()

    window.open_device(MAC)
    page = window.device_page
    page.tag_combo.setCurrentIndex(list(Tag).index(Tag.HOME))
    page.tag_combo.activated.emit(page.tag_combo.currentIndex())
    assert page.details is not None and HOME_ON_WORK in page.details.assessment.open_ids

    modal.then(_roles({NET: "home", "10.1.0.0/16": "guest"}))
    window.edit_networks()
    settle(qtbot, window)
    assert window.site is not None and window.site.network_roles == {
        NET: "home", "10.1.0.0/16": "guest"}
    page.refresh()
    assert page.details is not None and page.details.assessment.open_ids == (), \
        "home gadgets on the home network are fine"


def test_new_site_explains_what_is_missing(qtbot: QtBot, make_window: WindowFactory,
                                           modal: ModalScript) -> None:
    window = make_window()
    seen: list[str] = []

    def blank(dialog: QDialog) -> int:
        assert isinstance(dialog, NewSiteDialog)
        dialog.ok_button.click()
        seen.append(dialog.problem_label.text())
        dialog.name_edit.setText("Shop")
        dialog.network_edit.setText("not a network")
        dialog.ok_button.click()
        seen.append(dialog.problem_label.text())
        return int(dialog.result())

    modal.then(blank)
    window.new_site()
    assert "name" in seen[0] and "not a network" in seen[1]
    assert window.session.sites() == ()


def test_welcome_asks_the_role(qtbot: QtBot, make_window: WindowFactory,
                               modal: ModalScript) -> None:
    window = make_window()

    def answer(dialog: QDialog) -> int:
        assert isinstance(dialog, WelcomeDialog)
        dialog.site_edit.setText("Flat")
        dialog.role_combo.set_role("home")
        return int(QDialog.DialogCode.Accepted)

    modal.then(answer)
    window.start_first_run_if_needed()
    settle(qtbot, window)
    assert window.site is not None and window.site.name == "Flat"
    interface = window.scan_bar.interface
    assert interface is not None and window.site.home_networks == (interface.network,)


def test_blank_rename_explains_itself(qtbot: QtBot, make_window: WindowFactory,
                                      modal: ModalScript) -> None:
    window = make_window()
    window.controller.create_site("Shop")
    settle(qtbot, window)

    def blank(dialog: QDialog) -> int:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("   ")
        return int(QDialog.DialogCode.Accepted)

    modal.then(blank)
    window.rename_site()
    assert isinstance(modal.seen[-1], QMessageBox) and "needs a name" in modal.seen[-1].text()


def test_authorise_without_a_site_explains_itself(qtbot: QtBot, make_window: WindowFactory,
                                                   modal: ModalScript) -> None:
    window = make_window()
    window.authorise_checks()
    assert isinstance(modal.seen[-1], QMessageBox) and "first" in modal.seen[-1].text()


def test_never_scanned_site_and_empty_reason_say_what_to_do(
        qtbot: QtBot, make_window: WindowFactory, modal: ModalScript, db_path: Path) -> None:
    window = make_window()
    window.controller.create_site("Shop")
    settle(qtbot, window)
    texts = [window.dashboard.actions_list.item(n).text()
             for n in range(window.dashboard.actions_list.count())]
    assert texts and "Nothing urgent" not in " ".join(texts) and "scan" in texts[0].lower()
    assert "admin rights" in window.scan_bar.mode_combo.itemText(0)
    assert "admin rights" in window.scan_bar.mode_combo.itemText(1)

    with Store.open(db_path) as store:
        store.save_scan(1, scan("2026-02-01T10:00:00Z", device(
            MAC, "192.0.2.7", findings=(finding("telnet-open", port=23),))))
    window = make_window()
    window.open_device(MAC)

    def blank(dialog: QDialog) -> int:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  ")
        return int(QDialog.DialogCode.Accepted)

    modal.then(blank)
    window.device_page.accept_risk("telnet-open")
    assert isinstance(modal.seen[-1], QMessageBox) and "reason" in modal.seen[-1].text()
    with Store.open(db_path) as store:
        assert store.findings(1, MAC)[0].status.value == "open"
