#!/usr/bin/env bash
# The real console in tmux against the simulator: the queue shows Vietnamese communes and
# wards, changes over time, q exits, the simulator is stopped and the terminal is restored.
. "$(dirname "$0")/lib.sh"
write_config 600
printf '[console]\nview = complaints\n' >>"$WORK/config.ini"
t new-session -d -s T -x 120 -y 40 "bash --norc --noprofile"
t send-keys -t T "LC_ALL=C.UTF-8 $CITYDECK_BIN --demo -c $WORK/config.ini --log $WORK/log; echo EXIT=\$?" Enter
wait_for '(Phường|Xã|Đặc khu) ' 20 || fail "no commune or ward rows appeared: $(capture)"
capture | grep -q 'Phản ánh' || fail "no view title"
capture | grep -qE 'complaints ok' || fail "feed health not shown: $(capture | tail -n 1)"
first=$(capture | sed '1d;$d')
changed=no
for _ in $(seq 1 40); do
    sleep 0.5
    if [ "$(capture | sed '1d;$d')" != "$first" ]; then changed=yes; break; fi
done
[ "$changed" = yes ] || fail "the queue did not change in 20 s"
pid=$(sed -n 's/.*citydeck-sim (pid \([0-9]*\)).*/\1/p' "$WORK/log" | head -n 1)
[ -n "$pid" ] || fail "the log does not name the simulator's pid"
kill -0 "$pid" 2>/dev/null || fail "the simulator is not running while the console is"
t send-keys -t T '?'
wait_for 'Trợ giúp — phím' 5 || fail "help overlay did not open"
t send-keys -t T Escape
t send-keys -t T q
wait_for 'EXIT=0' 10 || fail "citydeck did not exit with 0 on q: $(capture)"
# Back on the shell's own screen: no table rows left, the prompt is usable.
capture | grep -q 'Hạn xử lý' && fail "the console's screen is still showing after exit"
t send-keys -t T "echo restored-\$((6*7))" Enter
wait_for 'restored-42' 5 || fail "the shell did not answer after exit"
for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the simulator (pid $pid) is still running after exit"
echo "ok"
