#!/usr/bin/env bash
# Loa Làng — cài (hoặc cập nhật) phần mềm cụm loa trên Raspberry Pi từ gói trạm.
# Loa Làng — install (or update) the station agent on a Raspberry Pi from a station bundle.
#
#   sudo ./install.sh                  # in the unpacked bundle loalang-station-<ID>/
#   sudo ./install.sh --uninstall [--purge]
#   sudo ./install.sh --help
#
# The bundle comes from the commune server: ./loalang provision station ... (see docs/station-install.md).
# Running it again is safe: with the same bundle nothing changes; with a new bundle (after a
# password rotation) the config is replaced and the agent restarted.
set -Eeuo pipefail
umask 022
trap 'printf "LỖI / ERROR: Lệnh bị lỗi ở dòng %s: %s / a command failed at line %s: %s\n" "$LINENO" "$BASH_COMMAND" "$LINENO" "$BASH_COMMAND" >&2' ERR
PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

readonly SERVICE=loalang-agent.service
readonly AGENT_USER=loalang
readonly JAR_NAME=loalang-station-agent.jar
readonly RELAYS_TOOL=loalang-relays
readonly UPDATE_TOOL=loalang-update
readonly DATA_DIR=/var/lib/loalang
readonly CONF_DIR=/etc/loalang
readonly OPT_DIR=/opt/loalang
readonly UNIT_DIR=/etc/systemd/system

usage() {
    cat <<'EOF'
Cài phần mềm cụm loa Loa Làng từ gói trạm / Install the Loa Làng station agent from a station bundle.

Cách dùng / Usage: sudo ./install.sh [--bundle DIR] [--root DIR] [--jar PATH] [--no-packages]
                  sudo ./install.sh --uninstall [--purge] [--root DIR]

  --bundle DIR    thư mục gói trạm (mặc định: thư mục chứa tệp này)
                  the unpacked station bundle (default: the directory this script is in)
  --root DIR      cài vào cây thư mục khác "/" (thử nghiệm, ảnh thẻ nhớ); không khởi động dịch vụ
                  install under another root (tests, an SD-card image); the service is enabled, not started
  --jar PATH      tệp loalang-station-agent.jar nếu gói không có
                  the agent jar, when the bundle has none (default: BUNDLE/loalang-station-agent.jar)
  --no-packages   không cài gói apt (Java 17 hoặc 21)
                  do not install apt packages (Java 17, or 21 where the release has no 17: Trixie)
  --uninstall     gỡ phần mềm, dịch vụ và mức chân relay trong config.txt; giữ cấu hình và dữ liệu
                  remove the agent, its service and config.txt's relay block; keep the config and data
  --purge         cùng --uninstall: xoá cả /etc/loalang, /var/lib/loalang và người dùng loalang
                  with --uninstall: also remove /etc/loalang, /var/lib/loalang and the user loalang
  --help          in hướng dẫn này / print this help

Installs: /opt/loalang/{loalang-station-agent.jar,loalang-relays}, /etc/loalang/{station.json,ca.pem,
controller-signing.pub.pem}, /var/lib/loalang, /etc/systemd/system/loalang-agent.service; the system user
loalang (groups gpio, audio); in config.txt a marked block holding each relay OFF from power-on
(gpio=PIN=op,dh for active-low boards, dl for active-high).
Exit status: 0 done, 1 a step failed, 2 bad options or a bad bundle (nothing was changed).
EOF
}

# Every message: Vietnamese first, then English, on one line.
say() { printf '%s\n' "$*"; }
warn() { printf 'CẢNH BÁO / WARNING: %s\n' "$*" >&2; }
die() { printf 'LỖI / ERROR: %s\n' "$1" >&2; exit "${2:-1}"; }   # MESSAGE [STATUS]

DONE=()
done_step() { DONE+=("$*"); say "  ✓ $*"; }

TMP_FILE=""          # a half-copied file to remove if we stop early
STOPPED_AGENT=no     # we stopped the running agent and have not started it again
on_exit() {
    local rc=$?
    [[ -n "$TMP_FILE" ]] && rm -f "$TMP_FILE"
    if [[ "$STOPPED_AGENT" == yes ]]; then
        printf '%s\n' "Cài đặt dừng giữa chừng; khởi động lại dịch vụ / the install stopped half-way; starting the agent again" >&2
        systemctl start "$SERVICE" || true
    fi
    exit "$rc"
}
trap on_exit EXIT

# ---------------------------------------------------------------------------------------------
# Options
# ---------------------------------------------------------------------------------------------
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
BUNDLE="$SCRIPT_DIR"
ROOT=/
JAR=""
PACKAGES=yes
UNINSTALL=no
PURGE=no

need_value() {
    [[ $# -ge 2 && -n "$2" ]] || die "Tuỳ chọn $1 cần một giá trị / option $1 needs a value (see --help)" 2
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --bundle) need_value "$@"; BUNDLE="$2"; shift 2 ;;
        --bundle=*) BUNDLE="${1#*=}"; shift ;;
        --root) need_value "$@"; ROOT="$2"; shift 2 ;;
        --root=*) ROOT="${1#*=}"; shift ;;
        --jar) need_value "$@"; JAR="$2"; shift 2 ;;
        --jar=*) JAR="${1#*=}"; shift ;;
        --no-packages) PACKAGES=no; shift ;;
        --uninstall) UNINSTALL=yes; shift ;;
        --purge) PURGE=yes; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "Tuỳ chọn không hợp lệ: $1 / unknown option: $1 (see --help)" 2 ;;
    esac
done

if [[ "$(id -u)" -ne 0 ]]; then
    die "Cần chạy với quyền root: sudo $0 / must run as root: sudo $0" 2
fi

[[ "$PURGE" == no || "$UNINSTALL" == yes ]] || die "--purge chỉ đi cùng --uninstall / --purge goes with --uninstall" 2
[[ "$UNINSTALL" == yes ]] || [[ -d "$BUNDLE" ]] || die "Không thấy thư mục gói trạm $BUNDLE / the station bundle directory $BUNDLE does not exist" 2
BUNDLE="$(cd "$BUNDLE" && pwd -P)"
JAR="${JAR:-$BUNDLE/$JAR_NAME}"

[[ -d "$ROOT" ]] || die "Không thấy thư mục gốc $ROOT / the root directory $ROOT does not exist" 2
ROOT="$(cd "$ROOT" && pwd -P)"
if [[ "$ROOT" == / ]]; then
    R=""                  # prefix for every path we touch
    PREFIX=()             # for groupadd / useradd / usermod
else
    R="$ROOT"
    PREFIX=(--prefix "$ROOT")
fi

# Read the target root's own files: on a fake root the host's NSS knows nothing of them.
has_group() {
    if [[ -z "$R" ]]; then getent group "$1" >/dev/null; else grep -q "^$1:" "$R/etc/group"; fi
}
has_user() {
    if [[ -z "$R" ]]; then getent passwd "$1" >/dev/null; else grep -q "^$1:" "$R/etc/passwd"; fi
}
uid_of() {
    if [[ -z "$R" ]]; then id -u "$1"; else awk -F: -v n="$1" '$1 == n { print $3; exit }' "$R/etc/passwd"; fi
}
gid_of() {
    if [[ -z "$R" ]]; then getent group "$1" | cut -d: -f3; else awk -F: -v n="$1" '$1 == n { print $3; exit }' "$R/etc/group"; fi
}
in_group() { # USER GROUP: a supplementary member, or the user's primary group
    if [[ -z "$R" ]]; then
        id -nG "$1" | tr ' ' '\n' | grep -qx "$2"
    else
        local gid primary
        gid="$(gid_of "$2")"
        primary="$(awk -F: -v n="$1" '$1 == n { print $4; exit }' "$R/etc/passwd")"
        [[ -n "$gid" && "$primary" == "$gid" ]] && return 0
        awk -F: -v g="$2" -v u="$1" '$1 == g { n = split($4, m, ","); for (i = 1; i <= n; i++) if (m[i] == u) found = 1 }
            END { exit found ? 0 : 1 }' "$R/etc/group"
    fi
}

# ---------------------------------------------------------------------------------------------
# --uninstall: the agent stopped (its relays OFF), then everything this script installed, the relay
# block of config.txt first (while its tool is still there); --purge also the station's config,
# data and user. The groups gpio and audio stay: Raspberry Pi OS owns them.
# ---------------------------------------------------------------------------------------------
uninstall() {
    local unit="$R$UNIT_DIR/$SERVICE" tool="$R$OPT_DIR/$RELAYS_TOOL"
    say "Gỡ Loa Làng khỏi ${ROOT} / uninstalling Loa Làng from ${ROOT}"
    if [[ -z "$R" && -d /run/systemd/system ]]; then
        if systemctl is-active --quiet "$SERVICE"; then
            systemctl stop "$SERVICE" || die "Không dừng được $SERVICE / could not stop $SERVICE"
            done_step "Đã dừng $SERVICE, relay tắt / stopped $SERVICE: relays OFF"
        fi
        systemctl disable --quiet "$SERVICE" 2>/dev/null || true
    elif [[ -f "$unit" ]]; then
        systemctl --root="$ROOT" disable --quiet "$SERVICE" 2>/dev/null || true
    fi
    [[ -x "$tool" ]] || tool="$SCRIPT_DIR/$RELAYS_TOOL"
    if [[ -f "$tool" ]]; then
        bash "$tool" boot-config remove --root "$ROOT" || die "Không xoá được mức chân relay trong config.txt / could not remove the relay block from config.txt"
    else
        warn "Không thấy $RELAYS_TOOL: khối relay trong config.txt (nếu có) còn nguyên / $RELAYS_TOOL is missing: config.txt's relay block, if any, is left"
    fi
    rm -f "$R$UNIT_DIR/multi-user.target.wants/$SERVICE" "$unit" "$R$OPT_DIR/$JAR_NAME" "$R$OPT_DIR/$RELAYS_TOOL" \
        "$R$OPT_DIR/$UPDATE_TOOL" "$R$OPT_DIR/update.state"
    rm -rf "$R$OPT_DIR/versions"     # the versions updates over the air installed side by side
    rmdir "$R$OPT_DIR" 2>/dev/null || true
    done_step "Đã gỡ phần mềm và dịch vụ / removed the agent and its service"
    if [[ "$PURGE" == yes ]]; then
        rm -rf "$R$CONF_DIR" "$R$DATA_DIR"
        if has_user "$AGENT_USER"; then
            userdel ${PREFIX[@]+"${PREFIX[@]}"} "$AGENT_USER" || die "Không xoá được người dùng $AGENT_USER / could not remove the user $AGENT_USER"
        fi
        if has_group "$AGENT_USER"; then
            groupdel ${PREFIX[@]+"${PREFIX[@]}"} "$AGENT_USER" || die "Không xoá được nhóm $AGENT_USER / could not remove the group $AGENT_USER"
        fi
        done_step "Đã xoá cấu hình, dữ liệu và người dùng $AGENT_USER / removed the config, the data and the user $AGENT_USER"
    fi
    if [[ -z "$R" && -d /run/systemd/system ]]; then
        systemctl daemon-reload || true
    fi
    say "Xong / done"
}

if [[ "$UNINSTALL" == yes ]]; then
    uninstall
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# 1. Check the bundle, before changing anything
# ---------------------------------------------------------------------------------------------
PROBLEMS=()
problem() { PROBLEMS+=("$*"); }

STATION_ID=""
WITH_CA=yes
CONFIG="$BUNDLE/station.json"
if [[ ! -f "$CONFIG" ]]; then
    problem "Thiếu tệp station.json / station.json is missing from the bundle $BUNDLE"
elif command -v python3 >/dev/null 2>&1; then
    # Parse it, and check what would keep the agent from starting on this Pi.
    if checked="$(python3 - "$CONFIG" 2>&1 <<'PY'
import json, sys
path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as f:
        c = json.load(f)
except Exception as e:  # noqa: BLE001 - any reason is the technician's reason
    print("PARSE\t" + str(e).replace("\n", " "))
    sys.exit(0)
if not isinstance(c, dict):
    print("PARSE\tnot a JSON object")
    sys.exit(0)
sid = c.get("stationId")
if not isinstance(sid, str) or not sid.strip():
    print("NOID\t")
else:
    print("ID\t" + sid)
d = c.get("dataDir")
if d is not None and d.rstrip("/") != "/var/lib/loalang":
    print("DATADIR\t" + str(d))
ca = c.get("caFile")
if ca is None:
    # A broker reached in clear (the controller's embedded broker): no CA in the bundle, none to install.
    print("NOCA\t")
elif ca not in ("ca.pem", "/etc/loalang/ca.pem"):
    print("CAFILE\t" + str(ca))
# On a pole the agent runs without --simulate: it refuses mock relays and WAV files (StationHardware).
gpio = c.get("gpio")
if not isinstance(gpio, dict):
    print("NOGPIO\t")
elif gpio.get("provider", "gpiod") != "gpiod":
    print("GPIOPROVIDER\t" + str(gpio.get("provider")))
audio = c.get("audio")
if not isinstance(audio, dict) or audio.get("sink", "javasound") != "javasound":
    print("AUDIOSINK\t" + (str(audio.get("sink")) if isinstance(audio, dict) else "no audio section"))
elif not isinstance(audio.get("device"), str) or not audio.get("device").strip():
    print("AUDIODEVICE\t")
PY
)"; then
        while IFS=$'\t' read -r kind value; do
            case "$kind" in
                PARSE) problem "Tệp station.json bị hỏng (không phải JSON) / station.json in $BUNDLE is not valid JSON: $value" ;;
                NOID) problem "Tệp station.json không có mã trạm (stationId) / station.json in $BUNDLE has no stationId" ;;
                ID) STATION_ID="$value" ;;
                NOCA) WITH_CA=no ;;
                DATADIR) problem "Trong station.json, dataDir phải là $DATA_DIR (đang là $value) / in station.json, dataDir must be $DATA_DIR, the service's only writable folder (it is $value)" ;;
                CAFILE) problem "Trong station.json, caFile phải là \"ca.pem\" (đang là $value) / in station.json, caFile must be \"ca.pem\", installed as $CONF_DIR/ca.pem (it is $value)" ;;
                NOGPIO) problem "station.json không có mục gpio (relay) / station.json has no gpio section: the agent would only simulate its relays" ;;
                GPIOPROVIDER) problem "Trong station.json, gpio.provider phải là gpiod (đang là $value) / in station.json, gpio.provider must be gpiod on a Pi (it is $value)" ;;
                AUDIOSINK) problem "Trong station.json, audio.sink phải là javasound (đang là: $value) / in station.json, audio.sink must be javasound on a Pi (it is: $value): WAV files are for simulation" ;;
                AUDIODEVICE) problem "station.json không ghi tên card âm thanh (audio.device); xem tên bằng: aplay -l / station.json names no sound card (audio.device): find its name with aplay -l, then make the bundle with --audio-device NAME" ;;
            esac
        done <<<"$checked"
    else
        problem "Không kiểm tra được station.json / could not check station.json: $checked"
    fi
else
    # No python3: the least check that catches a wrong or empty file.
    STATION_ID="$(grep -o '"stationId"[[:space:]]*:[[:space:]]*"[^"]*"' "$CONFIG" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/' || true)"
    grep -q '"caFile"' "$CONFIG" || WITH_CA=no
    [[ -n "$STATION_ID" ]] || problem "Tệp station.json không có mã trạm (stationId) hoặc bị hỏng / station.json in $BUNDLE has no \"stationId\" or is damaged"
fi

is_pem() { # FILE BEGIN-LABEL
    grep -q -- "-----BEGIN $2-----" "$1" 2>/dev/null && grep -q -- "-----END $2-----" "$1" 2>/dev/null
}

CA="$BUNDLE/ca.pem"
if [[ "$WITH_CA" == no ]]; then
    : # station.json names no caFile: the station reaches its broker in clear (tcp://)
elif [[ ! -f "$CA" ]]; then
    problem "Thiếu tệp ca.pem / ca.pem (the broker's CA certificate) is missing from the bundle $BUNDLE"
elif ! is_pem "$CA" CERTIFICATE; then
    problem "Tệp ca.pem không phải chứng chỉ PEM / ca.pem in $BUNDLE is not a PEM certificate"
elif command -v openssl >/dev/null 2>&1 && ! openssl x509 -in "$CA" -noout >/dev/null 2>&1; then
    problem "Tệp ca.pem bị hỏng, openssl không đọc được / ca.pem in $BUNDLE is a damaged certificate (openssl cannot read it)"
fi

KEY="$BUNDLE/controller-signing.pub.pem"
if [[ ! -f "$KEY" ]]; then
    problem "Thiếu tệp controller-signing.pub.pem / controller-signing.pub.pem (the controller's public key) is missing from the bundle $BUNDLE"
elif ! is_pem "$KEY" "PUBLIC KEY"; then
    problem "Tệp controller-signing.pub.pem không phải khoá công khai PEM / controller-signing.pub.pem in $BUNDLE is not a PEM public key"
fi

UNIT_SRC="$BUNDLE/$SERVICE"
if [[ ! -f "$UNIT_SRC" ]]; then
    problem "Thiếu tệp $SERVICE / $SERVICE is missing from the bundle $BUNDLE"
elif ! grep -q -- '^ExecStopPost=.*--relays-off' "$UNIT_SRC"; then
    problem "Tệp $SERVICE không tắt relay khi dừng (thiếu ExecStopPost … --relays-off) / $SERVICE in $BUNDLE does not switch the relays off on stop (no ExecStopPost … --relays-off)"
fi

RELAYS_SRC="$BUNDLE/$RELAYS_TOOL"
if [[ ! -f "$RELAYS_SRC" ]]; then
    problem "Thiếu tệp $RELAYS_TOOL / $RELAYS_TOOL (keeps the relays OFF from power-on) is missing from the bundle $BUNDLE"
elif [[ -f "$CONFIG" ]] && command -v python3 >/dev/null 2>&1; then
    # The relays' pins, checked by the same tool that writes them into config.txt.
    if ! pins_out="$(bash "$RELAYS_SRC" boot-config show --config "$CONFIG" 2>&1)"; then
        while IFS= read -r line; do
            [[ "$line" == "LỖI / ERROR: "* ]] && problem "${line#LỖI / ERROR: }"
        done <<<"$pins_out"
    fi
fi

if [[ ! -f "$JAR" ]]; then
    problem "Thiếu tệp $JAR_NAME ($JAR): chép vào thư mục gói hoặc dùng --jar / the agent jar $JAR is missing: put $JAR_NAME in the bundle or pass --jar PATH"
elif [[ "$(head -c 2 "$JAR" 2>/dev/null | tr -d '\0' || true)" != PK ]]; then
    problem "Tệp $JAR không phải tệp jar / $JAR is not a jar file"
fi

if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
    for p in "${PROBLEMS[@]}"; do
        printf 'LỖI / ERROR: %s\n' "$p" >&2
    done
    printf '%s\n' "Gói trạm không dùng được, chưa thay đổi gì trên máy này. / The bundle cannot be used; nothing was changed on this machine." >&2
    exit 2
fi

say "Cài trạm ${STATION_ID:-?} từ $BUNDLE vào ${ROOT} / installing station ${STATION_ID:-?} from $BUNDLE into ${ROOT}"

# ---------------------------------------------------------------------------------------------
# 2. Java 17 or 21
# ---------------------------------------------------------------------------------------------
# The unit runs /usr/bin/java: that exact path must be a Java 17 or later. Bookworm has openjdk-17,
# Trixie only openjdk-21 (and later): the first the release knows is installed.
java_major() {
    local out
    if [[ -z "$R" ]]; then
        [[ -x /usr/bin/java ]] || return 1
        out="$(/usr/bin/java -version 2>&1)" || return 1
    else
        # Often an absolute symlink (/etc/alternatives/java): only chroot resolves it right.
        [[ -e "$R/usr/bin/java" || -L "$R/usr/bin/java" ]] || return 1
        out="$(chroot "$ROOT" /usr/bin/java -version 2>&1)" || return 1
    fi
    # openjdk version "17.0.13" 2024-10-15  |  java version "1.8.0_392"
    local v
    v="$(printf '%s\n' "$out" | sed -n 's/.*version "\([0-9][0-9._]*\).*/\1/p' | head -n 1)"
    [[ -n "$v" ]] || return 1
    if [[ "$v" == 1.* ]]; then v="${v#1.}"; fi
    printf '%s\n' "${v%%[._]*}"
}

have_java17() {
    local major
    major="$(java_major 2>/dev/null)" || return 1
    [[ "$major" =~ ^[0-9]+$ ]] && (( major >= 17 ))
}

apt_get() {
    if [[ -z "$R" ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
    fi
}

apt_cache() {
    if [[ -z "$R" ]]; then apt-cache "$@"; else chroot "$ROOT" apt-cache "$@"; fi
}

# The Java package this release can install: 17 where it has one (what the agent is tested on),
# else 21. Asked of `apt-cache policy`, not `apt-cache show`: Trixie still knows openjdk-17 as a
# name other packages refer to, so `show` succeeds, but it has no candidate to install (seen in a
# real Trixie root: docs/station-install.md §4, step 2).
java_package() {
    local p candidate
    for p in openjdk-17-jre-headless openjdk-21-jre-headless; do
        candidate="$(LC_ALL=C apt_cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n 1)"
        if [[ -n "$candidate" && "$candidate" != "(none)" ]]; then
            printf '%s\n' "$p"
            return 0
        fi
    done
    return 1
}

if have_java17; then
    say "  · Java $(java_major) đã có / Java $(java_major) is already installed at /usr/bin/java"
elif [[ "$PACKAGES" == no ]]; then
    warn "Chưa có Java 17/21 ở /usr/bin/java, bỏ qua cài gói (--no-packages); dịch vụ sẽ không chạy cho tới khi cài openjdk-17-jre-headless (Bookworm) hoặc openjdk-21-jre-headless (Trixie) / no Java 17+ at /usr/bin/java and packages are skipped (--no-packages): the service cannot run until openjdk-17-jre-headless (Bookworm) or openjdk-21-jre-headless (Trixie) is installed"
elif [[ -n "$R" && ! -x "$R/usr/bin/apt-get" ]]; then
    warn "Bỏ qua cài gói: $ROOT không phải hệ thống đầy đủ (không có /usr/bin/apt-get) / skipping packages: $ROOT is not a full system (no /usr/bin/apt-get)"
else
    apt_get update -q || die "apt-get update không chạy được (mạng?) / apt-get update failed (is the network up?)"
    JAVA_PKG="$(java_package)" \
        || die "Bản phát hành này không có openjdk-17-jre-headless hay openjdk-21-jre-headless / this release has neither openjdk-17-jre-headless nor openjdk-21-jre-headless"
    say "  · Cài $JAVA_PKG (cần mạng) / installing $JAVA_PKG (needs the network)…"
    apt_get install -y -q --no-install-recommends "$JAVA_PKG" \
        || die "Không cài được $JAVA_PKG / could not install $JAVA_PKG"
    have_java17 || die "Đã cài $JAVA_PKG nhưng /usr/bin/java không phải Java 17+ (xem update-alternatives --config java) / $JAVA_PKG is installed but /usr/bin/java is not Java 17+ (see update-alternatives --config java)"
    done_step "Đã cài Java $(java_major) / installed Java $(java_major) ($JAVA_PKG)"
fi

# ---------------------------------------------------------------------------------------------
# 3. Groups and the system user
# ---------------------------------------------------------------------------------------------

for g in gpio audio; do
    if has_group "$g"; then
        say "  · Nhóm $g đã có / group $g exists"
    else
        groupadd ${PREFIX[@]+"${PREFIX[@]}"} --system "$g" \
            || die "Không tạo được nhóm $g / could not create the group $g"
        done_step "Đã tạo nhóm hệ thống $g / created the system group $g"
    fi
done

if has_user "$AGENT_USER"; then
    say "  · Người dùng $AGENT_USER đã có / user $AGENT_USER exists"
    for g in gpio audio; do
        if ! in_group "$AGENT_USER" "$g"; then
            usermod ${PREFIX[@]+"${PREFIX[@]}"} --append --groups "$g" "$AGENT_USER" \
                || die "Không thêm được $AGENT_USER vào nhóm $g / could not add $AGENT_USER to the group $g"
            done_step "Đã thêm $AGENT_USER vào nhóm $g / added $AGENT_USER to the group $g"
        fi
    done
else
    if has_group "$AGENT_USER"; then
        own_group=(--gid "$AGENT_USER")      # left over from an earlier install: reuse it
    else
        own_group=(--user-group)
    fi
    useradd ${PREFIX[@]+"${PREFIX[@]}"} --system "${own_group[@]}" --groups gpio,audio \
        --home-dir "$DATA_DIR" --no-create-home --shell /usr/sbin/nologin \
        --comment "Loa Lang station agent" "$AGENT_USER" \
        || die "Không tạo được người dùng $AGENT_USER / could not create the user $AGENT_USER"
    done_step "Đã tạo người dùng hệ thống $AGENT_USER (nhóm gpio, audio) / created the system user $AGENT_USER (groups gpio, audio)"
fi

AGENT_UID="$(uid_of "$AGENT_USER")"
AGENT_GID="$(gid_of "$AGENT_USER")"
[[ "$AGENT_UID" =~ ^[0-9]+$ && "$AGENT_GID" =~ ^[0-9]+$ ]] \
    || die "Không đọc được uid/gid của $AGENT_USER / cannot read the uid/gid of $AGENT_USER"

# ---------------------------------------------------------------------------------------------
# 4. Files and folders
# ---------------------------------------------------------------------------------------------
# Whether any installed file would change: a re-run with the same bundle must not cut a broadcast
# short by restarting the agent for nothing.
files_differ() {
    local pair
    local pairs=("$JAR|$OPT_DIR/$JAR_NAME" "$RELAYS_SRC|$OPT_DIR/$RELAYS_TOOL" "$CONFIG|$CONF_DIR/station.json"
                 "$KEY|$CONF_DIR/controller-signing.pub.pem" "$UNIT_SRC|$UNIT_DIR/$SERVICE")
    [[ "$WITH_CA" == yes ]] && pairs+=("$CA|$CONF_DIR/ca.pem")
    for pair in "${pairs[@]}"; do
        cmp -s "${pair%%|*}" "$R${pair#*|}" || return 0
    done
    return 1
}
FILES_CHANGE=no
if files_differ; then
    FILES_CHANGE=yes
fi

# A running agent is stopped first, so that its stop switches OFF the relays of the config it runs
# with (ExecStopPost reads station.json: a new bundle may name other pins), not the new one.
if [[ -z "$R" && "$FILES_CHANGE" == yes && -d /run/systemd/system ]] && systemctl is-active --quiet "$SERVICE"; then
    say "  · Dừng $SERVICE, relay tắt theo cấu hình cũ / stopping $SERVICE: its relays go OFF under the config it runs with"
    STOPPED_AGENT=yes
    systemctl stop "$SERVICE" || die "Không dừng được $SERVICE / could not stop $SERVICE"
fi

# Numeric owners: names would be looked up in the host's user database, not the target root's.
ensure_dir() { # PATH MODE UID GID
    mkdir -p "$R$1"
    chown "$3:$4" "$R$1"
    chmod "$2" "$R$1"
}

# Copies SRC to DEST through a temporary file and a rename, so that the agent never reads half a
# file, with the mode and owner set before the file takes its name.
put_file() { # SRC DEST MODE UID GID LABEL
    local src="$1" dest="$R$2" tmp
    if [[ -f "$dest" && ! -L "$dest" ]] && cmp -s "$src" "$dest"; then
        chown "$4:$5" "$dest"
        chmod "$3" "$dest"
        say "  · $2 không đổi / $2 unchanged"
        return 0
    fi
    local had=no
    [[ -e "$dest" || -L "$dest" ]] && had=yes
    tmp="$(mktemp "$dest.XXXXXX")"
    TMP_FILE="$tmp"
    chown "$4:$5" "$tmp"
    chmod "$3" "$tmp"
    if ! cat "$src" >"$tmp" || ! mv -f "$tmp" "$dest"; then
        die "Không chép được $6 vào $2 / could not copy $6 to $2"
    fi
    TMP_FILE=""
    if [[ "$had" == yes ]]; then
        done_step "Đã thay $2 / replaced $2"
    else
        done_step "Đã cài $2 / installed $2"
    fi
}

ensure_dir "$OPT_DIR" 0755 0 0
ensure_dir "$CONF_DIR" 0750 0 "$AGENT_GID"
mkdir -p "$R/var/lib"
ensure_dir "$DATA_DIR" 0750 "$AGENT_UID" "$AGENT_GID"
mkdir -p "$R$UNIT_DIR"

put_file "$JAR" "$OPT_DIR/$JAR_NAME" 0644 0 0 "$JAR_NAME"
put_file "$RELAYS_SRC" "$OPT_DIR/$RELAYS_TOOL" 0755 0 0 "$RELAYS_TOOL"
# Bundles made before updates over the air have no update tool: the unit runs without it ("-").
if [[ -f "$BUNDLE/$UPDATE_TOOL" ]]; then
    put_file "$BUNDLE/$UPDATE_TOOL" "$OPT_DIR/$UPDATE_TOOL" 0755 0 0 "$UPDATE_TOOL"
fi
put_file "$CONFIG" "$CONF_DIR/station.json" 0640 0 "$AGENT_GID" station.json
if [[ "$WITH_CA" == yes ]]; then
    put_file "$CA" "$CONF_DIR/ca.pem" 0644 0 0 ca.pem
fi
put_file "$KEY" "$CONF_DIR/controller-signing.pub.pem" 0644 0 0 controller-signing.pub.pem
put_file "$UNIT_SRC" "$UNIT_DIR/$SERVICE" 0644 0 0 "$SERVICE"

# The relays OFF from power-on: config.txt's block, read by the firmware seconds after power, before
# Linux, Java and the 20-40 s in which the pins would otherwise sit at their pulls.
bash "$R$OPT_DIR/$RELAYS_TOOL" boot-config write --config "$R$CONF_DIR/station.json" --root "$ROOT" \
    || die "Không ghi được mức chân relay vào config.txt / could not write the relays' boot-time levels into config.txt"

# ---------------------------------------------------------------------------------------------
# 4b. Class-data sharing archive (docs/decisions/0025-footprint-on-small-boards.md)
# ---------------------------------------------------------------------------------------------
# The agent's classes parsed and verified once, here, instead of at every start: the JVM maps them
# from this archive (the unit's -XX:SharedArchiveFile). Built by one run of the jar with
# --relays-off (reads the config, sets the relay pins OFF, exits) under the unit's own JVM options;
# ./loalang bench agent builds its archive the same way. Never while the agent runs (it holds the
# pins); a missing or stale archive (another jar) costs only start-up time: the JVM starts without.
JSA="$OPT_DIR/${JAR_NAME%.jar}.jsa"
build_class_archive() {
    local opts out
    opts="$(sed -n 's/^Environment="LOALANG_JAVA_OPTS=\(.*\)"$/\1/p' "$UNIT_DIR/$SERVICE" | sed 's/-XX:SharedArchiveFile=[^ ]*//')"
    rm -f "$JSA"
    # shellcheck disable=SC2086  # the options are separate words, as systemd splits $LOALANG_JAVA_OPTS
    if out="$(/usr/bin/java $opts -XX:ArchiveClassesAtExit="$JSA" -jar "$OPT_DIR/$JAR_NAME" \
            --config "$CONF_DIR/station.json" --relays-off 2>&1)" && [[ -s "$JSA" ]]; then
        chmod 0644 "$JSA"
        done_step "Đã tạo $JSA (khởi động nhanh hơn) / built the class-data archive $JSA (faster start-up)"
    else
        rm -f "$JSA"
        printf '%s\n' "$out" | tail -n 5 >&2
        warn "Không tạo được $JSA; tác tử vẫn chạy, khởi động chậm hơn / could not build $JSA; the agent runs without it, starting slower"
    fi
}
if [[ -n "$R" ]]; then
    say "  · Bỏ qua $JSA vì --root; cài lại trên máy để tạo / $JSA is not built under --root: re-run on the Pi to build it"
elif [[ "$FILES_CHANGE" == no && -f "$JSA" ]]; then
    say "  · $JSA không đổi / $JSA unchanged"
elif systemctl is-active --quiet "$SERVICE" 2>/dev/null; then
    say "  · $SERVICE đang chạy, chưa tạo $JSA / $SERVICE is running: $JSA is built at the next install that stops it"
elif have_java17; then
    build_class_archive
fi

# ---------------------------------------------------------------------------------------------
# 5. The service
# ---------------------------------------------------------------------------------------------
WANTS="$UNIT_DIR/multi-user.target.wants/$SERVICE"
if [[ -n "$R" ]]; then
    # Offline: only the wants symlink; nothing runs in a root that is not booted.
    was_enabled=no
    [[ -L "$R$WANTS" ]] && was_enabled=yes
    if ! out="$(systemctl --root="$ROOT" enable "$SERVICE" 2>&1)"; then
        printf '%s\n' "$out" >&2
        die "systemctl --root=$ROOT enable $SERVICE không chạy được / systemctl --root=$ROOT enable $SERVICE failed"
    fi
    [[ -L "$R$WANTS" ]] \
        || die "Không tạo được liên kết $WANTS / systemctl made no link $WANTS"
    if [[ "$was_enabled" == yes ]]; then
        say "  · $SERVICE đã bật sẵn / $SERVICE was already enabled"
    else
        done_step "Đã bật $SERVICE (tự chạy khi khởi động) / enabled $SERVICE at boot"
    fi
    say "  · Không khởi động dịch vụ vì --root / the service is not started under --root"
elif [[ ! -d /run/systemd/system ]]; then
    systemctl enable "$SERVICE" || die "Không bật được $SERVICE / could not enable $SERVICE"
    warn "systemd không chạy trên máy này: đã bật dịch vụ, sẽ chạy ở lần khởi động tới / systemd is not running here: the service is enabled and will start at the next boot"
else
    systemctl daemon-reload || die "systemctl daemon-reload không chạy được / systemctl daemon-reload failed"
    if systemctl is-enabled --quiet "$SERVICE" 2>/dev/null; then
        say "  · $SERVICE đã bật sẵn / $SERVICE was already enabled"
    else
        systemctl enable "$SERVICE" || die "Không bật được $SERVICE / could not enable $SERVICE"
        done_step "Đã bật $SERVICE (tự chạy khi khởi động) / enabled $SERVICE at boot"
    fi
    # Restart, not start: a re-run must take effect now even if the agent was not stopped above.
    # systemctl waits until the new agent says it is ready (Type=notify).
    if [[ "$FILES_CHANGE" == no ]] && systemctl is-active --quiet "$SERVICE"; then
        say "  · $SERVICE đang chạy với đúng các tệp này, không khởi động lại / $SERVICE runs with these very files: not restarted"
    else
        say "  · Khởi động lại $SERVICE (chờ phần mềm báo sẵn sàng) / restarting $SERVICE (waiting until the agent is ready)…"
        if ! systemctl restart "$SERVICE"; then
            STOPPED_AGENT=no     # Restart=always keeps trying; a second start would not help
            systemctl --no-pager --lines=20 status "$SERVICE" >&2 || true
            die "Dịch vụ chưa chạy được; xem nhật ký: journalctl -u loalang-agent -n 50 / the service did not start; read its log: journalctl -u loalang-agent -n 50"
        fi
        STOPPED_AGENT=no
        done_step "Đã khởi động lại $SERVICE / restarted $SERVICE"
    fi
fi

# ---------------------------------------------------------------------------------------------
# 6. What was done, and what to check
# ---------------------------------------------------------------------------------------------
say ""
say "Xong: trạm ${STATION_ID:-?} / done: station ${STATION_ID:-?}"
if [[ ${#DONE[@]} -eq 0 ]]; then
    say "  Không có gì thay đổi, mọi thứ đã đúng / nothing changed, everything was already in place"
else
    for d in "${DONE[@]}"; do say "  - $d"; done
fi
say ""
say "Kiểm tra / checks:"
say "  systemctl status loalang-agent      # \"active (running)\" khi sẵn sàng / once ready"
say "  journalctl -u loalang-agent -f      # nhật ký / the log (Ctrl+C to leave)"
