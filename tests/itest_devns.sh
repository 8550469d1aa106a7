#!/bin/bash
# itest_devns.sh - "dev NAME" means that device in each namespace listed
# (root, private netns; skips with 77 otherwise)
#
# Namespace A (ours) has dsA and namespace B has dsB, each the first device
# after lo, so both have ifindex 2.  A filter "dev NAME" is looked up in the
# namespace being listed: under -N and --all-netns "dev dsB" finds B's
# socket bound to dsB, "dev dsA" never does.  Before, the name was resolved
# once, here, and its index applied everywhere.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"

ip link add dsA type dummy 2>/dev/null || ip link add dsA type bridge ||
	skip "cannot make a dummy or bridge interface"
ip link set dsA up
coproc A { exec "$SOCKPOP" 'tcp-dual@dsA:[::]:16202'; }
read -r word _ <&"${A[0]}" || true
[ "$word" = ready ] || fail "sockpop did not start"

devns_start "tcp-dual@dsB:[::]:16277"
# ss, inside B, agrees that the socket is bound to dsB.
nsenter -t "$bpid" -n ss -tlnH 'sport = :16277' | grep -q '%dsB:16277' ||
	fail "ss does not show :16277 bound to dsB"

B="pid:$bpid"
"$DUALSTAT" -N "$B" -lH 'dev dsB' >"$T/out" ||
	fail "-N $B 'dev dsB' failed: $(cat "$T/out")"
grep -qF '[::]%dsB:16277' "$T/out" || fail "-N 'dev dsB': no 16277: $(cat "$T/out")"
"$DUALSTAT" -N "$B" -lpH 'dev dsB' >"$T/out" || fail "-N -p 'dev dsB' failed"
grep -q '%dsB:16277 .*sockpop' "$T/out" ||
	fail "-N -p 'dev dsB': no 16277 with its owner: $(cat "$T/out")"
# B has no dsA: one namespace listed, so it is a mistake, said so.
expect_error 2 "no interface 'dsA' in network namespace $B" \
	"$DUALSTAT" -N "$B" -lH 'dev dsA'
expect_error 2 "no interface 'dsB' in this network namespace" \
	"$DUALSTAT" -lH 'dev dsB'
# The policy: the dual socket in B is bound to dsB, so it is excepted.
rc=0
"$DUALSTAT" -N "$B" --check -l 'mode dual and not dev dsB' >"$T/out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || fail "-N --check 'not dev dsB': exit $rc: $(cat "$T/out")"
rc=0
"$DUALSTAT" -N "$B" --check -l -q 'mode dual and dev dsB' || rc=$?
[ "$rc" -eq 1 ] || fail "-N --check 'dev dsB': exit $rc, not 1"

# --all-netns: each name in each namespace; where it is absent, nothing.
for p in '' -p; do
	"$DUALSTAT" --all-netns -l -j $p 'dev dsB' >"$T/all" 2>/dev/null || true
	grep -q '"local_port":16277,.*"interface":"dsB"' "$T/all" ||
		fail "--all-netns $p 'dev dsB': no 16277: $(head -c 500 "$T/all")"
	! grep -q '"local_port":16202' "$T/all" ||
		fail "--all-netns $p 'dev dsB' lists dsA's 16202"
	"$DUALSTAT" --all-netns -l -j $p 'dev dsA' >"$T/all" 2>/dev/null || true
	grep -q '"local_port":16202,.*"interface":"dsA"' "$T/all" ||
		fail "--all-netns $p 'dev dsA': no 16202"
	! grep -q '"local_port":16277' "$T/all" ||
		fail "--all-netns $p 'dev dsA' lists dsB's 16277"
done
"$DUALSTAT" --all-netns -l -j 'not dev dsB and sport >= :16200 and sport <= :16299' \
	>"$T/all" 2>/dev/null || true
grep -q '"local_port":16202' "$T/all" || fail "'not dev dsB' hides 16202"
! grep -q '"local_port":16277' "$T/all" || fail "'not dev dsB' lists 16277"

# The other seams: a replay reads indexes as this namespace's (a name it
# lacks is an error, as for a plain run); --metrics --all-netns counts
# B's socket on dsB only where B has dsB.
expect_error 2 "no interface 'nosuch0' in this network namespace" \
	"$DUALSTAT" --replay "$(dirname "$0")/data/pop-l.raw" -l 'dev nosuch0'
"$DUALSTAT" --all-netns --metrics -l 'dev dsB' >"$T/prom" 2>/dev/null || true
grep -q "^dualstat_sockets{netns=\"[^\"]*\",proto=\"tcp\",state=\"listening\",mode=\"dual\"} 1$" \
	"$T/prom" || fail "--metrics 'dev dsB': no dual listener: $(grep sockets "$T/prom")"
[ "$(grep -c '^dualstat_sockets{.*mode="dual"} 1$' "$T/prom")" -eq 1 ] ||
	fail "--metrics 'dev dsB': dual listeners counted elsewhere: $(grep sockets "$T/prom")"

exec {A[1]}>&- {bin}>&-
wait || true
echo "itest_devns: all passed"
