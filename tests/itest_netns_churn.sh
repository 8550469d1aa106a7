#!/bin/bash
# itest_netns_churn.sh - --all-netns while namespaces come and go (root)
#
# Runs in a private pid and mount namespace (so /proc shows only this
# test's processes and /run/netns is an empty tmpfs), with one stable
# namespace holding a listener and, beside it, a loop that keeps creating
# short-lived namespaces whose processes exit while dualstat enumerates
# and enters them.  Every listing must end, exit 0, be whole JSON, and
# list the stable listener exactly once; a namespace that vanished before
# dualstat entered it held nothing any more and is left out, never a crash
# or a garbled row.  --check must then answer 1 (the listener is a
# finding), never 0.
set -eu

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

if [ -z "${CHURN_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	command -v unshare >/dev/null || skip "no unshare(1)"
	unshare --pid --mount --fork --mount-proc true 2>/dev/null ||
		skip "unshare of a pid and mount namespace refused here"
	CHURN_INNER=1 exec unshare --pid --mount --fork --mount-proc \
		"$BASH" "$0" "$@"
fi

mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns || fail "cannot mount a tmpfs on /run/netns"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# The stable namespace: a listener on 127.0.0.1:7000, held until the end.
mkfifo "$T/hold"
# shellcheck disable=SC2016 # $1 is expanded by the inner shell
unshare -n "$BASH" -c 'ip link set lo up && exec "$1" tcp:127.0.0.1:7000' \
	sh "$SOCKPOP" <"$T/hold" >"$T/ready" &
exec 3>"$T/hold"
for _ in $(seq 100); do
	grep -q ready "$T/ready" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$T/ready" || fail "the stable namespace did not start"

# The churn: namespaces whose only process lives a few milliseconds,
# until the listings below are done (it is stopped after them; 300 s is
# only a bound).  A fixed 20 s let a loaded machine run fewer than the 5
# listings asked for.
(
	end=$((SECONDS + 300))
	while [ "$SECONDS" -lt "$end" ]; do
		for _ in 1 2 3 4 5 6 7 8; do
			unshare -n sleep 0.0$((RANDOM % 9 + 1)) &
		done
		wait
	done
) &
churn=$!

row_re='^\{"proto":"(tcp|udp)",.*"netns":"[^"]*","netns_inode":[0-9]+.*\},?$'
listener='"local_addr":"127.0.0.1","local_port":7000,"peer_addr":null'
runs=0 warned=0
while [ "$runs" -lt 20 ] && kill -0 "$churn" 2>/dev/null; do
	rc=0
	timeout 60 "$DUALSTAT" --all-netns -a -j >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -ne 124 ] || fail "run $runs: dualstat did not end in 60 s"
	[ "$rc" -eq 0 ] || fail "run $runs: exit $rc: $(head -c 300 "$T/err")"
	[ "$(head -n 1 "$T/out")" = "[" ] || fail "run $runs: no opening ["
	[ "$(tail -n 1 "$T/out")" = "]" ] || fail "run $runs: no closing ]"
	if sed '1d;$d' "$T/out" | grep -Evq "$row_re"; then
		fail "run $runs: garbled row: $(sed '1d;$d' "$T/out" |
			grep -Ev "$row_re" | head -n 2)"
	fi
	[ "$(grep -cF "$listener" "$T/out")" -eq 1 ] ||
		fail "run $runs: the stable listener is not listed exactly once"
	# Only the documented warnings may appear.
	if grep -v -e '--all-netns: could not enter' \
		-e '--all-netns: could not read the network namespace' \
		"$T/err" | grep -q .; then
		fail "run $runs: unexpected stderr: $(head -c 300 "$T/err")"
	fi
	[ -s "$T/err" ] && warned=$((warned + 1))

	rc=0
	"$DUALSTAT" --all-netns --check -q -l -m v4 2>/dev/null || rc=$?
	[ "$rc" -eq 1 ] || fail "run $runs: --check answered $rc under churn"
	runs=$((runs + 1))
done
[ "$runs" -ge 5 ] || fail "only $runs listings ran during the churn"
kill "$churn" 2>/dev/null || true
wait "$churn" 2>/dev/null || true
exec 3>&-
echo "itest_netns_churn: $runs listings during namespace churn," \
	"$warned with a vanished-namespace warning; all whole"
