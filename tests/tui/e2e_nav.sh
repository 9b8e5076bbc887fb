#!/usr/bin/env bash
# The navigation grammar in a real terminal (tmux) against the simulator: drill down from the
# ranking to a commune and back, filter with and without diacritics, the command line with
# completion, pause, and a storm of resizes that must not crash the console.
. "$(dirname "$0")/lib.sh"
write_config 0
t new-session -d -s T -x 120 -y 40 "$CITYDECK_BIN --demo -c $WORK/config.ini --log $WORK/log"
for ((i = 0; i < 300; i++)); do
    grep -q 'every feed has answered once' "$WORK/log" 2>/dev/null && break
    sleep 0.1
done
[ "$i" -lt 300 ] || fail "the feeds did not answer"
pid=$(t list-panes -t T -F '#{pane_pid}')

# 4: the complaint queue; / filter without diacritics finds a ward with them.
t send-keys -t T 4
wait_for 'Hạn xử lý' 5 || fail "complaints view not shown"
ward=$(capture | grep -oE '(Phường|Xã) [[:alpha:]]+( [[:alpha:]]+)?' | head -n 1)
[ -n "$ward" ] || fail "no ward in the queue: $(capture)"
bare=$(printf '%s' "${ward#* }" | iconv -f UTF-8 -t ASCII//TRANSLIT 2>/dev/null | tr 'A-Z' 'a-z')
[ -n "$bare" ] || bare=$(printf '%s' "${ward#* }")
t send-keys -t T / "$bare"
sleep 0.5
capture | grep -q "/$bare" || fail "the prompt does not show '/$bare'"
capture | grep -q "lọc \"$bare\"" || fail "no filter count for '$bare': $(capture | sed -n 1,4p)"
t send-keys -t T Enter
# With diacritics, the same ward.
t send-keys -t T / C-u "${ward#* }" Enter
sleep 0.5
capture | grep -q "lọc \"${ward#* }\"" || fail "filter with diacritics"
# ! inverts: the ward no longer appears in the rows.
t send-keys -t T / C-u "!$bare" Enter
sleep 0.5
capture | sed -n '4,$p' | grep -q "$ward" && fail "inverted filter still shows $ward"
t send-keys -t T Escape
sleep 0.3
capture | grep -q '\[/' && fail "Esc did not clear the filter"

# The command line: :unit with Tab completion scopes the view; Esc leaves the scope.
t send-keys -t T : "unit ${bare%% *}" Tab
sleep 0.3
capture | tail -n 1 | grep -q ':unit ' || fail "command line not shown"
t send-keys -t T Enter
sleep 0.5
capture | head -n 1 | grep -qE '› (Phường|Xã|Đặc khu) ' || fail "no scope in the breadcrumb: $(capture | head -n 1)"
t send-keys -t T Escape
sleep 0.3
capture | head -n 1 | grep -qE '› (Phường|Xã|Đặc khu) ' && fail "Esc kept the scope"

# The ranking: Enter drills into the first commune/ward, Esc comes back.
t send-keys -t T 2
wait_for 'HS quá hạn' 5 || fail "units view not shown"
t send-keys -t T Enter
sleep 0.5
capture | head -n 1 | grep -qE 'Xếp hạng xã/phường › (Phường|Xã|Đặc khu) ' ||
    fail "Enter did not drill into a unit: $(capture | head -n 1)"
t send-keys -t T Escape
sleep 0.3
capture | head -n 1 | grep -qE '› Xếp hạng xã/phường *(│|$| )' || fail "Esc did not come back"

# p pauses (the top bar says so) and p resumes.
t send-keys -t T p
sleep 0.3
capture | head -n 1 | grep -q 'TẠM DỪNG' || fail "pause not shown"
t send-keys -t T p
sleep 0.3
capture | head -n 1 | grep -q 'TẠM DỪNG' && fail "still paused"

# A resize storm: hundreds of size changes, then the console still answers.
for ((i = 0; i < 300; i++)); do
    t resize-window -t T -x $((60 + (i * 37) % 240)) -y $((10 + (i * 13) % 90)) 2>/dev/null
done
t resize-window -t T -x 80 -y 24
sleep 1
kill -0 "$pid" 2>/dev/null || fail "the console died in the resize storm"
t send-keys -t T 1
wait_for 'Tổng quan' 5 || fail "no frame after the storm: $(capture | head -n 3)"
[ "$(capture | wc -l)" -le 24 ] || fail "frame taller than the window"
t send-keys -t T q
for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "q did not quit"
echo "ok"
