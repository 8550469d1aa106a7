#!/bin/sh
# replay_protos.sh - SCTP and raw sockets through the parser and --replay,
# from a dump tests/rawmk writes (rawmk.c, protos_file(), says what it
# holds): SCTP sockets with several local and peer addresses, IPv4 ones on
# an IPv6 socket, a mapped peer among them; raw sockets of both families.
# Works on any kernel, with SCTP and raw_diag or not.  Needs no root.
set -u
: "${DUALSTAT:?}" "${RAWMK:?}"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$RAWMK" protos "$t/sctp.raw" || exit 1

# -j: every address of each socket, IPv4 ones of the AF_INET6 socket in
# mapped form; the mode from all of them.
"$DUALSTAT" -S -a -j --replay "$t/sctp.raw" >"$t/out" 2>"$t/err"
[ $? -eq 0 ] || no "-S -a -j: exit status not 0: $(cat "$t/err")"
[ -s "$t/err" ] && no "-S -a -j: stderr: $(cat "$t/err")"
[ "$(grep -c '^{' "$t/out")" -eq 6 ] || no "-S -a -j: not 6 rows"
has() {
	grep -F -- "$1" "$t/out" | grep -F -q -- "$2" ||
		no "no row with $1 and $2"
}
# The endpoints: LISTEN, their bound addresses, no peers.
has '"local_port":2905,' '"mode":"v4"'
has '"local_port":2905,' '"local_addrs":["0.0.0.0"],"peer_addrs":[]'
# (an endpoint has no peer: null, as for any listener)
has '"local_port":3868,"peer_addr":null' '"state":"LISTEN","mode":"dual"'
has '"local_port":3868,"peer_addr":null' '"local_addrs":["::"],"peer_addrs":[]'
# The IPv4 association: both peers.
has '"peer_port":5000,' '"state":"ESTAB","mode":"v4"'
has '"peer_port":5000,' '"peer_addrs":["192.0.2.7","192.0.2.8"]'
# IPv4 paths on the IPv6 association: mapped, though its primary
# addresses are IPv6.
has '"peer_port":40000,' '"mode":"mapped"'
has '"peer_port":40000,' '"local_addr":"2001:db8::1"'
has '"peer_port":40000,' '"peer_addr":"2001:db8::2"'
has '"peer_port":40000,' \
	'"local_addrs":["2001:db8::1","::ffff:192.0.2.1"],"peer_addrs":["2001:db8::2","::ffff:198.51.100.2"]'
# IPv6 only: v6.
has '"peer_port":40001,' '"mode":"v6"'
# A mapped second peer: mapped.
has '"peer_port":40002,' '"mode":"mapped"'
has '"peer_port":40002,' '"peer_addrs":["2001:db8::4","::ffff:203.0.113.9"]'

# The table shows the primary addresses only.
"$DUALSTAT" -S -a -H --replay "$t/sctp.raw" >"$t/out"
grep -Eq '^sctp +ESTAB +mapped +\[2001:db8::1\]:3868 +\[2001:db8::2\]:40000$' \
	"$t/out" || no "table: primary addresses: $(cat "$t/out")"
grep -q '198.51.100.2' "$t/out" && no "table shows a non-primary address"

# --dual: the dual endpoint and the two mapped associations; --check 1.
"$DUALSTAT" --dual -S -H --replay "$t/sctp.raw" >"$t/out"
[ "$(wc -l <"$t/out")" -eq 3 ] || no "--dual: not 3 rows: $(cat "$t/out")"
"$DUALSTAT" --dual -S --check -q --replay "$t/sctp.raw"
[ $? -eq 1 ] || no "--dual --check: not 1"
# -l: the endpoints alone (associations are left out as the kernel would).
"$DUALSTAT" -S -l -H --replay "$t/sctp.raw" >"$t/out"
[ "$(wc -l <"$t/out")" -eq 2 ] || no "-l: not 2 rows: $(cat "$t/out")"
grep -q ESTAB "$t/out" && no "-l lists an association"
# --state established: an association's ESTAB is established.
"$DUALSTAT" -S --state established -H --replay "$t/sctp.raw" >"$t/out"
[ "$(wc -l <"$t/out")" -eq 4 ] || no "--state established: $(cat "$t/out")"

# The dump's protocol list has no MPTCP: the default listing asks for
# none, and the file answers (its tcp and udp sections are absent, so it
# is refused for those, by name, not for mptcp).
"$DUALSTAT" --replay "$t/sctp.raw" >/dev/null 2>"$t/err"
grep -q 'holds no AF_INET/tcp dump' "$t/err" ||
	no "default replay: $(cat "$t/err")"

# Raw: the protocol number in the port column; the IPv6 one v6only by
# rule, though the kernel reported v6only 0 on [::].
"$DUALSTAT" -w -a -H --replay "$t/sctp.raw" >"$t/out"
grep -Eq '^raw +UNCONN +v4 +0\.0\.0\.0:1 ' "$t/out" ||
	no "-w: no raw v4 row on port 1: $(cat "$t/out")"
grep -Eq '^raw +UNCONN +v6only +\[::\]:17 ' "$t/out" ||
	no "-w: no raw v6only row on port 17: $(cat "$t/out")"
grep -Eq '^raw +ESTAB +v6only +\[2001:db8::1\]:58 ' "$t/out" ||
	no "-w: no connected raw v6only row: $(cat "$t/out")"
[ "$(wc -l <"$t/out")" -eq 3 ] || no "-w: not 3 rows"
# Raw IPv6 is v6only in every state (issue 18.4): -m v6only keeps the
# connected one, in the default view and with -6.
"$DUALSTAT" -w -m v6only -H --replay "$t/sctp.raw" >"$t/out" 2>"$t/err" ||
	no "-w -m v6only: $(cat "$t/err")"
grep -Eq '^raw +ESTAB +v6only +\[2001:db8::1\]:58 ' "$t/out" ||
	no "-w -m v6only: no connected raw row: $(cat "$t/out")"
"$DUALSTAT" -w -6 -a -m v6only -H --replay "$t/sctp.raw" >"$t/out" \
	2>"$t/err" || no "-w -6 -a -m v6only: $(cat "$t/err")"
[ "$(wc -l <"$t/out")" -eq 2 ] || no "-w -6 -a -m v6only: $(cat "$t/out")"
# --dual: a raw socket never carries IPv4 through IPv6.
"$DUALSTAT" --dual -w -H --replay "$t/sctp.raw" >"$t/out"
[ -s "$t/out" ] && no "--dual -w lists a raw socket: $(cat "$t/out")"

[ "$fail" -eq 0 ] && echo "replay_protos: all passed"
exit "$fail"
