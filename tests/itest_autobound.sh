#!/bin/bash
# itest_autobound.sh - the autobound filter term across the seams: each
# namespace's own net.ipv4.ip_local_port_range (-N, --all-netns), -p,
# --check, and the refusals (MPTCP listed, --replay)
# (root, private netns; skips with 77 otherwise)
#
# autobound is judged as ss judges it: the kernel (no SOCK_BINDPORT_LOCK)
# and the local port within the ephemeral range of the socket's own
# namespace.  Two namespaces with disjoint ranges tell a range read in the
# wrong one from the right one.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"

# ports FILE: the local ports of a -H table, one per line, sorted.
ports() {
	awk '{ n = split($4, a, ":"); print a[n] }' "$1" | sort -n
}

# A (ours): 20000-20999.  An autobound listener, an explicit one inside
# the range (the kernel's half says no) and one outside it.
echo "20000 20999" >/proc/sys/net/ipv4/ip_local_port_range
coproc A { exec "$SOCKPOP" tcp:127.0.0.1:0 tcp:127.0.0.1:20500 \
	tcp:127.0.0.1:40000; }
read -r word _ <&"${A[0]}" || true
[ "$word" = ready ] || fail "sockpop did not start"

"$DUALSTAT" -t -l -H autobound >"$T/a"
[ "$(wc -l <"$T/a")" -eq 1 ] || fail "-t -l autobound: $(cat "$T/a")"
pa=$(ports "$T/a")
[ "$pa" -ge 20000 ] && [ "$pa" -le 20999 ] && [ "$pa" -ne 20500 ] ||
	fail "-t -l autobound: port $pa"
# ss applies both halves to the whole expression, so "not autobound" is
# "holds the lock and lies outside the range": 40000 alone, not 20500
# (the man page's "Where dualstat differs from ss" says so).  As ss.
"$DUALSTAT" -t -l -H 'not autobound' >"$T/na"
[ "$(ports "$T/na" | tr '\n' ' ')" = "40000 " ] ||
	fail "-t -l 'not autobound': $(cat "$T/na")"
ss -tlnH 'not autobound' | awk '{ n = split($4, a, ":"); print a[n] }' \
	>"$T/ss-na"
[ "$(cat "$T/ss-na")" = 40000 ] || fail "ss 'not autobound': $(cat "$T/ss-na")"

# B: 30000-30999, and an explicit listener on 20600 (in A's range, not in
# B's): a range read in A would list it, and miss B's autobound one.
mkfifo "$T/b.in" "$T/b.out"
unshare -n sh -c 'ip link set lo up &&
	echo "30000 30999" >/proc/sys/net/ipv4/ip_local_port_range &&
	exec "$0" tcp:127.0.0.1:0 tcp:127.0.0.1:20600' "$SOCKPOP" \
	<"$T/b.in" >"$T/b.out" &
bpid=$!
exec {bin}>"$T/b.in"
read -r word _ <"$T/b.out" || true
[ "$word" = ready ] || fail "sockpop in namespace B did not start"

"$DUALSTAT" -N "pid:$bpid" -t -l -H autobound >"$T/b"
[ "$(wc -l <"$T/b")" -eq 1 ] || fail "-N: $(cat "$T/b")"
pb=$(ports "$T/b")
[ "$pb" -ge 30000 ] && [ "$pb" -le 30999 ] || fail "-N autobound: port $pb"

# --all-netns: each namespace with its own range (the host's others may
# add rows; ours must be there, and the explicit ones must not).
"$DUALSTAT" --all-netns -t -l -j autobound >"$T/all" 2>/dev/null || true
for p in "$pa" "$pb"; do
	grep -q "\"local_addr\":\"127.0.0.1\",\"local_port\":$p," "$T/all" ||
		fail "--all-netns autobound: $p missing"
done
for p in 20500 20600 40000; do
	! grep -q "\"local_addr\":\"127.0.0.1\",\"local_port\":$p," "$T/all" ||
		fail "--all-netns autobound: explicit $p listed"
done

# -p (two passes) and --check.
"$DUALSTAT" -t -l -p -H autobound >"$T/p"
[ "$(ports "$T/p")" = "$pa" ] || fail "-p autobound: $(cat "$T/p")"
rc=0
"$DUALSTAT" --check -q -t -l autobound || rc=$?
[ "$rc" -eq 1 ] || fail "--check -q autobound: exit $rc, not 1"
rc=0
"$DUALSTAT" --check -q -t -l 'autobound and sport = :20500' || rc=$?
[ "$rc" -eq 0 ] || fail "--check -q (nothing): exit $rc, not 0"

# Refused, with the reason: MPTCP listed (the default), and a replay.
expect_error 2 "autobound cannot judge MPTCP sockets" \
	"$DUALSTAT" -l autobound
"$DUALSTAT" -t -l --dump-raw "$T/rec.raw" >/dev/null
expect_error 2 "autobound cannot be judged in a replay" \
	"$DUALSTAT" -t -l --replay "$T/rec.raw" autobound

exec {A[1]}>&- {bin}>&-
wait || true
echo "itest_autobound: all passed"
