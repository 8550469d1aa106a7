#!/bin/bash
# itest_policy.sh - an audit policy with exceptions, from a file (-F), run
# by --check as cron would (root, private netns; skips with 77 otherwise):
# 0 when every dual listener is an exception, 1 when a new one appears,
# 2 when the policy cannot be read or can never match.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"

# hold NAME SPEC...: sockpop SPEC... in the background, its stdin a FIFO
# held open here, until release NAME closes it.
declare -A held_pid held_fd
hold() {
	local name=$1 fd i
	shift
	mkfifo "$T/$name.in"
	"$SOCKPOP" "$@" <"$T/$name.in" >"$T/$name.out" &
	held_pid[$name]=$!
	exec {fd}>"$T/$name.in"
	held_fd[$name]=$fd
	for i in $(seq 100); do
		grep -q '^ready' "$T/$name.out" && return 0
		sleep 0.05
	done
	fail "sockpop $* did not start"
}
release() {
	local fd=${held_fd[$1]}
	exec {fd}>&-
	wait "${held_pid[$1]}" 2>/dev/null || true
}

# check_status WANT ARGS...: dualstat --check -q ARGS exits WANT, silent
# on stdout.
check_status() {
	local want=$1 rc=0
	shift
	"$DUALSTAT" --check -q "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "--check -q $*: exit $rc, want $want: $(cat "$T/err")"
	[ ! -s "$T/out" ] || fail "--check -q $*: wrote $(cat "$T/out")"
}

cat >"$T/policy" <<'POLICY'
# No dual-stack listener, except sshd and the web front.
mode dual and not (
	sport = :ssh        # sshd
	or sport = :https   # the web front
	or sport = :8443
)
POLICY

# The exceptions, and sockets the policy does not ask about.
hold base tcp-dual:[::]:22 tcp-dual:[::]:443 udp-dual:[::]:8443 \
	tcp-v6only:[::]:8080 tcp:127.0.0.1:9000 tcp-dual:[::1]:5000
check_status 0 -l -F "$T/policy"
# The same from standard input, and as a FILTER argument.
check_status 0 -l -F - <"$T/policy"
check_status 0 -l 'mode dual and not ( sport = :22 or sport = :443 or
	sport = :8443 )'
# Without the exceptions, the policy finds them.
check_status 1 -l -m dual

# A new dual listener appears: found, and listed without -q.
hold new tcp-dual:[::]:3128
check_status 1 -l -F "$T/policy"
check_status 1 -l -F - <"$T/policy"
"$DUALSTAT" --check -l -H -F "$T/policy" >"$T/out" || rc=$?
[ "${rc:-0}" -eq 1 ] || fail "--check -l -F policy: exit ${rc:-0}, want 1"
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q ':3128 ' "$T/out" ||
	fail "--check -l -F policy lists $(cat "$T/out"), want the :3128 one"
release new
check_status 0 -l -F "$T/policy"

# A policy that cannot be read, does not parse, or can never match: 2, one
# line naming the problem, nothing on stdout.
printf 'mode dual and not (\n\tsprot = :22 )\n' >"$T/typo"
expect_error 2 "filter file .*typo: line 2, column 2: unknown term 'sprot'" \
	"$DUALSTAT" --check -q -l -F "$T/typo"
printf '# nothing yet\n' >"$T/comments"
# The end is where the last word ended: with none, the start (issue 18.12).
expect_error 2 "filter file .*comments: line 1, column 1: empty filter" \
	"$DUALSTAT" --check -q -l -F "$T/comments"
: >"$T/empty"
expect_error 2 "-F .*empty: empty file" \
	"$DUALSTAT" --check -q -l -F "$T/empty"
expect_error 2 "-F .*missing: No such file or directory" \
	"$DUALSTAT" --check -q -l -F "$T/missing"
printf 'mode v4 and v6only\n' >"$T/never"
expect_error 2 "the filter can never match: no AF_INET or AF_INET6 socket passes it" \
	"$DUALSTAT" --check -q -l -F "$T/never"
printf 'sport = :nosuchservice\n' >"$T/service"
expect_error 2 "line 1, column 9: ':nosuchservice' is neither a port" \
	"$DUALSTAT" --check -q -l -F "$T/service"
release base
echo "itest_policy: all checks passed"
