#!/usr/bin/env bash
# Terminal reality: a resize storm does not crash the console; SIGTERM exits cleanly; a fatal
# signal still gives the terminal back (normal screen, echo and line editing restored).
. "$(dirname "$0")/lib.sh"
write_config 60
printf '[console]\nview = complaints\n' >>"$WORK/config.ini"
t new-session -d -s T -x 120 -y 40 "bash --norc --noprofile"
start_console() {
    : >"$WORK/log"
    t send-keys -t T "clear; LC_ALL=C.UTF-8 $CITYDECK_BIN --demo -c $WORK/config.ini --log $WORK/log; echo EXIT=\$?" Enter
    wait_for '(Phường|Xã|Đặc khu) ' 20 || fail "no rows: $(capture)"
    deck=$(pgrep -n -f "$CITYDECK_BIN --demo -c $WORK/config.ini") || fail "no console process"
}
restored() {
    t send-keys -t T "clear; stty -a | grep -q ' echo ' && echo echo-on-\$((1+1)); echo shell-$1" Enter
    wait_for "shell-$1" 5 || fail "$1: the shell did not answer: $(capture)"
    capture | grep -q 'echo-on-2' || fail "$1: echo is still off after the console ended"
    capture | grep -q 'Hạn xử lý' && fail "$1: the console's screen is still up"
    return 0
}

start_console
sizes=(80x24 300x100 40x8 20x5 200x50 81x25 120x40 1x1 132x43 120x40)
for i in $(seq 1 300); do
    s=${sizes[$((i % ${#sizes[@]}))]}
    t resize-window -t T -x "${s%x*}" -y "${s#*x}"
done
t resize-window -t T -x 120 -y 40
sleep 0.5
kill -0 "$deck" 2>/dev/null || fail "the console died in the resize storm"
wait_for 'Hạn xử lý' 5 || fail "no table after the storm: $(capture)"
t resize-window -t T -x 30 -y 6
wait_for 'Cửa sổ quá nhỏ' 5 || fail "no too-small message at 30x6: $(capture)"
t resize-window -t T -x 120 -y 40
wait_for 'Hạn xử lý' 5 || fail "the table did not come back: $(capture)"

kill -TERM "$deck"
wait_for 'EXIT=0' 10 || fail "SIGTERM did not give a clean exit: $(capture)"
restored term

start_console
kill -SEGV "$deck"
wait_for 'EXIT=139' 10 || fail "SIGSEGV did not end the console: $(capture)"
restored segv
echo "ok"
