# shellcheck shell=bash
# itest_lib.sh - sourced by the integration tests: netns, helpers, verdicts
#
# Each test re-runs itself in a private network namespace (unshare -n) with
# lo up, so its sockets are the only ones listed.  It skips (exit 77) with
# a reason where that cannot be done: not root, or no unshare.

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${RELPOP:?RELPOP must name the tests/relpop binary}"

# A traced dualstat keeps its exit status under the sanitizers too
# (tests/shim/strace says why).
if command -v strace >/dev/null; then
	PATH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/shim:$PATH
fi

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

itest_enter_netns() {
	if [ -n "${ITEST_IN_NETNS:-}" ]; then
		ip link set lo up || fail "cannot bring lo up"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private network namespace"
	command -v unshare >/dev/null || skip "no unshare(1)"
	unshare -n true 2>/dev/null || skip "unshare -n refused here"
	# exec skips the EXIT trap: the re-run makes its own $T.
	rm -rf "$T"
	ITEST_IN_NETNS=1 exec unshare -n "$BASH" "$0" "$@"
}

# devns_start SPEC: tests/sockpop SPEC in a network namespace of its own
# with one device, dsB, made there after lo; the test has made dsA here
# the same way, so both get the same index and only a lookup in the
# namespace itself names the device right.  Sets bpid (sockpop's pid) and
# bin (its stdin: closing it ends sockpop).
devns_start() {
	mkfifo "$T/b.in" "$T/b.out"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -n sh -c 'ip link set lo up &&
		{ ip link add dsB type dummy 2>/dev/null ||
		ip link add dsB type bridge; } && ip link set dsB up &&
		exec "$0" "$1"' "$SOCKPOP" "$1" <"$T/b.in" >"$T/b.out" &
	bpid=$!
	# shellcheck disable=SC2034 # closed by the caller
	exec {bin}>"$T/b.in"
	read -r word _ <"$T/b.out" || true
	[ "$word" = ready ] || fail "sockpop in namespace B did not start"
	[ "$(devns_index)" = "$(devns_index nsenter -t "$bpid" -n)" ] ||
		fail "dsA and dsB have different indexes: the test proves nothing"
}

# devns_index [CMD...]: the index of the ds* device, as CMD ip sees it.
devns_index() { "$@" ip -o link show | sed -n "s/^\([0-9]*\): ds.*/\1/p"; }

# pop_start ARGS...: runs relpop ARGS in the background until pop_stop,
# once it has said "ready".
pop_start() {
	coproc POP { exec "$RELPOP" "$@"; }
	local line=
	read -r line <&"${POP[0]}" || true
	[ "$line" = ready ] || fail "relpop $* did not start"
}

# pop_alive: the population has not exited (an exited one is a zombie
# until pop_stop reaps it, which kill -0 cannot tell apart).
pop_alive() {
	local stat
	stat=$(cat "/proc/$POP_PID/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

pop_stop() {
	local pid=$POP_PID fd=${POP[1]}
	exec {fd}>&-
	wait "$pid" 2>/dev/null || true
}

# expect_error STATUS PATTERN CMD...: CMD exits with STATUS, prints nothing
# on stdout and exactly one line on stderr matching the grep -E PATTERN.
expect_error() {
	local want=$1 pattern=$2 rc=0 cmd
	shift 2
	cmd=$(printf '%q ' "$@" | head -c 200)
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "$cmd: exit $rc, not $want"
	[ ! -s "$T/out" ] || fail "$cmd: wrote to stdout: $(head -c 200 "$T/out")"
	[ "$(wc -l <"$T/err")" -eq 1 ] ||
		fail "$cmd: stderr is not one line: $(head -c 300 "$T/err")"
	grep -Eq -- "$pattern" "$T/err" ||
		fail "$cmd: stderr lacks '$pattern': $(head -c 300 "$T/err")"
}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
