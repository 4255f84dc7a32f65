#!/usr/bin/env bash
# Loa Làng — giữ relay loa TẮT từ lúc cấp điện / keeps the amplifier relays OFF from power-on.
#
#   loalang-relays boot-config write --config /etc/loalang/station.json [--root DIR]
#       writes (or replaces) the marked block of config.txt that the firmware applies a few seconds
#       after power-on, long before Java starts: gpio=PIN=op,dh for an active-low relay (OFF = HIGH),
#       gpio=PIN=op,dl for an active-high one (OFF = LOW). Refuses pins outside the safe set.
#   loalang-relays boot-config remove [--root DIR]
#       removes that block (uninstall, purge of the package).
#   loalang-relays boot-config show --config FILE
#       prints the block's gpio= lines for FILE without writing anything.
#   loalang-relays off [--root DIR]
#       drives every pin of the block to its OFF level now, with pinctrl (milliseconds, no Java): what
#       the systemd unit runs before the agent starts and after it stops.
#
# Installed as /opt/loalang/loalang-relays by install.sh and by the loalang-agent package.
# Exit status: 0 done, 1 a step failed, 2 a bad option or a relay pin outside the safe set (nothing written).
set -Eeuo pipefail
umask 022
# The system's folders after the caller's (systemd's own PATH under the unit): a test's pinctrl comes first.
PATH="${PATH:+$PATH:}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The pins a relay may use: the header's 0–27 without 0–1 (HAT ID EEPROM), 2–3 (I2C, pulled up on the
# board), 14–15 (the serial console). The same list as vn.loalang.protocol.gpio.RelayPins.SAFE (a test
# compares them): the server, the agent and this script refuse the same pins.
readonly SAFE_RELAY_PINS="4 5 6 7 8 9 10 11 12 13 16 17 18 19 20 21 22 23 24 25 26 27"
readonly BEGIN_MARK="# BEGIN loalang relays: written by the Loa Lang installer, replaced on re-install, removed on uninstall"
readonly END_MARK="# END loalang relays"

die() { printf 'LỖI / ERROR: %s\n' "$1" >&2; exit "${2:-1}"; }
say() { printf '%s\n' "$*"; }

# config.txt as the firmware reads it: /boot/firmware on Bookworm and Trixie (where /boot/config.txt is
# a note pointing there), /boot on older Raspberry Pi OS. Empty when this root has neither.
config_txt() { # ROOT-PREFIX
    local r="$1"
    if [[ -f "$r/boot/firmware/config.txt" ]]; then
        printf '%s\n' "$r/boot/firmware/config.txt"
    elif [[ -f "$r/boot/config.txt" ]] && ! grep -q '/boot/firmware/config.txt' "$r/boot/config.txt"; then
        printf '%s\n' "$r/boot/config.txt"
    fi
}

# The block's gpio= lines for a station.json: one per relay, "gpio=PIN=op,dh|dl".
relay_lines() { # CONFIG
    python3 - "$1" "$SAFE_RELAY_PINS" <<'PY'
import json, sys
path, safe = sys.argv[1], {int(p) for p in sys.argv[2].split()}
why = {0: "HAT ID EEPROM (ID_SD)", 1: "HAT ID EEPROM (ID_SC)", 2: "I2C SDA, pulled HIGH on the board",
       3: "I2C SCL, pulled HIGH on the board", 14: "UART TX, toggles while the boot console prints",
       15: "UART RX, the serial console"}
try:
    with open(path, encoding="utf-8") as f:
        c = json.load(f)
except Exception as e:  # noqa: BLE001 - the technician's reason, whatever it is
    print("BAD\tstation.json cannot be read: " + str(e).replace("\n", " "))
    sys.exit(0)
gpio = c.get("gpio") if isinstance(c, dict) else None
relays = gpio.get("relays") if isinstance(gpio, dict) else None
if not isinstance(relays, list) or not relays:
    print("BAD\tstation.json has no gpio.relays: the relays' pins are not known")
    sys.exit(0)
for r in relays:
    pin = r.get("pin") if isinstance(r, dict) else None
    name = r.get("name", "?") if isinstance(r, dict) else "?"
    if not isinstance(pin, int) or isinstance(pin, bool):
        print("BAD\trelay %s has no whole-number pin" % name)
    elif pin not in safe:
        print("BAD\trelay %s on BCM %d: %s; use a BCM pin from 4 to 27 except 14 and 15"
              % (name, pin, why.get(pin, "not on the 40-pin header")))
    else:
        low = r.get("activeLow") is True
        print("LINE\tgpio=%d=op,%s\t%s" % (pin, "dh" if low else "dl", name))
        # 0-8 are pulled up and 9-27 down from power-on until the firmware reads config.txt (1-3 s).
        if low != (pin <= 8):
            print("WINDOW\t%d\t%s" % (pin, name))
PY
}

block_for() { # CONFIG -> the block's text on stdout, or exit 2
    local kind text name bad=() lines=() window=()
    command -v python3 >/dev/null 2>&1 \
        || die "Cần python3 để đọc station.json / python3 is needed to read station.json (sudo apt-get install -y python3)"
    while IFS=$'\t' read -r kind text name; do
        case "$kind" in
            BAD) bad+=("$text") ;;
            LINE) lines+=("$text") ;;
            WINDOW) window+=("$name@BCM$text") ;;
        esac
    done < <(relay_lines "$1")
    if [[ ${#bad[@]} -gt 0 ]]; then
        for b in "${bad[@]}"; do
            printf 'LỖI / ERROR: Chân relay không dùng được / unusable relay pin: %s\n' "$b" >&2
        done
        exit 2
    fi
    if [[ ${#window[@]} -gt 0 ]]; then
        printf 'LƯU Ý / NOTE: %s\n' "Relay ${window[*]}: mức kéo mặc định của chân ngược mức TẮT trong 1-3 giây đầu, trước khi firmware đọc config.txt; muốn tránh cả khoảng đó: bảng kích mức thấp dùng chân 4-8, kích mức cao dùng 9-27 / the pin's power-on pull is the relay's ON level for the first 1-3 s, until the firmware reads config.txt; to avoid even that: active-low boards on 4-8, active-high on 9-27 (docs/station-install.md, section 10)" >&2
    fi
    printf '%s\n' "$BEGIN_MARK"
    printf '%s\n' "# Each relay OFF from the firmware on, before Linux and Java: dh = HIGH (active-low board), dl = LOW."
    printf '%s\n' "[all]"
    printf '%s\n' "${lines[@]}"
    printf '%s\n' "$END_MARK"
}

# FILE without the block (and without nothing else), on stdout.
without_block() { # FILE
    awk -v b="$BEGIN_MARK" -v e="$END_MARK" '$0 == b { skip = 1; next } skip && $0 == e { skip = 0; next } !skip' "$1"
}

# Replaces FILE by TEXT through a temporary file and a rename in the same folder (FAT on /boot/firmware
# renames atomically enough: never a half config.txt), then syncs: a power cut must not lose it.
replace_file() { # FILE NEW-CONTENT-FILE
    local tmp
    tmp="$(mktemp "$1.loalang.XXXXXX")"
    cat "$2" >"$tmp"
    chmod --reference="$1" "$tmp" 2>/dev/null || true
    mv -f "$tmp" "$1"
    sync "$1" 2>/dev/null || sync
}

write_block() { # ROOT-PREFIX CONFIG
    local file block new
    [[ -f "$2" ]] || die "Không thấy $2 / $2 does not exist" 2
    block="$(block_for "$2")" || exit $?
    file="$(config_txt "$1")"
    if [[ -z "$file" ]]; then
        printf 'CẢNH BÁO / WARNING: %s\n' "Không thấy config.txt (không phải Raspberry Pi OS?), chưa ghi mức chân khi khởi động / no config.txt here (not Raspberry Pi OS?): the boot-time pin levels are not written" >&2
        return 0
    fi
    new="$(mktemp)"
    if grep -qxF "$BEGIN_MARK" "$file"; then
        # In place: the block keeps its position, so lines after it stay in the same [section].
        awk -v b="$BEGIN_MARK" -v e="$END_MARK" -v blk="$block" '
            $0 == b { print blk; skip = 1; next }
            skip && $0 == e { skip = 0; next }
            !skip' "$file" >"$new"
    else
        cat "$file" >"$new"
        [[ -s "$new" && "$(tail -c 1 "$new")" != "" ]] && printf '\n' >>"$new"
        printf '%s\n' "$block" >>"$new"
    fi
    if cmp -s "$new" "$file"; then
        rm -f "$new"
        say "  · ${file#"$1"} đã có mức chân relay đúng / already holds the relays' boot-time levels"
        return 0
    fi
    replace_file "$file" "$new"
    rm -f "$new"
    say "  ✓ Đã ghi mức chân relay khi khởi động vào ${file#"$1"} / wrote the relays' boot-time levels into ${file#"$1"}: $(printf '%s\n' "$block" | grep '^gpio=' | tr '\n' ' ')"
    # A setting that makes a released pin fall back to its pull would undo the agent's OFF on every stop.
    if grep -Eq '^[[:space:]]*dtparam=strict_gpiod' "$file"; then
        printf 'CẢNH BÁO / WARNING: %s\n' "${file#"$1"} có dtparam=strict_gpiod: chân relay nhả ra sẽ về mức kéo mặc định / ${file#"$1"} sets dtparam=strict_gpiod: a released relay pin falls back to its pull; remove that line" >&2
    fi
}

remove_block() { # ROOT-PREFIX
    local file new
    file="$(config_txt "$1")"
    [[ -n "$file" ]] && grep -qxF "$BEGIN_MARK" "$file" || return 0
    new="$(mktemp)"
    without_block "$file" >"$new"
    replace_file "$file" "$new"
    rm -f "$new"
    say "  ✓ Đã xoá mức chân relay khỏi ${file#"$1"} / removed the relays' boot-time levels from ${file#"$1"}"
}

# Drives each pin of the block to its OFF level with pinctrl, which writes the GPIO registers directly:
# nothing is claimed, so nothing is undone when it exits, and it takes milliseconds where a JVM takes seconds.
relays_off() { # ROOT-PREFIX
    local file line pin level failed=0 done_pins=()
    file="$(config_txt "$1")"
    if [[ -z "$file" ]] || ! grep -qxF "$BEGIN_MARK" "$file"; then
        say "loalang-relays: no relay block in config.txt: nothing to drive (the agent claims its pins OFF at start)"
        return 0
    fi
    if ! command -v pinctrl >/dev/null 2>&1; then
        say "loalang-relays: pinctrl not found (Raspberry Pi OS has it): the relays rely on config.txt and the agent's own OFF"
        return 0
    fi
    while IFS= read -r line; do
        [[ "$line" =~ ^gpio=([0-9]+)=op,(dh|dl)$ ]] || continue
        pin="${BASH_REMATCH[1]}"
        level="${BASH_REMATCH[2]}"
        if pinctrl set "$pin" op "$level"; then
            done_pins+=("GPIO$pin=$level")
        else
            printf 'loalang-relays: pinctrl could not set GPIO%s to %s\n' "$pin" "$level" >&2
            failed=1
        fi
    done < <(awk -v b="$BEGIN_MARK" -v e="$END_MARK" '$0 == b { on = 1; next } $0 == e { on = 0 } on' "$file")
    say "loalang-relays: relays driven OFF: ${done_pins[*]:-none}"
    return "$failed"
}

ROOT=/
CONFIG=""
cmd="${1:-}"
[[ $# -gt 0 ]] && shift
sub=""
if [[ "$cmd" == boot-config ]]; then
    sub="${1:-}"
    [[ $# -gt 0 ]] && shift
fi
while [[ $# -gt 0 ]]; do
    case "$1" in
        --root) [[ $# -ge 2 ]] || die "--root needs a value" 2; ROOT="$2"; shift 2 ;;
        --config) [[ $# -ge 2 ]] || die "--config needs a value" 2; CONFIG="$2"; shift 2 ;;
        *) die "Tuỳ chọn không hợp lệ: $1 / unknown option: $1" 2 ;;
    esac
done
[[ -d "$ROOT" ]] || die "Không thấy thư mục gốc $ROOT / the root directory $ROOT does not exist" 2
R="$(cd "$ROOT" && pwd -P)"
[[ "$R" == / ]] && R=""

case "$cmd/$sub" in
    boot-config/write) [[ -n "$CONFIG" ]] || die "boot-config write needs --config FILE" 2; write_block "$R" "$CONFIG" ;;
    boot-config/remove) remove_block "$R" ;;
    boot-config/show)
        [[ -n "$CONFIG" ]] || die "boot-config show needs --config FILE" 2
        block="$(block_for "$CONFIG")" || exit $?
        grep '^gpio=' <<<"$block" ;;
    off/) relays_off "$R" ;;
    *)
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
        [[ "$cmd" == --help || "$cmd" == -h ]] || exit 2 ;;
esac
