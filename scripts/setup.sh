#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system packages (when missing) and the local .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
POLICY_RC_D="${POLICY_RC_D:-/usr/sbin/policy-rc.d}"  # a test points this elsewhere
QT_PACKAGES="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core dbus-daemon"
LAB_PACKAGES="poppler-utils rsyslog iproute2 nftables mosquitto lighttpd lighttpd-mod-openssl openssh-server openssh-client socat openssl procps util-linux arp-scan nmap xvfb vsftpd samba snmpd"

# Packages that bring a daemon (package:service); the lab runs them inside namespaces itself, so
# when setup.sh installed them they are kept from starting at boot.
LAB_DAEMONS="mosquitto:mosquitto lighttpd:lighttpd openssh-server:ssh nftables:nftables snmpd:snmpd"

disable_lab_daemons() {
  # disable_lab_daemons PKG... : the just-installed packages' daemons are not enabled at boot.
  local pkg entry
  for pkg in "$@"; do
    for entry in $LAB_DAEMONS; do
      [ "${entry%%:*}" = "$pkg" ] || continue
      if command -v systemctl >/dev/null; then
        systemctl disable --quiet "${entry#*:}.service" 2>/dev/null || true
      fi
      if command -v update-rc.d >/dev/null && [ -e "/etc/init.d/${entry#*:}" ]; then
        update-rc.d "${entry#*:}" disable >/dev/null 2>&1 || true
      fi
    done
  done
}

missing_debs() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  echo "${missing[@]:-}"
}

ensure_debs() {
  # ensure_debs WHY PKG... : install missing Debian packages as root, or say how.
  local why="$1"; shift
  command -v dpkg-query >/dev/null || return 0   # not Debian/Ubuntu: the user knows their system
  local missing; missing="$(missing_debs "$@")"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing system packages for $why: $missing"
    # Daemons installed for the lab must never start in this (the real) network namespace: a
    # policy-rc.d that denies starts, ours only for the install (a pre-existing one is kept).
    local own_policy=""
    if [ ! -e "$POLICY_RC_D" ]; then
      printf '#!/bin/sh\n# iot-hygiene setup.sh: no daemon starts during apt-get install\nexit 101\n' \
        > "$POLICY_RC_D"
      chmod 755 "$POLICY_RC_D"
      own_policy=1
      trap 'rm -f "$POLICY_RC_D"' EXIT  # also when apt-get fails
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    if [ -n "$own_policy" ]; then rm -f "$POLICY_RC_D"; trap - EXIT; fi
    # shellcheck disable=SC2086
    disable_lab_daemons $missing
  else
    echo "IoT Hygiene needs these system packages for $why:" >&2
    echo "  sudo apt-get install $missing" >&2
    exit 3
  fi
}

ensure_venv() {
  # ensure_venv EXTRAS : create .venv and install the project when pyproject.toml changed.
  local extras="$1"
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "IoT Hygiene needs Python 3.11 or newer (python3 is $(python3 --version 2>&1))." >&2
    exit 3
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || { echo "Cannot create a virtual environment: sudo apt-get install python3-venv" >&2; exit 3; }
  fi
  local stamp="$VENV/.stamp-$extras-$(sha1sum "$ROOT/pyproject.toml" | cut -c1-12)"
  if [ ! -e "$stamp" ]; then
    echo "Setting up .venv (first run, or dependencies changed)..."
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"
    rm -f "$VENV"/.stamp-*
    touch "$stamp"
  fi
}
