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

# same OPTIONS...: the concurrent run ($conc, dualstat itself unless
# set) and the serial run agree.
conc=$DUALSTAT
same() {
	local rc=0 rs=0
	# A thread that waits forever fails here, not the whole suite.
	timeout 120 "$conc" "$@" >"$T/conc" 2>"$T/conc.err" || rc=$?
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

# Issue 20: the later dumps are read ahead as packed rows into a bounded
# buffer.  tests/dualstat-tight bounds it at two 4 KiB chunks: each
# dump's rows span tens of chunks, so every thread waits for room, the
# one whose dump is being written included, and a thread that cannot
# queue must not stop the others.  The bytes stay those of one CPU.
[ -x "${DUALSTAT_TIGHT:-}" ] || fail "DUALSTAT_TIGHT ($DUALSTAT_TIGHT) is not built"
conc=$DUALSTAT_TIGHT
for opts in "-a" "-a -e -j" "-l" "-u -a" "-a -6" "-a -m dual" "-a -s" \
	"-a -p" "--check -m mapped" "--check -q -m mapped"; do
	# shellcheck disable=SC2086
	same $opts
done
conc=$DUALSTAT

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
# The population's connections, closed, would stay in TIME-WAIT for 60 s
# in the namespace --all-netns lists below, and could expire between the
# two runs compared there: none are kept.
sysctl -qw net.ipv4.tcp_max_tw_buckets=0
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

# Issue 20: with two CPUs the next namespaces are dumped while one is
# written.  Twenty named namespaces of 2 sockets each, one of 6000 (past
# what a namespace dumped ahead may keep: it is dumped again in turn),
# and a name that is not a network namespace (cannot be entered: warned,
# counted, exit 2): the order and the bytes stay those of one CPU.
for i in $(seq -w 1 20); do
	ip netns add "dsc$i"
	mkfifo "$T/dsc$i.in" "$T/dsc$i.out"
	ip netns exec "dsc$i" "$RELPOP" many 1 <"$T/dsc$i.in" \
		>"$T/dsc$i.out" &
	exec {fd}>"$T/dsc$i.in"
	read -r line <"$T/dsc$i.out" || true
	[ "$line" = ready ] || { echo "relpop in dsc$i did not start"; exit 1; }
done
ip netns add dsc99
mkfifo "$T/big.in" "$T/big.out"
ip netns exec dsc99 "$RELPOP" many 3000 <"$T/big.in" >"$T/big.out" &
exec {fd}>"$T/big.in"
read -r line <"$T/big.out" || true
[ "$line" = ready ] || { echo "relpop many 3000 in dsc99 did not start"; exit 1; }
# And our own namespace, listed first, holds two sockets.
mkfifo "$T/own.in" "$T/own.out"
"$RELPOP" many 1 <"$T/own.in" >"$T/own.out" &
exec {fd}>"$T/own.in"
read -r line <"$T/own.out" || true
[ "$line" = ready ] || { echo "relpop in our namespace did not start"; exit 1; }
touch /run/netns/zz-uts
mount --bind /proc/self/ns/uts /run/netns/zz-uts
for opts in "--all-netns -a" "--all-netns -a -j" "--all-netns -s" \
	"--all-netns -s -a -j" "--all-netns --metrics" "--all-netns -a -p" \
	"--all-netns -a -p -j" "--all-netns --check -q -a -m dual" \
	"--all-netns --check -a -m dual" "--all-netns -l -e"; do
	a=0 b=0
	# shellcheck disable=SC2086
	"$DUALSTAT" $opts >"$T/conc" 2>"$T/conc.err" || a=$?
	# shellcheck disable=SC2086
	taskset -c 0 "$DUALSTAT" $opts >"$T/ser" 2>"$T/ser.err" || b=$?
	# The metrics' clock readings differ from run to run.
	sed -i '/^dualstat_last_run_\|^dualstat_run_duration_/d' "$T/conc" "$T/ser"
	if [ "$a" -ne "$b" ] || ! cmp -s "$T/conc" "$T/ser" ||
		! cmp -s "$T/conc.err" "$T/ser.err"; then
		echo "$opts (26 namespaces): differs (exit $a, $b):" \
			"$(diff "$T/ser" "$T/conc" | head -n 5)" \
			"$(cat "$T/conc.err" "$T/ser.err")"
		rc=1
	fi
	case $opts in
	# A finding is 1 even where a namespace could not be looked at.
	*--check*) [ "$a" -eq 1 ] || { echo "$opts: exit $a, not 1"; rc=1; } ;;
	*) [ "$a" -eq 2 ] || { echo "$opts: exit $a, not 2"; rc=1; }
	   grep -q "could not enter 1 of 26 network namespaces (zz-uts)" \
		"$T/conc.err" || { echo "$opts: $(cat "$T/conc.err")"; rc=1; } ;;
	esac
done
# Every namespace once, in the documented order (ours, then the names
# in order), each with its sockets: counted from outside with ss.
"$DUALSTAT" --all-netns -a -H >"$T/rows" 2>/dev/null || true
awk '{ print $1 }' "$T/rows" | uniq >"$T/order"
{
	awk '{ print $1 }' "$T/rows" | head -n 1
	printf 'dsc%s\n' $(seq -w 1 20) 99
	printf 'ns%s\n' 1 2 3
} >"$T/order.want"
# The unnamed three come by pid: only their count is checked.
[ "$(head -n 22 "$T/order")" = "$(head -n 22 "$T/order.want")" ] &&
	[ "$(wc -l <"$T/order")" -eq 25 ] ||
	{ echo "--all-netns order: $(tr '\n' ' ' <"$T/order")"; rc=1; }
for i in $(seq -w 1 20) 99; do
	want=$(ip netns exec "dsc$i" ss -tuanH | wc -l)
	got=$(grep -c "^dsc$i " "$T/rows" || true)
	[ "$got" -eq "$want" ] && [ "$got" -gt 0 ] ||
		{ echo "dsc$i: $got rows, ss $want"; rc=1; }
done
# A dump failing half-way (the 40th request refused): what was listed
# before is the complete listing's first lines, in the same order; exit
# 2 and one line naming the namespace.
if command -v strace >/dev/null; then
	"$DUALSTAT" --all-netns -a -H >"$T/full" 2>/dev/null || true
	for cpus in "" "taskset -c 0"; do
		a=0
		$cpus strace -f -qq -o /dev/null -e trace=sendto \
			-e inject=sendto:error=EIO:when=40 \
			"$DUALSTAT" --all-netns -a -H >"$T/half" 2>"$T/half.err" ||
			a=$?
		[ "$a" -eq 2 ] || { echo "$cpus half-way: exit $a"; rc=1; }
		n=$(wc -l <"$T/half")
		[ "$n" -gt 0 ] && [ "$n" -lt "$(wc -l <"$T/full")" ] &&
			head -n "$n" "$T/full" | cmp -s - "$T/half" ||
			{ echo "$cpus half-way: $n rows, not the first of the full listing"; rc=1; }
		grep -q "Input/output error" "$T/half.err" ||
			{ echo "$cpus half-way: $(cat "$T/half.err")"; rc=1; }
	done
fi
umount /run/netns/zz-uts
exit $rc
SCRIPT
	export T DUALSTAT RELPOP
	out=$(unshare -m -p -f --mount-proc "$BASH" "$T/allns.sh" 2>&1) ||
		fail "--all-netns: $out"
else
	echo "no PID namespace here: --all-netns is not compared" >&2
fi
echo "itest_concurrent: all passed"
