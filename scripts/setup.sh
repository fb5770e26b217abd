#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: system packages (when missing) and the local .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
QT_PACKAGES="libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core"
LAB_PACKAGES="poppler-utils rsyslog iproute2 nftables mosquitto lighttpd lighttpd-mod-openssl openssh-server openssh-client socat openssl procps util-linux arp-scan nmap xvfb vsftpd samba"

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
    # Daemons installed for the lab must never start in this (the real) network namespace.
    [ -e /usr/sbin/policy-rc.d ] || printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
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
