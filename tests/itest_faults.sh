#!/bin/bash
# itest_faults.sh - hostile conditions: churn during the dump, a reader
# that goes away, a full disk, an unprivileged user, absurd arguments
# (root, private netns; skips with 77 otherwise)
set -eu
# Options lists are split on purpose: $opts is several words.
# shellcheck disable=SC2086
. "$(dirname "$0")/itest_lib.sh"
itest_enter_netns "$@"

# One JSON row as out_json.c writes it; anything else is garbled.
row_re='^\{"proto":"(tcp|udp)","family":"inet6?","state":"[A-Z0-9-]+","mode":"(v4|v6|v6only|dual|mapped)","v6only":(true|false|null),"local_addr":"[0-9a-f.:]+","local_port":[0-9]+,("peer_addr":"[0-9a-f.:]+","peer_port":[0-9]+|"peer_addr":null,"peer_port":null),"interface":(null|"[^"]+"),"recv_q":[0-9]+,"send_q":[0-9]+,("inode":[0-9]+,"uid":[0-9]+|"inode":null,"uid":null)\},?$'

# check_json FILE: a whole array, every row well-formed, none twice.
check_json() {
	[ "$(head -n 1 "$1")" = "[" ] || fail "$1: does not open with ["
	[ "$(tail -n 1 "$1")" = "]" ] || fail "$1: does not end with ]"
	sed '1d;$d' "$1" >"$T/rows"
	if grep -Evq "$row_re" "$T/rows"; then
		fail "garbled row: $(grep -Ev "$row_re" "$T/rows" | head -n 3)"
	fi
	sed 's/,$//' "$T/rows" | sort | uniq -d >"$T/dups"
	[ ! -s "$T/dups" ] || fail "row listed twice: $(head -n 3 "$T/dups")"
}

## Churn: thousands of connections opened and closed while we list.
# relpop closes its listeners when its time is up: give it far more than
# the listings take (it is stopped after them), and check that it was
# still there after each listing, or a slow machine reads as a listener
# missing from a listing.
pop_start churn 600
runs=0
while [ "$runs" -lt 15 ]; do
	rc=0
	timeout 60 "$DUALSTAT" -a -j >"$T/churn.json" 2>"$T/err" || rc=$?
	pop_alive ||
		fail "churn: the population ended before listing $((runs + 1))"
	[ "$rc" -ne 124 ] || fail "churn: dualstat did not end in 60 s"
	[ "$rc" -eq 0 ] || fail "churn: exit $rc: $(cat "$T/err")"
	[ ! -s "$T/err" ] || fail "churn: stderr: $(cat "$T/err")"
	check_json "$T/churn.json"
	# The two listeners never move: each is in every listing, once.
	for l in '"local_addr":"127.0.0.1","local_port":7000,"peer_addr":null' \
		'"local_addr":"::","local_port":7001,"peer_addr":null'; do
		[ "$(grep -cF "$l" "$T/churn.json")" -eq 1 ] ||
			fail "churn: listener $l not listed exactly once"
	done
	runs=$((runs + 1))
done
kill "$POP_PID" 2>/dev/null || true
pop_stop
echo "churn: $runs listings under churn, all whole" >&2

## A reader that goes away, and a full disk.
pop_start many 2000
# ~500 KiB of rows, far more than the pipe and stdio buffers hold.
rc=0
timeout 60 bash -c '"$1" -a 2>"$2" | head -n 1 >/dev/null; exit "${PIPESTATUS[0]}"' \
	sh "$DUALSTAT" "$T/err" || rc=$?
[ "$rc" -ne 124 ] || fail "| head -1: did not end"
[ "$rc" -eq 141 ] || [ "$rc" -eq 0 ] || fail "| head -1: exit $rc"
[ ! -s "$T/err" ] || fail "| head -1: stderr: $(cat "$T/err")"
# The same with SIGPIPE ignored (as some supervisors leave it): main.c
# restores the default, so the run still stops at once, quietly.
rc=0
timeout 60 bash -c 'trap "" PIPE; "$1" -a 2>"$2" | head -n 1 >/dev/null; exit "${PIPESTATUS[0]}"' \
	sh "$DUALSTAT" "$T/err" || rc=$?
[ "$rc" -eq 141 ] || [ "$rc" -eq 2 ] ||
	fail "| head -1 with SIGPIPE ignored: exit $rc"
[ ! -s "$T/err" ] || fail "| head -1, SIGPIPE ignored: $(cat "$T/err")"

rc=0
"$DUALSTAT" -a >/dev/full 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "> /dev/full: exit $rc"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "> /dev/full: $(cat "$T/err")"
grep -q "write error: No space left on device" "$T/err" ||
	fail "> /dev/full: $(cat "$T/err")"
rc=0
"$DUALSTAT" -a -j >/dev/full 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || fail "-j > /dev/full: exit $rc"
grep -q "No space left on device" "$T/err" || fail "-j > /dev/full"
pop_stop

## An unprivileged user lists what root lists (inet_diag asks no
## capability for this namespace's sockets).
pop_start pop
if command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
	"$DUALSTAT" -ae -j >"$T/root.json"
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$DUALSTAT" -ae -j >"$T/nobody.json" 2>"$T/err" ||
		fail "as nobody: $(cat "$T/err")"
	cmp -s "$T/root.json" "$T/nobody.json" ||
		fail "as nobody: $(diff "$T/root.json" "$T/nobody.json" | head)"
	# (TIME-WAIT left by the churn above is in -a too: count with -l.)
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$DUALSTAT" -l -j >"$T/nobody.json"
	[ "$(grep -c '"proto"' "$T/nobody.json")" -eq 6 ] ||
		fail "as nobody: not the 6 listening sockets"
	# -p as nobody: root's descriptors are unreadable; it says how many
	# processes it could not read, and still lists every socket.
	rc=0
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$DUALSTAT" -l -p -j >"$T/nobody.json" 2>"$T/err" || rc=$?
	[ "$rc" -eq 0 ] || fail "-p as nobody: exit $rc: $(cat "$T/err")"
	# ... naming the first few, with the right grammar (issue 11).
	grep -Eq -- "-p: could not read the descriptors of (1 process \(pid [0-9]+ \([^)]*\)\); its|([2-9]|[1-9][0-9]+) processes \(pid [0-9]+ \([^)]*\)(, pid [0-9]+ \([^)]*\)){0,2}( and [0-9]+ more)?\); their) sockets show no owner" \
		"$T/err" || fail "-p as nobody: unread processes not named: $(cat "$T/err")"
	! grep -q " 1 processes" "$T/err" || fail "-p as nobody: '1 processes'"
	# --all-netns as a user who cannot enter namespaces: its own is
	# listed all the same, the rest is said, and the listing is not
	# called complete (issue 11).
	rc=0
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$DUALSTAT" --all-netns -l -j >"$T/nobody.json" 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "--all-netns as nobody: exit $rc, not 2"
	[ "$(grep -c '"proto"' "$T/nobody.json")" -eq 6 ] ||
		fail "--all-netns as nobody: not the 6 listening sockets of its own namespace"
	grep -q -- "--all-netns: could not" "$T/err" ||
		fail "--all-netns as nobody: does not say what it missed"
	# -q: the exit status is the whole answer; a finding is 1.
	rc=0
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		"$DUALSTAT" --all-netns --check -q -l >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "--all-netns --check -q as nobody: exit $rc, not 1"
	[ ! -s "$T/err" ] && [ ! -s "$T/out" ] ||
		fail "--check -q as nobody is not quiet: $(cat "$T/err")"
	[ "$(grep -c '"proto"' "$T/nobody.json")" -eq 6 ] ||
		fail "-p as nobody: not the 6 listening sockets"
else
	echo "no setpriv or no user nobody: unprivileged case not run" >&2
fi
pop_stop

## Absurd arguments: a clean error or a sane result, never a crash.
long=$(head -c 100000 /dev/zero | tr '\0' x)
expect_error 2 "unknown (or ambiguous )?option" "$DUALSTAT" "--$long"
# Words after the options are a FILTER (issue 9): bounded, and parsed.
expect_error 2 "filter: longer than" "$DUALSTAT" "$long"
expect_error 2 "filter: column 1: empty filter" "$DUALSTAT" ""
expect_error 2 "unknown (or ambiguous )?option" "$DUALSTAT" $'--\xff\xfe'
expect_error 2 "unknown term '\\\\xff\\\\xfe\\\\x80'" "$DUALSTAT" $'\xff\xfe\x80'
expect_error 2 "unknown option '-9'" "$DUALSTAT" -99999999999999999999999
expect_error 2 "unknown term '18446744073709551616'" "$DUALSTAT" 18446744073709551616
# Deep nesting and many terms: a clear error, not a crash.
deep=$(for _ in $(seq 5000); do printf '( '; done)
expect_error 2 "nested deeper than 100" "$DUALSTAT" "$deep"
deep=$(for _ in $(seq 5000); do printf 'not '; done)
expect_error 2 "nested deeper than 100" "$DUALSTAT" "$deep"
wide=$(for i in $(seq 600); do printf 'sport = :%s or ' "$i"; done)
expect_error 2 "more than 512 terms" "$DUALSTAT" "${wide}v6only"
expect_error 2 "needs a file name" "$DUALSTAT" --replay ""
expect_error 2 "needs an argument" "$DUALSTAT" --replay
expect_error 2 "File name too long" "$DUALSTAT" --replay "$long"
# A newline or an escape in an argument must not make a second line or
# reach the terminal raw.
expect_error 2 "unknown (or ambiguous )?option" "$DUALSTAT" $'--x\nforged: line'
expect_error 2 "unknown term 'a\\\\x1b\\[2Jb'" "$DUALSTAT" $'a\033[2Jb'
if grep -q $'\033' "$T/err"; then fail "escape byte echoed to stderr"; fi
# The same option many times is the option once.
many=()
for _ in $(seq 1000); do many+=(-t -a); done
"$DUALSTAT" "${many[@]}" >"$T/many" 2>"$T/err" || fail "repeated -t -a"
"$DUALSTAT" -t -a >"$T/once"
cmp -s "$T/many" "$T/once" || fail "1000 x '-t -a' differs from once"
echo "itest_faults: all passed"
