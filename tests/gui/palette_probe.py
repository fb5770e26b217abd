"""Prints every hand-set colour pair of the window under the desktop's light or dark scheme."""

# Run inside `dbus-run-session` with `--scheme dark|light`: it starts a stand-in desktop portal
# (a child process answering org.freedesktop.appearance color-scheme, as GNOME's does), so Qt's
# xdgdesktopportal theme gives the application its real Fusion palette for that scheme.

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

PORTAL = "org.freedesktop.portal.Desktop"
SCHEMES = {"dark": 1, "light": 2}  # the portal's color-scheme values
WAIT_S = 10.0


def serve(scheme: int) -> None:
    """Answer the portal's Settings calls on the session bus until killed."""
    from jeepney import HeaderFields, MessageType, new_error, new_method_return
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName(PORTAL))
    appearance = {"color-scheme": ("u", scheme)}
    while True:
        msg = conn.receive()
        if msg.header.message_type is not MessageType.method_call:
            continue
        member = msg.header.fields.get(HeaderFields.member)
        if member == "ReadAll":
            conn.send(new_method_return(msg, "a{sa{sv}}",
                                        ({"org.freedesktop.appearance": appearance},)))
        elif member == "ReadOne" and msg.body[1] == "color-scheme":
            conn.send(new_method_return(msg, "v", (("u", scheme),)))
        elif member == "Read" and msg.body[1] == "color-scheme":
            conn.send(new_method_return(msg, "v", (("v", ("u", scheme)),)))
        elif member == "Get":
            conn.send(new_method_return(msg, "v", (("u", 2),)))
        else:
            conn.send(new_error(msg, "org.freedesktop.portal.Error.NotFound", "s", ("no",)))


def _wait_for_portal() -> None:
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus="SESSION") as conn:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if conn.send_and_get_reply(message_bus.NameHasOwner(PORTAL)).body[0]:
                return
            time.sleep(0.05)
    raise SystemExit("the stand-in portal did not start")


def probe() -> dict[str, object]:
    """The scheme Qt reports and every (what, foreground, background, required ratio)."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    from gui.app import readable_palette

    readable_palette(app)
    return {"scheme": app.styleHints().colorScheme().name, "pairs": _pairs(app.palette()),
            "window": app.palette().color(QPalette.ColorRole.Window).name()}


def _pairs(palette: object) -> list[tuple[str, str, str, float]]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette

    from core.models import Category, Device, Finding, Severity
    from core.paths import resource
    from core.report.render import CSS
    from gui import colours
    from gui.finding_cards import FindingCard
    from gui.models import Column, DeviceRow, DeviceTableModel, open_counts_of
    from gui.report_dialog import ReportPreview

    assert isinstance(palette, QPalette)
    role = QPalette.ColorRole
    base, alt = palette.color(role.Base).name(), palette.color(role.AlternateBase).name()
    window = palette.color(role.Window).name()
    pairs = [("text", palette.color(role.Text).name(), base, 4.5),
             ("window text", palette.color(role.WindowText).name(), window, 4.5)]
    for link_role in (role.Link, role.LinkVisited):
        pairs += [(f"{link_role.name}", palette.color(link_role).name(), ground, 4.5)
                  for ground in (base, window)]
    model = DeviceTableModel()
    severities = [s for s in Severity if s is not Severity.INFO]
    model.set_rows([DeviceRow(device=(d := Device(
        mac=f"02:00:00:00:00:0{n}", findings=(Finding("x", s, "t"),))),
        open_counts=open_counts_of(d)) for n, s in enumerate(severities)])
    for row in range(model.rowCount()):
        brush = model.data(model.index(row, Column.ISSUES), Qt.ItemDataRole.ForegroundRole)
        pairs += [(f"issues cell {severities[row].value}", brush.color().name(), ground, 4.5)
                  for ground in (base, alt)]
    pairs += [("greyed row", colours.missing_grey().name(), ground, 4.5) for ground in (base, alt)]
    for severity in severities:
        card = FindingCard(_assessed(Finding("x", severity, "t")))
        chip_style = _chip_style(card)
        pairs.append((f"chip {severity.value}", _css(chip_style, "color"),
                      _css(chip_style, "background"), 4.5))
    for severity in Severity:
        fills = _svg_fills(resource("icons", f"severity-{severity.value}.svg").read_text())
        fill, glyph = fills[0], fills[-1]  # the shape, then the mark drawn on it
        pairs += [(f"{severity.value} icon", fill, ground, 3.0) for ground in (window, base, alt)]
        pairs.append((f"{severity.value} icon's mark", glyph, fill, 3.0))
    for category in Category:
        stroke = _svg_fills(resource("icons", f"{category.value}.svg").read_text())[0]
        pairs += [(f"{category.value} icon", stroke, ground, 3.0)
                  for ground in (window, base, alt)]
    pairs.append(("checklist evidence bar", colours.accent().name(), window, 3.0))
    pairs.append(("consent banner", colours.BANNER_TEXT.name(), colours.BANNER_BACKGROUND.name(),
                  4.5))
    preview = ReportPreview().palette()
    pairs.append(("report preview", _css(CSS.split("body{", 1)[1].split("}")[0], "color"),
                  preview.color(role.Base).name(), 4.5))
    return pairs


def _assessed(finding: object) -> object:
    from core.assessment import AssessedFinding

    return AssessedFinding(finding)  # type: ignore[arg-type]


def _chip_style(card: object) -> str:
    from PySide6.QtWidgets import QLabel

    styles = [label.styleSheet() for label in card.findChildren(QLabel)  # type: ignore[attr-defined]
              if "background" in label.styleSheet()]
    return styles[0]


def _svg_fills(svg: str) -> list[str]:
    """The colours an SVG paints with, in order (its shape first)."""
    return [c.lower() for c in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', svg)]


def _css(style: str, name: str) -> str:
    found = re.search(rf"(?:^|[;{{\s]){name}\s*:\s*(#[0-9a-fA-F]{{6}}|[a-z]+)", style)
    if found is None:
        raise SystemExit(f"no {name} in {style!r}")
    from PySide6.QtGui import QColor

    return QColor(found.group(1)).name()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheme", choices=sorted(SCHEMES), required=True)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(SCHEMES[args.scheme])
        return
    portal = subprocess.Popen([sys.executable, "-m", "tests.gui.palette_probe", "--serve",
                               "--scheme", args.scheme])
    try:
        _wait_for_portal()
        os.environ["QT_QPA_PLATFORMTHEME"] = "xdgdesktopportal"
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        print(json.dumps(probe()))
    finally:
        portal.kill()
        portal.wait(timeout=WAIT_S)


if __name__ == "__main__":
    main()
