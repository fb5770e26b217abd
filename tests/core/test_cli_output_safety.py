"""Every CLI output passes the terminal-safe filter: messages, hints and listings alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.cli import main
from core.cli.text import stream_safe
from core.store import Store

EVIL = "Evil\x1b]0;pwned\x07\x1b[2J\u202eName"


def _outputs(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("argv", [
    ("devices", "--site", "nowhere"),  # the error hint lists the known site names
    ("sites",),
    ("history", "--site", EVIL),
    ("site", "add", EVIL),  # the duplicate-name error repeats the name
])
def test_no_control_or_bidi_character_reaches_the_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    db = tmp_path / "db.sqlite3"
    with Store.open(db) as store:
        store.create_site(EVIL)
    _, text = _outputs(capsys, "--db", str(db), *argv)
    assert text
    assert not any(c in text for c in ("\x1b", "\x07", "\u202e")), repr(text)


def test_the_stream_filter_keeps_line_breaks_and_tabs() -> None:
    assert stream_safe("a\tb\r\nc\n") == "a\tb\r\nc\n"
    assert stream_safe("over\rwrite\x1b[1m\x00") == "over?write?[1m?"
