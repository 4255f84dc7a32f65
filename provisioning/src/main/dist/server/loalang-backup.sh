#!/bin/bash
# Loa Làng — nightly backup of the commune server: the SQLite store (an online copy, correct while
# the controller writes), the controller's signing key (keys/) and the library audio (content/).
#
#   loalang-backup.sh [--data DIR] [--store FILE] [--dest DIR] [--keep-days N]
#
# Each run makes DEST/<UTC time>/ (e.g. 2026-12-01T193012Z):
#   loalang.db   the store, copied with VACUUM INTO (one read transaction: a consistent snapshot, and
#                the controller keeps writing meanwhile), then checked with PRAGMA integrity_check
#   keys/        the signing key: without it a restored controller makes a new one and every
#                station refuses what it signs
#   secrets/     the chat and SMS channels' secrets (bot tokens, API keys), when the commune set any;
#                a restored Zalo refresh token may be spent already: docs/channels.md says how to renew it
#   content/     the library's audio, files named by their SHA-256: a file the previous backup already
#                holds is hard-linked from it (not copied again); a new one is copied and its SHA-256
#                checked against its name
#   MANIFEST     what was backed up; SHA256SUMS for loalang.db, keys/ and secrets/ (sha256sum -c SHA256SUMS)
# DEST/latest points to the newest. Backups older than N days (default 14) are removed.
# Restore: docs/deployment.md, "Sao lưu và khôi phục / Backups and restore".
#
# Options may also come from the environment: LOALANG_DATA, LOALANG_STORE, LOALANG_BACKUP_DIR,
# LOALANG_BACKUP_KEEP_DAYS; LOALANG_SQLITE3 names the sqlite3 program (default: sqlite3 on PATH).
# Exit status: 0 when everything was backed up; 1 with one sentence on stderr when anything failed;
# 2 for a wrong option.
set -Eeuo pipefail
umask 077

data=${LOALANG_DATA:-/var/lib/loalang}
store=${LOALANG_STORE:-}
dest=${LOALANG_BACKUP_DIR:-/var/backups/loalang}
keep_days=${LOALANG_BACKUP_KEEP_DAYS:-14}
sqlite3=${LOALANG_SQLITE3:-sqlite3}

say() { printf 'loalang-backup: %s\n' "$*"; }
fail() {
    printf 'loalang-backup: FAILED: %s\n' "$*" >&2
    exit 1
}
usage() {
    printf 'loalang-backup: %s\nUsage: loalang-backup.sh [--data DIR] [--store FILE] [--dest DIR] [--keep-days N]\n' "$*" >&2
    exit 2
}
trap 'fail "unexpected error (exit $?) at line $LINENO: $BASH_COMMAND"' ERR

while [ $# -gt 0 ]; do
    case $1 in
        --data | --store | --dest | --keep-days)
            [ $# -ge 2 ] || usage "$1 needs a value"
            case $1 in
                --data) data=$2 ;;
                --store) store=$2 ;;
                --dest) dest=$2 ;;
                --keep-days) keep_days=$2 ;;
            esac
            shift 2
            ;;
        -h | --help)
            sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *) usage "unknown option '$1'" ;;
    esac
done
store=${store:-$data/loalang.db}
[[ $keep_days =~ ^[1-9][0-9]*$ ]] || usage "--keep-days must be a whole number of days, at least 1, not '$keep_days'"

# --- What must be there before anything is written ---------------------------------------------
command -v "$sqlite3" >/dev/null 2>&1 ||
    fail "the sqlite3 program ($sqlite3) is missing: apt-get install -y sqlite3"
[ -e "$store" ] || fail "the store $store does not exist (wrong --data or --store? has the controller started once?)"
[ -f "$store" ] || fail "the store $store is not a file"
[ -r "$store" ] || fail "the store $store cannot be read by user $(id -un)"
if [ "$(id -u)" = 0 ] && [ "$(stat -c %u "$store")" != 0 ]; then
    # sqlite3 may create the store's -wal and -shm files: made by root, the controller could not open them.
    fail "run the backup as the store's owner ($(stat -c %U "$store")), not root: systemctl start loalang-backup.service"
fi
compgen -G "$data/keys/*.pem" >/dev/null ||
    fail "no signing key in $data/keys: without it a restored controller would sign with a new key that no station trusts"
[ -d "$data/content" ] || fail "the library folder $data/content does not exist"
mkdir -p "$dest" 2>/dev/null || fail "cannot create the backup folder $dest"
[ -w "$dest" ] || fail "the backup folder $dest is not writable by user $(id -un)"

exec 9>"$dest/.lock"
flock -n 9 || fail "another backup is running (it holds $dest/.lock)"

name_pattern='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{6}Z(-[0-9]+)?$'
backups() { # the finished backups, oldest first (names sort by time)
    local d
    for d in "$dest"/*/; do
        d=${d%/}
        if [[ ${d##*/} =~ $name_pattern ]] && [ ! -L "$d" ]; then
            printf '%s\n' "${d##*/}"
        fi
    done | sort
}

# What an interrupted run left (a power cut, a kill): never finished, never used.
for d in "$dest"/*.partial; do
    if [ -d "$d" ]; then
        rm -rf -- "$d"
    fi
done

previous=""
while read -r b; do
    if [ -f "$dest/$b/MANIFEST" ]; then
        previous=$b
    fi
done < <(backups)

name=$(date -u +%Y-%m-%dT%H%M%SZ)
base=$name
n=1
while [ -e "$dest/$name" ] || [ -e "$dest/$name.partial" ]; do
    n=$((n + 1))
    name=$base-$n
done
work=$dest/$name.partial
trap 'rm -rf -- "$work"' EXIT
mkdir "$work" "$work/content"

# --- 1. The store --------------------------------------------------------------------------------
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sql_path=${work//\'/\'\'}
if ! out=$("$sqlite3" -bail -cmd ".timeout 30000" "$store" "VACUUM INTO '$sql_path/loalang.db'" 2>&1); then
    fail "could not copy the store $store: ${out//$'\n'/ }"
fi
# At most 10 problems named: enough to tell a damaged disk from a bug.
check=$("$sqlite3" -bail "$work/loalang.db" "PRAGMA integrity_check(10);" 2>&1) || true
[ "$check" = ok ] || fail "the copy of the store $store is damaged (PRAGMA integrity_check: ${check//$'\n'/; })"
# One file of its own: the copy needs no -wal beside it (the controller puts the store back in WAL).
mode=$("$sqlite3" -bail "$work/loalang.db" "PRAGMA journal_mode=DELETE;" 2>&1) || true
[ "$mode" = delete ] || fail "could not make the copy of the store one file (journal_mode: ${mode//$'\n'/ })"
tables=$("$sqlite3" -bail "$work/loalang.db" \
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%';")
sync "$work/loalang.db"

# --- 2. The signing key --------------------------------------------------------------------------
cp -a -- "$data/keys" "$work/keys"
cmp -s <(cd "$data/keys" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
    <(cd "$work/keys" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) ||
    fail "the copy of $data/keys differs from the original (the disk may be failing)"

# --- 2b. The channels' secrets (issue 19): private like the key, and only there when some were set ---------
kept=(loalang.db keys)
if [ -d "$data/secrets" ]; then
    cp -a -- "$data/secrets" "$work/secrets"
    cmp -s <(cd "$data/secrets" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) \
        <(cd "$work/secrets" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) ||
        fail "the copy of $data/secrets differs from the original (the disk may be failing)"
    kept+=(secrets)
fi

# --- 3. The library audio: new files only ---------------------------------------------------------
copied=0
linked=0
damaged=()
for f in "$data/content"/*; do
    [ -f "$f" ] || continue
    h=${f##*/}
    [[ $h =~ ^[0-9a-f]{64}$ ]] || continue # e.g. content/incoming/: uploads not yet kept
    if [ -n "$previous" ] && [ -f "$dest/$previous/content/$h" ] &&
        ln -- "$dest/$previous/content/$h" "$work/content/$h" 2>/dev/null; then
        linked=$((linked + 1))
        continue
    fi
    cp -- "$f" "$work/content/.$h.tmp"
    if [ "$(sha256sum <"$work/content/.$h.tmp" | cut -c1-64)" = "$h" ]; then
        mv -- "$work/content/.$h.tmp" "$work/content/$h"
        copied=$((copied + 1))
    else
        rm -f -- "$work/content/.$h.tmp"
        damaged+=("$h")
    fi
done

# --- 4. Finish: checksums, manifest, then the name -------------------------------------------------
(cd "$work" && find "${kept[@]}" -type f -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
{
    printf 'backup      %s\n' "$name"
    printf 'started     %s\n' "$started"
    printf 'finished    %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'host        %s\n' "$(uname -n)"
    printf 'store       %s (%s bytes, %s tables, integrity_check ok)\n' "$store" "$(stat -c %s "$work/loalang.db")" "$tables"
    printf 'keys        %s\n' "$data/keys"
    if [ -d "$work/secrets" ]; then
        printf 'secrets     %s\n' "$data/secrets"
    fi
    printf 'content     %s: %s files (%s new, %s unchanged since %s)\n' "$data/content" \
        $((copied + linked)) "$copied" "$linked" "${previous:-none}"
    printf 'sqlite3     %s\n' "$("$sqlite3" -version | cut -d' ' -f1)"
    if [ ${#damaged[@]} -gt 0 ]; then
        printf 'damaged     %s\n' "${damaged[@]}"
    fi
} >"$work/MANIFEST"
mv -T -- "$work" "$dest/$name"
trap - EXIT
sync -f "$dest/$name"
ln -sfn -- "$name" "$dest/.latest.tmp" && mv -T -- "$dest/.latest.tmp" "$dest/latest"

# --- 5. Keep N days -------------------------------------------------------------------------------
cutoff=$(date -u -d "@$(($(date -u +%s) - keep_days * 86400))" +%Y-%m-%dT%H%M%SZ)
removed=0
while read -r b; do
    if [[ $b < $cutoff ]] && [ "$b" != "$name" ]; then
        rm -rf -- "${dest:?}/$b"
        removed=$((removed + 1))
    fi
done < <(backups)

say "backup $dest/$name: store $(stat -c %s "$dest/$name/loalang.db") bytes (integrity ok), keys," \
    "content $((copied + linked)) files ($copied new, $linked unchanged); removed $removed backup(s) older than $keep_days days"
if [ ${#damaged[@]} -gt 0 ]; then
    fail "${#damaged[@]} library file(s) in $data/content do not match their SHA-256 and were not backed up" \
        "(the store, the key and the other files were): ${damaged[*]}"
fi
