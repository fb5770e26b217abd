"""scripts/setup.sh leaves the machine as it found it: no policy-rc.d left, lab daemons off."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STUBS = {
    "id": 'echo 0\n',  # pretend root: ensure_debs installs
    "dpkg-query": 'exit 1\n',  # every package is missing
    "apt-get": 'echo "apt-get $* policy=$(test -e "$POLICY_RC_D" && cat "$POLICY_RC_D" | '
               'tail -1)" >> "$LOG"\n',
    "systemctl": 'echo "systemctl $*" >> "$LOG"\n',
    "update-rc.d": 'echo "update-rc.d $*" >> "$LOG"\n',
}


def _run(tmp_path: Path, packages: str) -> list[str]:
    stubs = tmp_path / "bin"
    stubs.mkdir(exist_ok=True)
    for name, body in STUBS.items():
        (stubs / name).write_text("#!/bin/sh\n" + body)
        (stubs / name).chmod(0o755)
    log = tmp_path / "log"
    env = {**os.environ, "PATH": f"{stubs}:{os.environ['PATH']}", "LOG": str(log),
           "POLICY_RC_D": str(tmp_path / "policy-rc.d")}
    subprocess.run(["bash", "-c", f'source scripts/setup.sh && ensure_debs "the lab" {packages}'],
                   cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=60)
    return log.read_text().splitlines()


def test_own_policy_denies_starts_during_the_install_and_is_removed(tmp_path: Path) -> None:
    log = _run(tmp_path, "mosquitto openssh-server curl")
    install = next(line for line in log if line.startswith("apt-get") and " install " in line)
    assert install.endswith("policy=exit 101")
    assert not (tmp_path / "policy-rc.d").exists()
    assert "systemctl disable --quiet mosquitto.service" in log
    assert "systemctl disable --quiet ssh.service" in log
    assert not any("curl" in line for line in log if line.startswith("systemctl"))


def test_a_policy_that_was_there_before_is_kept_as_it_was(tmp_path: Path) -> None:
    policy = tmp_path / "policy-rc.d"
    policy.write_text("#!/bin/sh\n# the machine's own\nexit 101\n")
    policy.chmod(0o700)
    _run(tmp_path, "lighttpd")
    assert policy.read_text() == "#!/bin/sh\n# the machine's own\nexit 101\n"
    assert policy.stat().st_mode & 0o777 == 0o700
