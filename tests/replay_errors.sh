#!/bin/sh
# replay_errors.sh - what main.c makes of answers this kernel cannot be
# made to give (a missing diag module, a refused dump), replayed from
# files tests/rawmk writes.  Needs no root.
set -u
: "${DUALSTAT:?}" "${RAWMK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$RAWMK" missing "$t/missing.raw" || exit 1
"$RAWMK" refused "$t/refused.raw" || exit 1

# udp_diag missing: both udp dumps warn, by name; tcp is listed; exit 0.
"$DUALSTAT" -a -j --replay "$t/missing.raw" >"$t/out" 2>"$t/err"
[ $? -eq 0 ] || no "missing: exit status not 0"
[ "$(wc -l <"$t/err")" -eq 2 ] || no "missing: not two warnings: $(cat "$t/err")"
grep -q "AF_INET/udp): the kernel has no udp_diag" "$t/err" ||
	no "missing: no AF_INET/udp warning"
grep -q "AF_INET6/udp): the kernel has no udp_diag" "$t/err" ||
	no "missing: no AF_INET6/udp warning"
grep -q '"local_port":22,' "$t/out" || no "missing: tcp not listed"
# A protocol named (-u) that the kernel could not dump: not what was
# asked for, exit 2 (issue 18, item 9); tcp is still listed.
"$DUALSTAT" -a -t -u --replay "$t/missing.raw" >"$t/out" 2>"$t/err"
[ $? -eq 2 ] || no "missing: -t -u (udp named, not dumpable) did not exit 2"
grep -q "AF_INET/udp): the kernel has no udp_diag.*asked for" "$t/err" ||
	no "missing: -t -u does not say why: $(cat "$t/err")"
grep -q ':22 ' "$t/out" || no "missing: -t -u: tcp not listed"
# --check cannot say "clean" when it could not look everywhere...
"$DUALSTAT" -a -u --check --replay "$t/missing.raw" >/dev/null 2>"$t/err"
[ $? -eq 2 ] || no "missing: --check -u (nothing found) did not exit 2"
grep -q "AF_INET/udp): the kernel has no udp_diag" "$t/err" ||
	no "missing: --check -u does not say what it could not see"
# ... but a finding is a finding: 1, and the rest said on stderr (issue 11).
"$DUALSTAT" -a --check --replay "$t/missing.raw" >/dev/null 2>"$t/err"
[ $? -eq 1 ] || no "missing: --check (found :22, udp unseen) not 1"
grep -q "AF_INET6/udp): the kernel has no udp_diag" "$t/err" ||
	no "missing: --check does not say what it could not see"
"$DUALSTAT" -a -q --check --replay "$t/missing.raw" >/dev/null 2>"$t/err"
[ $? -eq 1 ] || no "missing: --check -q not 1"
[ ! -s "$t/err" ] || no "missing: -q is not quiet: $(cat "$t/err")"
"$DUALSTAT" -a -t --check --replay "$t/missing.raw" >/dev/null 2>&1
[ $? -eq 1 ] || no "missing: --check -t (tcp only, found :22) not 1"

# A refused dump: exit 2, one line naming it; JSON closed all the same.
"$DUALSTAT" -a -j --replay "$t/refused.raw" >"$t/out" 2>"$t/err"
[ $? -eq 2 ] || no "refused: exit status not 2"
[ "$(wc -l <"$t/err")" -eq 1 ] || no "refused: stderr: $(cat "$t/err")"
grep -q "refused.raw (AF_INET/udp): Operation not permitted" "$t/err" ||
	no "refused: $(cat "$t/err")"
[ "$(tail -n 1 "$t/out")" = "]" ] || no "refused: JSON array not closed"
grep -q '"local_port":22,' "$t/out" || no "refused: rows before it lost"

# -s says in its output when its totals are partial (issue 14, item 8).
"$DUALSTAT" -a -s -j --replay "$t/refused.raw" >"$t/out" 2>"$t/err"
[ $? -eq 2 ] || no "-s refused: exit status not 2"
grep -q '"complete":false}$' "$t/out" || no "-s -j refused: $(cat "$t/out")"
"$DUALSTAT" -a -s --replay "$t/refused.raw" >"$t/out" 2>"$t/err"
grep -q '^incomplete: a dump failed' "$t/out" || no "-s refused: $(cat "$t/out")"
"$DUALSTAT" -a -s --replay "$t/missing.raw" >"$t/out" 2>"$t/err"
[ $? -eq 0 ] || no "-s missing: exit status not 0"
grep -q '^incomplete: not counted: AF_INET/udp AF_INET6/udp' "$t/out" ||
	no "-s missing: $(cat "$t/out")"
"$DUALSTAT" -a -t -s -j --replay "$t/missing.raw" >"$t/out" 2>"$t/err"
grep -q '"complete":true}$' "$t/out" || no "-s -t missing: $(cat "$t/out")"

[ "$fail" -eq 0 ] && echo "replay_errors: all passed"
exit "$fail"
