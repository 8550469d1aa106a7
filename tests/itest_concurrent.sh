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

# --all-netns and -p across namespaces (issue 20), at once and in turn.
# In a PID and mount namespace of our own, with /proc remounted and an
# empty /run/netns, so the namespaces listed are ours alone: three made
# by unshare -n, each holding relpop many (500 listeners, 500 UDP), and
# the test's own, which holds nothing now.
if unshare -m -p -f --mount-proc true 2>/dev/null; then
	cat >"$T/allns.sh" <<'SCRIPT'
set -eu
mkdir -p /run/netns
mount -t tmpfs none /run/netns
pids=()
for i in 1 2 3; do
	mkfifo "$T/ns$i.in" "$T/ns$i.out"
	unshare -n "$BASH" -c 'ip link set lo up && exec "$0" many 500' \
		"$RELPOP" <"$T/ns$i.in" >"$T/ns$i.out" &
	pids+=($!)
	exec {fd}>"$T/ns$i.in"
	read -r line <"$T/ns$i.out" || true
	[ "$line" = ready ] || { echo "relpop many in ns$i did not start"; exit 1; }
done
rc=0
for opts in "--all-netns -a" "--all-netns -a -j" "--all-netns -l -e" \
	"--all-netns -s" "--all-netns -a -p" "--all-netns -l -p -j" \
	"--all-netns -a -p -m dual" "--all-netns --check -q -m mapped"; do
	a=0 b=0
	# shellcheck disable=SC2086
	"$DUALSTAT" $opts >"$T/conc" 2>"$T/conc.err" || a=$?
	# shellcheck disable=SC2086
	taskset -c 0 "$DUALSTAT" $opts >"$T/ser" 2>"$T/ser.err" || b=$?
	if [ "$a" -ne "$b" ] || ! cmp -s "$T/conc" "$T/ser" ||
		! cmp -s "$T/conc.err" "$T/ser.err"; then
		echo "$opts: differs (exit $a, $b): $(diff "$T/ser" "$T/conc" |
			head -n 5) $(cat "$T/conc.err" "$T/ser.err")"
		rc=1
	fi
	case $opts in *--check*) ;; *)
		[ -s "$T/conc" ] || { echo "$opts: printed nothing"; rc=1; } ;;
	esac
done
# The listing holds all three namespaces' sockets: 3 x 1000, with
# their owners under -p.
n=$("$DUALSTAT" --all-netns -a -p -H | grep -c 'relpop' || true)
[ "$n" -eq 3000 ] || { echo "--all-netns -a -p: $n rows owned by relpop, not 3000"; rc=1; }
exit $rc
SCRIPT
	export T DUALSTAT RELPOP
	out=$(unshare -m -p -f --mount-proc "$BASH" "$T/allns.sh" 2>&1) ||
		fail "--all-netns: $out"
else
	echo "no PID namespace here: --all-netns is not compared" >&2
fi
echo "itest_concurrent: all passed"
