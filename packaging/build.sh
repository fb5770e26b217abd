#!/usr/bin/env bash
# Builds the Linux release: PyInstaller one-folder bundle, tarball and .deb, in dist/.
#   packaging/build.sh            bundle + tarball + .deb
#   packaging/build.sh bundle     the bundle only (dist/iot-hygiene/)
# Uses its own build venv (BUILD_VENV, default build/venv-bundle), never the developer's .venv;
# BUILD_DIR and DIST_DIR move build/ and dist/ (the slow test builds into a temporary folder).
# Needs: python3 (3.11+) with venv, dpkg-deb, and rsvg-convert (librsvg2-bin) or Qt for the PNG
# icons; appstreamcli (appstream) validates the metainfo when present.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
WHAT="${1:-all}"
VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' core/__init__.py)"
ARCH="$(dpkg --print-architecture 2>/dev/null || uname -m)"
APP_ID="org.iothygiene.IoTHygiene"
BUILD="${BUILD_DIR:-$ROOT/build}"
DIST="${DIST_DIR:-$ROOT/dist}"
BUILD_VENV="${BUILD_VENV:-$BUILD/venv-bundle}"
STARTED=$(date +%s)

step() { echo "== $* ($(( $(date +%s) - STARTED )) s)"; }

step "build venv $BUILD_VENV"
if [ ! -x "$BUILD_VENV/bin/python" ]; then python3 -m venv "$BUILD_VENV"; fi
"$BUILD_VENV/bin/python" -m pip install -q --upgrade pip
"$BUILD_VENV/bin/python" -m pip install -q "pyinstaller>=6.10" "$ROOT"

step "PyInstaller bundle -> dist/iot-hygiene/"
rm -rf "$DIST/iot-hygiene"
"$BUILD_VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$DIST" \
  --workpath "$BUILD/pyinstaller" "$ROOT/packaging/iot-hygiene.spec"
# Nothing of the tests, and no Tk, may ship.
if find "$DIST/iot-hygiene" \( -name "tkinter" -o -name "_tkinter*" -o -name "libtk*" \
     -o -path "*/tests/*" -o -name "pytest*" \) | grep -q .; then
  echo "build.sh: test files or Tk ended up in the bundle" >&2; exit 1
fi
[ "$WHAT" = "bundle" ] && { step "done: bundle"; exit 0; }

step "icons (SVG + PNG 48/128/256)"
ICONS="$BUILD/icons"; rm -rf "$ICONS"; mkdir -p "$ICONS"
for size in 48 128 256; do
  if command -v rsvg-convert >/dev/null; then
    rsvg-convert -w "$size" -h "$size" packaging/linux/iot-hygiene.svg -o "$ICONS/$size.png"
  else  # Qt renders SVG too (the bundle's own PySide6)
    QT_QPA_PLATFORM=offscreen "$BUILD_VENV/bin/python" - "$size" "$ICONS/$size.png" <<'PY'
import sys
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
app = QGuiApplication([])
size = int(sys.argv[1]); image = QImage(size, size, QImage.Format.Format_ARGB32); image.fill(0)
painter = QPainter(image); QSvgRenderer("packaging/linux/iot-hygiene.svg").render(painter)
painter.end(); image.save(sys.argv[2])
PY
  fi
done

step "tarball"
TARBALL="$DIST/iot-hygiene-$VERSION-linux-$ARCH.tar.gz"
STAGE_TAR="$BUILD/tar/iot-hygiene-$VERSION"
rm -rf "$BUILD/tar"; mkdir -p "$STAGE_TAR"
cp -a "$DIST/iot-hygiene/." "$STAGE_TAR/"
mkdir -p "$STAGE_TAR/share"
cp packaging/linux/iot-hygiene.desktop packaging/linux/iot-hygiene.svg \
   "packaging/linux/$APP_ID.metainfo.xml" "$STAGE_TAR/share/"
cp "$ICONS/256.png" "$STAGE_TAR/share/iot-hygiene.png"
cp LICENSE THIRD_PARTY.md "$STAGE_TAR/"
tar -C "$BUILD/tar" -czf "$TARBALL" "iot-hygiene-$VERSION"

step ".deb"
PKG="$BUILD/deb/iot-hygiene_${VERSION}_$ARCH"
rm -rf "$BUILD/deb"; mkdir -p "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin"
cp -a "$DIST/iot-hygiene" "$PKG/opt/iot-hygiene"
ln -s /opt/iot-hygiene/iot-hygiene "$PKG/usr/bin/iot-hygiene"
install -Dm644 packaging/linux/iot-hygiene.desktop "$PKG/usr/share/applications/$APP_ID.desktop"
install -Dm644 "packaging/linux/$APP_ID.metainfo.xml" "$PKG/usr/share/metainfo/$APP_ID.metainfo.xml"
install -Dm644 packaging/linux/iot-hygiene.svg \
  "$PKG/usr/share/icons/hicolor/scalable/apps/iot-hygiene.svg"
for size in 48 128 256; do
  install -Dm644 "$ICONS/$size.png" "$PKG/usr/share/icons/hicolor/${size}x$size/apps/iot-hygiene.png"
done
install -Dm644 packaging/linux/org.iothygiene.arp-helper.policy \
  "$PKG/usr/share/polkit-1/actions/org.iothygiene.arp-helper.policy"
install -Dm644 LICENSE "$PKG/usr/share/doc/iot-hygiene/copyright"
install -Dm644 THIRD_PARTY.md "$PKG/usr/share/doc/iot-hygiene/THIRD_PARTY.md"
install -m755 packaging/linux/postinst packaging/linux/postrm "$PKG/DEBIAN/"
SIZE_KB="$(du -sk "$PKG" | cut -f1)"
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: iot-hygiene
Version: $VERSION
Section: net
Priority: optional
Architecture: $ARCH
Installed-Size: $SIZE_KB
Depends: libc6, libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3, libglib2.0-0, libxcb-cursor0, libcap2-bin
Recommends: libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-xinerama0, libxcb-randr0, libxcb-render-util0, libxcb-image0
Maintainer: IoT Hygiene developers <iot-hygiene@localhost>
Homepage: https://github.com/iot-hygiene/iot-hygiene
Description: find every device on a small office network and make each one safe
 IoT Hygiene finds the printers, cameras, smart-home hubs, TVs and NAS boxes on
 a small office or home network, says in plain words what makes each one unsafe
 and walks you through fixing it. Members of the iot-hygiene group may run the
 deep (raw ARP) scan: only its small helper holds CAP_NET_RAW.
CONTROL
DEB="$DIST/iot-hygiene_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$PKG" "$DEB" >/dev/null

if command -v appstreamcli >/dev/null; then
  step "appstreamcli validate"
  appstreamcli validate --no-net "packaging/linux/$APP_ID.metainfo.xml"
fi
step "done"
ls -l "$TARBALL" "$DEB"
du -sh "$DIST/iot-hygiene"
