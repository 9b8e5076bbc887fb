# Helpers for the end-to-end tests: a private tmux server per test, always torn down.
set -u
: "${CITYDECK_BIN:?set by meson}"
TMUX_SOCK="citydeck-e2e-$$"
WORK=$(mktemp -d)
# The console's alert state (acks, silences) of this test only, never the user's.
export XDG_STATE_HOME="$WORK/state"
fail() { echo "FAIL: $*"; [ -f "$WORK/log" ] && { echo "--- log"; tail -n 20 "$WORK/log"; }; exit 1; }
t() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
cleanup() {
    t kill-server 2>/dev/null || true
    # Any simulator this test's console started is stopped by its PID.
    if [ -f "$WORK/log" ]; then
        for pid in $(sed -n 's/.*citydeck-sim (pid \([0-9]*\)).*/\1/p' "$WORK/log"); do
            kill "$pid" 2>/dev/null || true
        done
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
capture() { t capture-pane -p -t T; }
# wait_for PATTERN SECONDS: until the pane shows PATTERN (grep -E).
wait_for() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do
        capture | grep -qE "$1" && return 0
        sleep 0.1
    done
    return 1
}
write_config() {
    cat >"$WORK/config.ini" <<INI
[demo]
speed = ${1:-600}
seed = 7
start = 2026-03-02T08:00:00+07:00

[feed.complaints]
interval = 1
INI
}
