#!/bin/bash
# shellcheck disable=SC2015 # "A && B || fail": fails if either is false
# itest_rawproc.sh - raw sockets are listed, socket by socket as ss lists
# them, whether or not the kernel has raw_diag (issue 18, item 9)
#
# A kernel without raw_diag answers a raw dump with ENOENT; dualstat then
# reads the namespace's /proc/net/raw and raw6 (src/procraw.c), as ss
# does.  In a private network namespace (root; skips with 77 otherwise):
# raw sockets of both families, bound and connected, are compared with
# ss -w line by line (state, local and peer address), with -p's owners,
# under -N (another namespace's files, not ours), and --check -A all -l
# -m dual answers 0 where nothing is dual.  Where the kernel has no
# raw_diag, a filter on what /proc does not show (dev) is refused with
# exit 2 and the reason, and a protocol named but not dumpable is 2.
set -eu
# shellcheck source=tests/itest_lib.sh
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"
command -v ss >/dev/null || skip "no ss (iproute2)"

socks=(raw:0.0.0.0:1 rawc:127.0.0.2:17 'raw:[::1]:253' 'raw:[::]:58'
	'rawc:[::1]:17')
coproc POP { exec "$SOCKPOP" "${socks[@]}"; }
pop_pid=$POP_PID # bash unsets POP_PID once the coprocess ends
read -r word n <&"${POP[0]}" || true
[ "$word" = ready ] && [ "$n" -eq 5 ] || fail "sockpop did not start"

# ss names the IPv6 wildcard '*'; dualstat writes [::] (and 0.0.0.0 for
# IPv4, as ss does).  "STATE LOCAL PEER", sorted.
ss -wanH | awk '{ l = $4; p = $5
	if (l ~ /^\*:/) l = "[::]" substr(l, 2)
	if (p == "*:*") p = "[::]:*"
	print $1, l, p }' | sort >"$T/ss"
"$DUALSTAT" -w -a -H >"$T/out" 2>"$T/err" ||
	fail "-w -a: exit $?: $(cat "$T/err")"
[ ! -s "$T/err" ] || fail "-w -a: stderr: $(cat "$T/err")"
awk '{ print $2, $4, $5 }' "$T/out" | sort >"$T/ds"
[ "$(wc -l <"$T/ss")" -eq 5 ] || fail "ss -w lists $(wc -l <"$T/ss"), not 5"
cmp -s "$T/ss" "$T/ds" ||
	fail "dualstat -w -a differs from ss -w: $(diff "$T/ss" "$T/ds")"
# Modes: IPv4 raw is v4, IPv6 raw v6only in every state.
[ "$(awk '$3 == "v4"' "$T/out" | wc -l)" -eq 2 ] ||
	fail "not two v4 rows: $(cat "$T/out")"
[ "$(awk '$3 == "v6only"' "$T/out" | wc -l)" -eq 3 ] ||
	fail "not three v6only rows: $(cat "$T/out")"
grep -Eq '^raw +ESTAB +v6only +\[::1\]:17 +\[::1\]:\*$' "$T/out" ||
	fail "connected raw6 is not ESTAB v6only: $(cat "$T/out")"

# -p: every row's owner, the fd ss names.
ss -wanHp | sed -E 's/.*pid=([0-9]+),fd=([0-9]+).*/\1 \2/' | sort >"$T/ss"
"$DUALSTAT" -w -a -H -p |
	sed -E 's/.*pid=([0-9]+),fd=([0-9]+).*/\1 \2/' | sort >"$T/ds"
[ "$(sort -u "$T/ss" | wc -l)" -eq 5 ] || fail "ss -p: $(cat "$T/ss")"
cmp -s "$T/ss" "$T/ds" || fail "-p owners differ from ss: $(diff "$T/ss" "$T/ds")"

# State and filters, in user space as the kernel would.
[ "$("$DUALSTAT" -w -l -H | wc -l)" -eq 3 ] || fail "-w -l: not 3 UNCONN"
[ "$("$DUALSTAT" -w -H | wc -l)" -eq 2 ] || fail "-w: not 2 ESTAB"
"$DUALSTAT" -w -a -H 'sport = :253' >"$T/out"
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '\[::1\]:253' "$T/out" ||
	fail "-w 'sport = :253': $(cat "$T/out")"
rc=0
"$DUALSTAT" --check -A all -l -m dual >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "--check -A all -l -m dual: exit $rc: $(cat "$T/err")"
[ ! -s "$T/out" ] && [ ! -s "$T/err" ] ||
	fail "--check -A all -l -m dual printed: $(cat "$T/out" "$T/err")"
rc=0
"$DUALSTAT" --check -w -l -m v6only >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--check -w -l -m v6only: exit $rc: $(cat "$T/err")"

# --all-netns: each of ours once, among the host's; --metrics counts them.
"$DUALSTAT" -w -a -j | grep -o '"inode":[0-9]*' | sort >"$T/ours"
[ "$(wc -l <"$T/ours")" -eq 5 ] || fail "-w -a -j: $(cat "$T/ours")"
"$DUALSTAT" --all-netns -w -a -j >"$T/all" 2>"$T/err" || true
while read -r ino; do
	[ "$(grep -c "$ino," "$T/all")" -eq 1 ] ||
		fail "--all-netns -w: $ino not listed once: $(cat "$T/err")"
done <"$T/ours"
"$DUALSTAT" -w -a --metrics >"$T/prom"
grep -Eq '^dualstat_sockets\{(netns="",)?proto="raw",state="listening",mode="v6only"\} 2$' \
	"$T/prom" || fail "--metrics -w: $(grep raw "$T/prom")"
grep -Eq '^dualstat_sockets\{(netns="",)?proto="raw",state="connected",mode="v4"\} 1$' \
	"$T/prom" || fail "--metrics -w: $(grep raw "$T/prom")"

fd=${POP[1]}
exec {fd}>&-
wait "$pop_pid" 2>/dev/null || true

# -N: the other namespace's raw sockets, read through its own files.
coproc OTHER { exec unshare -n "$SOCKPOP" 'raw:[::]:99'; }
# bash unsets OTHER_PID once the coprocess ends: keep our own copy.
other_pid=$OTHER_PID
read -r word _ <&"${OTHER[0]}" || true
[ "$word" = ready ] || fail "sockpop in another namespace did not start"
"$DUALSTAT" -w -a -H -N "/proc/$other_pid/ns/net" >"$T/out" 2>"$T/err" ||
	fail "-N: exit $?: $(cat "$T/err")"
[ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '\[::\]:99 ' "$T/out" ||
	fail "-N: not the other namespace's one socket: $(cat "$T/out")"
fd=${OTHER[1]}
exec {fd}>&-
wait "$other_pid" 2>/dev/null || true

# Without raw_diag, what /proc/net/raw cannot show cannot be answered.
if "$DUALSTAT" -w -a --dump-raw "$T/d.raw" >/dev/null 2>"$T/err"; then
	echo "note: this kernel has raw_diag; the /proc stand-in is not used" >&2
else
	grep -q 'no raw_diag' "$T/err" || fail "--dump-raw -w: $(cat "$T/err")"
	rc=0
	"$DUALSTAT" -w -a 'dev = lo' >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "-w 'dev = lo' without raw_diag: exit $rc"
	grep -q 'does not show the bound device' "$T/err" ||
		fail "-w 'dev = lo': $(cat "$T/err")"
	echo "note: no raw_diag here; listed from /proc/net/raw{,6}" >&2
fi
echo "itest_rawproc: raw sockets as ss lists them" >&2
