#!/usr/bin/env bash
# Loa Làng — chọn phiên bản phần mềm trạm trước mỗi lần khởi động, và tự quay lại bản cũ khi bản mới hỏng.
# Loa Làng — picks the agent version before every start, and goes back by itself when a new one fails.
#
#   /opt/loalang/loalang-update boot     # ExecStartPre of loalang-agent.service, as root, before Java
#   /opt/loalang/loalang-update status   # which version runs, which is on trial, what the last update did
#   /opt/loalang/loalang-update archive  # (re)builds the running version's class-data archive (the .deb's postinst)
#
# Layout (docs/station-install.md, "Updates over the air"):
#   /opt/loalang/versions/<V>/loalang-station-agent.jar    each installed version, side by side
#   /opt/loalang/loalang-station-agent.jar -> versions/<V>/loalang-station-agent.jar   the one systemd starts
#   /opt/loalang/loalang-station-agent.jsa -> versions/<V>/loalang-station-agent.jsa   its class-data archive
#       (the unit's -XX:SharedArchiveFile): one per version, built when the version is installed, switched
#       with the jar, so that no version starts with another's archive (the JVM would refuse it and start slower)
#   /opt/loalang/update.state                              root's record: trial=<V> previous=<W>
#   /var/lib/loalang/update/                               shared with the agent (user loalang):
#       staged/{loalang-station-agent.jar,version,sha256}  a verified download, written by the agent
#       trial      the version on trial, for the agent      (written here)
#       healthy    the version that passed its trial        (written by the agent)
#       result     ADOPTED V | ROLLED_BACK V W | REFUSED V why, for the agent to report (written here)
#
# The rule, decided here without Java so that a new jar that cannot even start cannot stop it:
#   - a version on trial that wrote "healthy" by the next start is adopted;
#   - one that did not (it crashed, hung until systemd's watchdog, failed its self-test in time, or the
#     power went) is removed and the link goes back to the version before it;
#   - a staged build is checked (a regular file, its SHA-256) and installed beside, then put on trial.
# Every step is a copy or a link made under a temporary name and renamed: a power cut leaves the old
# state or the new one. It never fails a start: whatever happens, the agent is started.
set -uo pipefail
umask 022
PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"

# Overridable for tests only; on a station they are the defaults.
OPT="${LOALANG_OPT_DIR:-/opt/loalang}"
UPD="${LOALANG_UPDATE_DIR:-/var/lib/loalang/update}"
JAR_NAME=loalang-station-agent.jar
JAR="$OPT/$JAR_NAME"
JSA_NAME=loalang-station-agent.jsa
JSA="$OPT/$JSA_NAME"
CONFIG="${LOALANG_CONFIG:-/etc/loalang/station.json}"
JAVA="${LOALANG_JAVA:-/usr/bin/java}"
VERSIONS="$OPT/versions"
STATE="$OPT/update.state"
VERSION_RE='^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$'

say() { printf 'loalang-update: %s\n' "$*"; }

state_get() { # KEY
    [[ -f "$STATE" ]] && sed -n "s/^$1=//p" "$STATE" | head -n 1
}

# Writes FILE with TEXT through a temporary file in the same folder, forced to the card, then renamed.
# In the agent's folder, mv replaces whatever is there (even a link the agent put) without following it.
put() { # FILE TEXT
    local tmp
    tmp="$(mktemp "$1.XXXXXX")" || return 1
    printf '%s\n' "$2" >"$tmp" && chmod 0644 "$tmp" && sync "$tmp" && mv -f "$tmp" "$1" && sync "$(dirname "$1")"
}

# Points the jar systemd starts at version V, and its archive at V's, each in one rename. Between the two
# (a power cut) the JVM finds an archive of another jar, refuses it and starts without: slower, not broken.
link_to() { # V
    ln -sfn "versions/$1/$JSA_NAME" "$JSA.new" && mv -Tf "$JSA.new" "$JSA" \
        && ln -sfn "versions/$1/$JAR_NAME" "$JAR.new" && mv -Tf "$JAR.new" "$JAR" && sync "$OPT"
}

# The unit's JVM options (systemd passes them to this ExecStartPre too), without the archive to use.
java_opts() {
    local opts="${LOALANG_JAVA_OPTS:-}"
    if [[ -z "$opts" ]]; then
        local unit
        for unit in /etc/systemd/system/loalang-agent.service /usr/lib/systemd/system/loalang-agent.service; do
            [[ -f "$unit" ]] && opts="$(sed -n 's/^Environment="LOALANG_JAVA_OPTS=\(.*\)"$/\1/p' "$unit")" && break
        done
    fi
    printf '%s' "$opts" | sed 's/-XX:SharedArchiveFile=[^ ]*//'
}

# Builds the class-data archive of the jar the link names into FILE (decision 0025): one run of that jar with
# --relays-off --warm-tls (reads the config, drives the relays OFF, does a TLS connect's client side offline,
# exits) under the unit's options, by the same path the unit starts it by (the archive records it), as the
# agent's user: root never runs a downloaded jar. Bounded in time; a build that fails leaves no archive.
build_archive() { # FILE
    [[ -x "$JAVA" && -f "$CONFIG" && -e "$JAR" ]] || { say "no java, config or jar: no class-data archive"; return 0; }
    local work owner opts
    work="$(mktemp -d "$UPD/archive.XXXXXX")" || return 0
    owner="$(stat -c %U "$UPD")"
    local as_agent=()
    if [[ "$(id -u)" == 0 && "$owner" != root ]]; then
        chown "$owner" "$work"
        as_agent=(runuser -u "$owner" --)
    fi
    opts="$(java_opts)"
    # shellcheck disable=SC2086  # the options are separate words, as systemd splits $LOALANG_JAVA_OPTS
    if timeout 40 "${as_agent[@]}" "$JAVA" $opts -XX:ArchiveClassesAtExit="$work/$JSA_NAME" -jar "$JAR" \
            --config "$CONFIG" --relays-off --warm-tls >"$work/out" 2>&1 \
            && [[ -f "$work/$JSA_NAME" && ! -L "$work/$JSA_NAME" && -s "$work/$JSA_NAME" ]]; then
        cat "$work/$JSA_NAME" >"$1.tmp" && chmod 0644 "$1.tmp" && sync "$1.tmp" && mv -f "$1.tmp" "$1" \
            && say "built the class-data archive $1"
    else
        tail -n 3 "$work/out" 2>/dev/null | sed 's/^/loalang-update: java: /'
        rm -f "$1"
        say "could not build the class-data archive $1: the agent starts without it, slower"
    fi
    rm -rf -- "$work"
}

# The version the jar link names; "package" for the plain file a .deb or install.sh puts there.
running_version() {
    if [[ -L "$JAR" ]]; then
        basename "$(dirname "$(readlink "$JAR")")"
    elif [[ -f "$JAR" ]]; then
        echo package
    fi
}

# A plain jar (from the .deb or the bundle) becomes versions/package/, so that it can be gone back to.
adopt_plain_jar() {
    [[ -f "$JAR" && ! -L "$JAR" ]] || return 0
    mkdir -p "$VERSIONS/package"
    cp -p "$JAR" "$VERSIONS/package/$JAR_NAME.tmp" && sync "$VERSIONS/package/$JAR_NAME.tmp" \
        && mv -f "$VERSIONS/package/$JAR_NAME.tmp" "$VERSIONS/package/$JAR_NAME" || return 1
    # Its archive goes with it (the .deb's or install.sh's, built for this jar); a link left by an update
    # belongs to another version.
    if [[ -f "$JSA" && ! -L "$JSA" ]]; then
        mv -f "$JSA" "$VERSIONS/package/$JSA_NAME"
    fi
    link_to package
}

# Keeps the running version and the one before it; older ones only fill the card.
prune() { # KEEP1 KEEP2
    local d v
    for d in "$VERSIONS"/*/; do
        [[ -d "$d" ]] || continue
        v="$(basename "$d")"
        [[ "$v" == "$1" || "$v" == "$2" ]] || rm -rf -- "$d"
    done
}

# The agent's folder, owned as its parent (the unit's StateDirectory): the agent writes there.
update_dir() {
    if [[ ! -d "$UPD" ]]; then
        mkdir -p "$UPD" && chown --reference="$(dirname "$UPD")" "$UPD" && chmod 0750 "$UPD"
    fi
}

# 1. The trial of the last start: kept if it said it is healthy, else rolled back.
finish_trial() {
    local trial previous healthy
    trial="$(state_get trial)"
    [[ -n "$trial" ]] || return 0
    previous="$(state_get previous)"
    if [[ ! -L "$JAR" ]]; then
        # A .deb or install.sh put a plain jar there since: the technician's install wins over any trial.
        say "a plain $JAR_NAME replaced version $trial on trial; the trial is dropped"
        rm -f "$STATE" "$UPD/trial"
        return 0
    fi
    healthy="$(head -n 1 "$UPD/healthy" 2>/dev/null || true)"
    if [[ "$healthy" == "$trial" ]]; then
        printf 'current=%s\nprevious=%s\n' "$trial" "$previous" >"$STATE.tmp" && sync "$STATE.tmp" && mv -f "$STATE.tmp" "$STATE"
        put "$UPD/result" "ADOPTED $trial $previous"
        prune "$trial" "$previous"
        say "version $trial passed its trial: adopted ($previous kept to go back to)"
    elif [[ -n "$previous" && -f "$VERSIONS/$previous/$JAR_NAME" ]]; then
        link_to "$previous"
        printf 'current=%s\n' "$previous" >"$STATE.tmp" && sync "$STATE.tmp" && mv -f "$STATE.tmp" "$STATE"
        put "$UPD/result" "ROLLED_BACK $trial $previous"
        rm -rf -- "${VERSIONS:?}/$trial"
        say "version $trial did not pass its trial (no healthy mark): rolled back to $previous"
    else
        say "version $trial did not pass its trial, but no earlier version is here to go back to; it stays"
        rm -f "$STATE"
    fi
    rm -f "$UPD/trial" "$UPD/healthy"
}

# 2. A build the agent downloaded and verified: checked again here, installed beside, put on trial.
start_trial() {
    local staged="$UPD/staged" v sum actual current
    [[ -d "$staged" && ! -L "$staged" ]] || return 0
    v="$(head -n 1 "$staged/version" 2>/dev/null || true)"
    sum="$(head -n 1 "$staged/sha256" 2>/dev/null || true)"
    refuse() {
        say "staged version ${v:-?} not installed: $1"
        put "$UPD/result" "REFUSED ${v:-?} $1"
        rm -rf -- "$staged"
    }
    if [[ ! "$v" =~ $VERSION_RE ]]; then refuse "its version name is not valid"; return 0; fi
    # Root reads what user loalang wrote: a link could make it copy any file of the system.
    if [[ -L "$staged/$JAR_NAME" || ! -f "$staged/$JAR_NAME" ]]; then refuse "its jar is not a plain file"; return 0; fi
    actual="$(sha256sum "$staged/$JAR_NAME" | cut -d' ' -f1)"
    if [[ "$actual" != "$sum" ]]; then refuse "its SHA-256 is $actual, not $sum"; return 0; fi
    adopt_plain_jar || { refuse "the running jar could not be kept to go back to"; return 0; }
    current="$(running_version)"
    if [[ "$v" == "$current" ]]; then refuse "it is the running version"; return 0; fi
    rm -rf -- "${VERSIONS:?}/$v.tmp"
    mkdir -p "$VERSIONS/$v.tmp"
    if ! cat "$staged/$JAR_NAME" >"$VERSIONS/$v.tmp/$JAR_NAME" || ! sync "$VERSIONS/$v.tmp/$JAR_NAME"; then
        rm -rf -- "${VERSIONS:?}/$v.tmp"
        refuse "it could not be copied to $VERSIONS (disk full?)"
        return 0
    fi
    chmod 0644 "$VERSIONS/$v.tmp/$JAR_NAME"
    rm -rf -- "${VERSIONS:?}/$v"
    mv -T "$VERSIONS/$v.tmp" "$VERSIONS/$v" && sync "$VERSIONS"
    # The record first: a power cut after it and before the link rolls back to the running version.
    printf 'trial=%s\nprevious=%s\n' "$v" "$current" >"$STATE.tmp" && sync "$STATE.tmp" && mv -f "$STATE.tmp" "$STATE"
    rm -f "$UPD/healthy"
    put "$UPD/trial" "$v"
    link_to "$v"
    rm -rf -- "$staged"
    # Built now, once, by the new jar itself: a jar that cannot start gets none, and is rolled back anyway.
    build_archive "$VERSIONS/$v/$JSA_NAME"
    say "version $v installed beside $current and started on trial"
}

case "${1:-}" in
    boot)
        if [[ ! -e "$JAR" ]]; then
            say "no $JAR: nothing to choose"
            exit 0
        fi
        update_dir
        finish_trial
        start_trial
        exit 0
        ;;
    archive)
        update_dir
        # The running version's archive: beside it when updates installed it, else the plain file the unit names.
        if [[ -L "$JAR" ]]; then
            build_archive "$VERSIONS/$(running_version)/$JSA_NAME"
        else
            rm -f "$JSA"
            build_archive "$JSA"
        fi
        exit 0
        ;;
    status)
        say "running: $(running_version) ($(readlink "$JAR" 2>/dev/null || echo "plain file"))"
        [[ -f "$STATE" ]] && sed 's/^/loalang-update: state: /' "$STATE"
        [[ -f "$UPD/result" ]] && say "last result: $(cat "$UPD/result")"
        ls -1 "$VERSIONS" 2>/dev/null | sed 's/^/loalang-update: installed: /'
        exit 0
        ;;
    *)
        echo "Usage: loalang-update boot|status|archive" >&2
        exit 2
        ;;
esac
