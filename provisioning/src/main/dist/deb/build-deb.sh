#!/usr/bin/env bash
# Loa Làng — the station agent as a Debian package, loalang-agent_VERSION_all.deb: what `./loalang build`
# makes beside the jars, for `sudo apt install ./loalang-agent_*.deb` on Raspberry Pi OS (Bookworm, Trixie).
#
#   build-deb.sh --jar station-agent/target/loalang-station-agent.jar --version 0.2.0-SNAPSHOT --out DIR
#
# The package holds the software only (jar, unit, loalang-relays); the station's own files (station.json,
# ca.pem, the controller's key) come from its bundle, as with install.sh. Its maintainer scripts create the
# user, write config.txt's relay block when station.json is there, enable the unit, and clean up on
# remove and purge (postinst, prerm, postrm beside this script). dpkg-deb --root-owner-group: no fakeroot.
set -Eeuo pipefail
umask 022
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
UNIT="$HERE/../../../../../station-agent/src/main/dist/loalang-agent.service"
RELAYS="$HERE/../pi/loalang-relays.sh"
UPDATE="$HERE/../pi/loalang-update.sh"
JAR="" VERSION="" OUT=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --jar) JAR="$2"; shift 2 ;;
        --version) VERSION="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        *) echo "Usage: build-deb.sh --jar JAR --version VERSION --out DIR" >&2; exit 2 ;;
    esac
done
[[ -f "$JAR" && -n "$VERSION" && -n "$OUT" ]] || { echo "Usage: build-deb.sh --jar JAR --version VERSION --out DIR (the jar must exist)" >&2; exit 2; }
command -v dpkg-deb >/dev/null || { echo "dpkg-deb is needed to build the .deb (Debian: dpkg)" >&2; exit 1; }

# Maven's 0.2.0-SNAPSHOT is Debian's 0.2.0~SNAPSHOT: "~" sorts before the release 0.2.0.
DEB_VERSION="${VERSION//-/\~}"
mkdir -p "$OUT"
STAGE="$(mktemp -d "$OUT/.loalang-agent-deb.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"   # the package's ./ : never a 0700 root

install -d -m 0755 "$STAGE/DEBIAN" "$STAGE/opt/loalang" "$STAGE/usr/lib/systemd/system" "$STAGE/usr/share/doc/loalang-agent"
install -m 0644 "$JAR" "$STAGE/opt/loalang/loalang-station-agent.jar"
install -m 0755 "$RELAYS" "$STAGE/opt/loalang/loalang-relays"
install -m 0755 "$UPDATE" "$STAGE/opt/loalang/loalang-update"
install -m 0644 "$UNIT" "$STAGE/usr/lib/systemd/system/loalang-agent.service"
for script in postinst prerm postrm; do
    install -m 0755 "$HERE/$script" "$STAGE/DEBIAN/$script"
done
cat >"$STAGE/usr/share/doc/loalang-agent/copyright" <<'TXT'
Loa Làng station agent. See https://github.com/loalang and the LICENSE file of the source tree.
TXT
SIZE_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat >"$STAGE/DEBIAN/control" <<TXT
Package: loalang-agent
Version: $DEB_VERSION
Architecture: all
Maintainer: Loa Lang <loalang@localhost>
Installed-Size: $SIZE_KB
Depends: openjdk-17-jre-headless | openjdk-21-jre-headless, python3, passwd
Recommends: raspi-utils
Section: sound
Priority: optional
Homepage: https://github.com/loalang
Description: Loa Lang village loudspeaker station agent
 Plays the commune's scheduled sessions and emergency alerts on a Raspberry Pi
 and switches the amplifier relays. Install the station bundle made by
 "loalang provision station" (sudo ./install.sh) to give it its identity.
 The relays are held OFF from power-on through a marked block of config.txt.
TXT
DEB="$OUT/loalang-agent_${DEB_VERSION}_all.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB"
