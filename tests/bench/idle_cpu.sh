#!/usr/bin/env bash
# CPU used by an idle `citydeck --demo` (console and simulator separately) over N seconds,
# in a real terminal (tmux, 120x40), with the default configuration.
set -u
: "${CITYDECK_BIN:?set by meson}"
secs=${IDLE_SECONDS:-60}
sock="citydeck-idle-$$"
work=$(mktemp -d)
t() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() {
    t kill-server 2>/dev/null || true
    [ -n "${sim:-}" ] && kill "$sim" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
t new-session -d -s I -x 120 -y 40 "LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$work $CITYDECK_BIN --demo --log $work/log"
for _ in $(seq 1 100); do
    sim=$(sed -n 's/.*started .*citydeck-sim (pid \([0-9]*\)).*/\1/p' "$work/log" 2>/dev/null | head -n 1)
    [ -n "$sim" ] && break
    sleep 0.1
done
deck=$(t list-panes -t I -F '#{pane_pid}')
[ -n "$sim" ] && [ -n "$deck" ] || { echo "could not find the processes"; exit 1; }
sleep 3 # let the first polls settle
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
d0=$(ticks "$deck"); s0=$(ticks "$sim")
sleep "$secs"
d1=$(ticks "$deck"); s1=$(ticks "$sim")
awk -v d=$((d1 - d0)) -v s=$((s1 - s0)) -v hz="$hz" -v n="$secs" 'BEGIN {
    printf "idle over %d s: citydeck %.2f%% CPU (%.2f s), citydeck-sim %.2f%% CPU (%.2f s)\n",
        n, 100 * d / hz / n, d / hz, 100 * s / hz / n, s / hz }'
