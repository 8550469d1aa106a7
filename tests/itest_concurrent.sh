#!/bin/bash
# itest_concurrent.sh - the dumps run at once (issue 13) give the same
# result as the dumps in turn, row for row (root, private netns, two CPUs;
# skips with 77 otherwise)
#
# With two CPUs or more dualstat runs its sock_diag dumps at once, one
# socket and thread each; confined to one CPU (taskset -c 0) it runs them
# one after the other.  On the same live population both must print the
# same bytes, exit with the same status and say the same on stderr.
set -eu
. "$(dirname "$0")/itest_lib.sh"
itest_enter_netns "$@"

command -v taskset >/dev/null || skip "no taskset(1)"
[ "$(nproc)" -ge 2 ] || skip "one CPU: no concurrent path to compare"
[ "$(taskset -c 0 nproc)" -eq 1 ] || skip "taskset -c 0 does not confine"

# The known population (every mode), and 3000 TCP listeners and 3000 dual
# UDP sockets, so each dump spans many datagrams.
pop_start pop
mkfifo "$T/many.in" "$T/many.out"
"$RELPOP" many 3000 <"$T/many.in" >"$T/many.out" &
many_pid=$!
exec {many_in}>"$T/many.in"
read -r line <"$T/many.out" || true
[ "$line" = ready ] || fail "relpop many did not start"

# same OPTIONS...: the concurrent and the serial run agree.
same() {
	local rc=0 rs=0
	"$DUALSTAT" "$@" >"$T/conc" 2>"$T/conc.err" || rc=$?
	taskset -c 0 "$DUALSTAT" "$@" >"$T/ser" 2>"$T/ser.err" || rs=$?
	[ "$rc" -eq "$rs" ] || fail "$*: exit $rc at once, $rs in turn"
	cmp -s "$T/conc" "$T/ser" ||
		fail "$*: output differs: $(diff "$T/ser" "$T/conc" | head -n 5)"
	# -p's count of processes that could not be read is the host's:
	# processes come and go between the two runs.
	sed -i '/-p: could not read the descriptors/d' "$T/conc.err" \
		"$T/ser.err"
	cmp -s "$T/conc.err" "$T/ser.err" ||
		fail "$*: stderr differs: $(cat "$T/conc.err" "$T/ser.err")"
	[ -s "$T/conc" ] || [ "$rc" -ne 0 ] || [[ " $* " == *" -q "* ]] ||
		fail "$*: printed nothing"
}

for opts in "-a" "-a -e" "-a -j" "-a -e -j --unmap" "" "-l" "-l -e" \
	"-t" "-u -a" "-a -4" "-a -6" "-a -m dual" "-a -m mapped,v6only" \
	"-a --sport 3128" "-s" "-s -a" "-s -a -j" "-s -l" "-a -p" "-a -p -e" \
	"-l -p" "-l -p -j" "-a -p -m dual" "--check -m mapped" \
	"--check -q -m mapped" "--check -q -m v6 --sport 1"; do
	# shellcheck disable=SC2086
	same $opts
done

# The rows are the sockets, checked independently of dualstat: as many
# as ss lists, and the -s totals add up to them.
"$DUALSTAT" -aH >"$T/rows"
ss -tuanH >"$T/ss"
[ "$(wc -l <"$T/rows")" -eq "$(wc -l <"$T/ss")" ] ||
	fail "-a: $(wc -l <"$T/rows") rows, ss -tuan $(wc -l <"$T/ss")"
[ "$(wc -l <"$T/rows")" -gt 6000 ] || fail "-a: population not listed"
# The exit status says what --check found, at once as in turn.
rc=0
"$DUALSTAT" --check -q -m mapped || rc=$?
[ "$rc" -eq 1 ] || fail "--check -q -m mapped: exit $rc, not 1"

# A failed write ends both the same way: exit 2, one line.
for cpus in "" "taskset -c 0"; do
	rc=0
	$cpus "$DUALSTAT" -a >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "$cpus -a >/dev/full: exit $rc, not 2"
	[ "$(cat "$T/err")" = "dualstat: write error: No space left on device" ] ||
		fail "$cpus -a >/dev/full: $(cat "$T/err")"
done

# That the dumps did run at once: one netlink socket per dump with two
# CPUs, one socket in all on one CPU and with --dump-raw (strace, where
# installed).
if command -v strace >/dev/null; then
	count_sockets() {
		strace -f -qq -e trace=socket -o "$T/trace" "$@" >/dev/null 2>&1
		grep -c 'socket(AF_NETLINK' "$T/trace"
	}
	# -tu: TCP and UDP of both families (without it, MPTCP's two
	# dumps join in where the kernel has MPTCP).
	n=$(count_sockets "$DUALSTAT" -tu -a)
	[ "$n" -eq 4 ] || fail "-tu -a: $n netlink sockets, not 4"
	n=$(count_sockets taskset -c 0 "$DUALSTAT" -a)
	[ "$n" -eq 1 ] || fail "-a on one CPU: $n netlink sockets, not 1"
	n=$(count_sockets "$DUALSTAT" -a --dump-raw "$T/d.raw")
	[ "$n" -eq 1 ] || fail "--dump-raw: $n netlink sockets, not 1"
else
	echo "no strace: the socket count is not checked" >&2
fi

exec {many_in}>&-
wait "$many_pid"
pop_stop
echo "itest_concurrent: all passed"
