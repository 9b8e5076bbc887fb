#!/usr/bin/env bash
# --snapshot renders one frame as plain UTF-8 text in a pipe, without a terminal, and exits 0.
. "$(dirname "$0")/lib.sh"
write_config 60
out="$WORK/out.txt"
LC_ALL=C setsid "$CITYDECK_BIN" --demo -c "$WORK/config.ini" --log "$WORK/log" \
    --snapshot complaints --size 120x40 </dev/null | cat >"$out"
code=${PIPESTATUS[0]}
[ "$code" -eq 0 ] || fail "exit status $code"
[ "$(wc -l <"$out")" -eq 40 ] || fail "expected 40 lines, got $(wc -l <"$out")"
grep -q 'Tỉnh Quảng Ngãi › Phản ánh' "$out" || fail "no breadcrumb: $(head -n 2 "$out")"
grep -qE '(Phường|Xã) ' "$out" || fail "no commune/ward rows"
grep -q $'\x1b' "$out" && fail "escape sequences in the snapshot"
# Every line fits in 120 columns.
while IFS= read -r line; do
    w=$(printf '%s' "$line" | LC_ALL=C.UTF-8 wc -m)
    [ "$w" -le 120 ] || fail "line wider than 120: $line"
done <"$out"
"$CITYDECK_BIN" --snapshot nosuchview --demo >/dev/null 2>"$WORK/err" && fail "unknown view accepted"
grep -q "unknown view 'nosuchview'" "$WORK/err" || fail "unclear error: $(cat "$WORK/err")"
echo "ok"
