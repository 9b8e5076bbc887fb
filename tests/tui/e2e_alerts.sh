#!/usr/bin/env bash
# Alerts end to end: the simulator runs an air-quality episode in Phường Trương Quang Trọng;
# the console raises the alert, Enter jumps to its cause, a acknowledges it with a note
# (written to the state file, 0600), a restart shows it still acknowledged, and --read-only
# refuses to acknowledge.
. "$(dirname "$0")/lib.sh"
cat >"$WORK/config.ini" <<INI
[console]
view = alerts
[demo]
speed = 60
seed = 7
start = 2026-03-03T13:00:00+07:00
episode = aqi@2026-03-03T10:00:00+07:00:21172
[feed.sensors]
interval = 2
INI
start() { # start [flags...]
    t new-session -d -s T -x 160 -y 40 \
        "XDG_STATE_HOME=$XDG_STATE_HOME $CITYDECK_BIN --demo -c $WORK/config.ini --log $WORK/log $*"
    wait_for 'Cảnh báo' 20 || fail "the alerts view did not open: $(capture)"
}
stop() {
    t send-keys -t T q
    for ((i = 0; i < 50; i++)); do t has-session -t T 2>/dev/null || return 0; sleep 0.1; done
    t kill-session -t T
}

start
# The episode's station: VN_AQI in a worse band for longer than the rule's minimum duration.
t send-keys -t T / 'AQI' Enter
wait_for 'Trương Quang Tr' 60 || fail "no air-quality alert for the episode: $(capture)"
capture | grep 'Trương Quang Tr' | head -n 1 | grep -qE 'Nghiêm trọng|Cảnh báo' ||
    fail "the alert has no severity word: $(capture | grep 'Trương Quang Tr')"
# Enter jumps to the cause: the sensors of the ward.
t send-keys -t T Enter
sleep 0.5
capture | head -n 1 | grep -q 'Trương Quang Trọng › Cảm biến' ||
    fail "Enter did not jump to the ward's sensors: $(capture | head -n 1)"
t send-keys -t T Escape
sleep 0.3
capture | head -n 1 | grep -q 'Cảnh báo' || fail "Esc did not come back to the alerts"
# Acknowledge with a note.
t send-keys -t T a
wait_for 'Ghi chú xác nhận' 5 || fail "no prompt for the note"
t send-keys -t T 'da bao so TNMT' Enter
wait_for 'Đã xác nhận' 5 || fail "no confirmation: $(capture | tail -n 1)"
wait_for 'da bao so TNMT' 5 || fail "the note is not shown: $(capture)"
# Saved on the next tick of the loop (once a second).
state="$XDG_STATE_HOME/citydeck/alerts.state"
for ((i = 0; i < 30; i++)); do grep -qs 'da bao so TNMT' "$state" && break; sleep 0.1; done
[ -f "$state" ] || fail "no state file under $XDG_STATE_HOME/citydeck"
[ "$(stat -c %a "$state")" = 600 ] || fail "state file mode $(stat -c %a "$state")"
grep -q 'da bao so TNMT' "$state" || fail "the note is not in the state file"
stop

# A restart keeps the acknowledgement.
start
t send-keys -t T / 'AQI' Enter
wait_for 'da bao so TNMT' 20 || fail "the acknowledgement did not survive a restart: $(capture)"
stop

# Read-only: the same key is refused and the state file does not change.
before=$(md5sum <"$state")
start --read-only
t send-keys -t T / 'AQI' Enter
wait_for 'Trương Quang Tr' 60 || fail "no alert in read-only mode"
t send-keys -t T a
wait_for 'Chế độ chỉ xem' 5 || fail "read-only did not refuse: $(capture | tail -n 1)"
stop
[ "$(md5sum <"$state")" = "$before" ] || fail "read-only changed the state file"
echo "ok"
