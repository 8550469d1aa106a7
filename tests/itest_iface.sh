#!/bin/bash
# itest_iface.sh - the bound device and the IPv6 zone, as ss shows them
# (root, private netns; skips with 77 otherwise)
#
# A dual listener bound to a device (SO_BINDTODEVICE) is not host-wide:
# dualstat writes it [::]%dev:PORT, and a link-local address keeps its
# zone, [fe80::99]%dev:PORT, as ss does; JSON says "interface".  The index
# the kernel reports is resolved in the socket's own namespace: another
# namespace gives the same index to another device.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"

# A device of our own: a dummy one, or a bridge where dummy is not built.
ip link add dsA type dummy 2>/dev/null || ip link add dsA type bridge ||
	skip "cannot make a dummy or bridge interface"
ip link set dsA up
ip -6 addr add fe80::99/64 dev dsA nodad
coproc A { exec "$SOCKPOP" 'tcp-dual@dsA:[::]:6002' \
	'tcp@dsA:[fe80::99]:6001' 'udp@dsA:0.0.0.0:6003' 'tcp:0.0.0.0:6004'; }
read -r word _ <&"${A[0]}" || true
[ "$word" = ready ] || fail "sockpop did not start"

"$DUALSTAT" -lH >"$T/table"
for want in '[::]%dsA:6002' '[fe80::99]%dsA:6001' '0.0.0.0%dsA:6003' \
	'0.0.0.0:6004'; do
	grep -qF " $want " "$T/table" || fail "-l: no $want in: $(cat "$T/table")"
	# ss agrees on which are bound, and to what.
	port=${want##*:}
	if [ "${want#*%}" != "$want" ]; then
		ss -tulnH "sport = :$port" | grep -q "%dsA:$port" ||
			fail "ss does not show :$port bound to dsA"
	fi
done
grep -q 'dual *\[::\]%dsA:6002' "$T/table" || fail "-l: 6002 not dual"

"$DUALSTAT" -l -j >"$T/json"
grep -q '"local_port":6002,"peer_addr":null,"peer_port":null,"interface":"dsA"' \
	"$T/json" || fail "-j: 6002 has no interface: $(cat "$T/json")"
grep -q '"local_addr":"fe80::99","local_port":6001,.*"interface":"dsA"' \
	"$T/json" || fail "-j: 6001 has no interface"
grep -q '"local_port":6004,.*"interface":null' "$T/json" ||
	fail "-j: unbound 6004 has an interface"

# Namespace B: its device dsB gets the index dsA has here (each is the
# first device after lo), so only a lookup in B itself names it right.
devns_start "tcp-dual@dsB:[::]:7002"
"$DUALSTAT" -N "pid:$bpid" -lH >"$T/b"
grep -qF '[::]%dsB:7002' "$T/b" || fail "-N: not resolved in B: $(cat "$T/b")"
"$DUALSTAT" --all-netns -l -j >"$T/all" 2>/dev/null || true
grep -q '"local_port":7002,.*"interface":"dsB"' "$T/all" ||
	fail "--all-netns: 7002 not on dsB"
grep -q '"local_port":6002,.*"interface":"dsA"' "$T/all" ||
	fail "--all-netns: 6002 not on dsA"
exec {A[1]}>&- {bin}>&-
wait || true
echo "itest_iface: all passed"
