#!/usr/bin/env bash
# Golden screens: every view of the console, in tmux at 80x24 and 200x50, against the
# simulator with a fixed seed, start time and a frozen clock, matches its expected capture.
# The clock in the top bar and the data ages are the only moving parts; they are masked.
# UPDATE=1 rewrites the expected captures (review them with git diff before committing).
. "$(dirname "$0")/lib.sh"
GOLDEN="$(cd "$(dirname "$0")" && pwd)/golden"
cat >"$WORK/config.ini" <<INI
[demo]
speed = 0
seed = 7
start = 2026-03-02T08:00:00+07:00
INI

# Masks what changes with wall time: the clock, data ages (and the rule lengths around them,
# which grow with a digit), and the feed health after the key hints of the bottom bar.
normalize() {
    sed -E -e 's/[0-9]{2}\/[0-9]{2}\/[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}/DD\/MM\/YYYY HH:MM:SS/' \
        -e 's/dữ liệu [0-9]+(s|m[0-9]*|h[0-9]*)/dữ liệu AGE/g' \
        -e 's/─+/─/g' \
        -e 's/(q Thoát) .*/\1/' \
        -e 's/[[:space:]]+$//'
}

# Captures until two captures in a row agree (the frame has settled), at most 10 s.
settled() {
    local prev="" cur i
    for ((i = 0; i < 50; i++)); do
        cur=$(capture | normalize)
        [ -n "$prev" ] && [ "$cur" = "$prev" ] && { printf '%s\n' "$cur"; return 0; }
        prev=$cur
        sleep 0.2
    done
    printf '%s\n' "$cur"
}

mkdir -p "$GOLDEN"
failures=0
views="overview units dossiers complaints indicators sensors alerts"
sessions=0
for size in 80x24 200x50; do
    sessions=$((sessions + 1))
    cols=${size%x*}
    rows=${size#*x}
    t new-session -d -s T -x "$cols" -y "$rows" \
        "$CITYDECK_BIN --demo -c $WORK/config.ini --log $WORK/log"
    # Every feed has answered once before anything is read.
    for ((i = 0; i < 300; i++)); do
        [ "$(grep -c 'every feed has answered once' "$WORK/log" 2>/dev/null)" = "$sessions" ] && break
        sleep 0.1
    done
    [ "$i" -lt 300 ] || fail "the feeds did not answer at $size"
    # A second answer shows the hub's clock standing still: from then on the console's clock
    # is the hub's, and ages no longer move.
    sleep 6
    n=1
    for view in $views; do
        t send-keys -t T "$n"
        n=$((n + 1))
        sleep 0.3
        settled >"$WORK/$view-$size.txt"
        expected="$GOLDEN/$view-$size.txt"
        if [ "${UPDATE:-0}" = 1 ]; then
            cp "$WORK/$view-$size.txt" "$expected"
        elif ! diff -u "$expected" "$WORK/$view-$size.txt"; then
            echo "FAIL: $view at $size differs from $expected"
            failures=$((failures + 1))
        fi
    done
    t kill-session -t T
done
[ "$failures" -eq 0 ] || fail "$failures golden screens differ"
echo "ok"
