#!/bin/bash
# netns_axis.sh - the benchmark's namespace-count axis (issue 20 goal 4),
# run by run.sh
#
#   tests/bench/netns_axis.sh BUILDDIR RUNS N
#
# In a mount, PID and network namespace of its own (so /run/netns and
# /proc show our namespaces alone, and no one else's --all-netns meets
# them), nsfarm makes N network namespaces of 5 sockets each.  Then RUNS
# rounds (after one warm-up) of: the floor of listing them one after
# another (rawfloor --all-netns: each namespace's requests in turn), the
# same on two threads, and dualstat --all-netns -a, -s and --metrics, and
# -a pinned to one CPU.  Prints each median and its ratio to the floor
# of the same requests, one namespace after another (goal: <= 0.65).
# Needs root.  Exit status: 0, 1 if a command failed or the counts
# disagree.
set -eu

if [ "${DUALSTAT_BENCH_NETNS_AXIS:-}" != 1 ]; then
	DUALSTAT_BENCH_NETNS_AXIS=1 exec unshare -m -p -f --mount-proc -n \
		"$BASH" "$0" "$@"
fi
builddir=$1 runs=$2 n=$3
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
dualstat=$builddir/src/dualstat
rawfloor=$builddir/tests/bench/rawfloor
timer=$builddir/tests/bench/benchtime
tmp=$(mktemp -d)
mkdir -p /run/netns
mount -t tmpfs none /run/netns
coproc FARM { exec "$builddir/tests/bench/nsfarm" /run/netns "$n"; }
# shellcheck disable=SC2153 # coproc sets it
farm_pid=$FARM_PID
trap 'rm -rf "$tmp"' EXIT
if ! read -r word count <&"${FARM[0]}" || [ "$word" != ready ]; then
	echo "netns_axis.sh: nsfarm failed" >&2
	exit 1
fi

names=() floors=() cmds=()
add() {
	names+=("$1") floors+=("$2")
	shift 2
	local q
	printf -v q '%q ' "$@"
	cmds+=("$q")
}
add "floor -a" - "$rawfloor" --all-netns -a
add "conc floor -a" "floor -a" "$rawfloor" --concurrent --all-netns -a
add "floor -s" - "$rawfloor" --all-netns -s
add "floor --metrics" - "$rawfloor" --all-netns --metrics
add "dualstat -a" "floor -a" "$dualstat" --all-netns -a
add "dualstat -s" "floor -s" "$dualstat" --all-netns -s
add "dualstat --metrics" "floor --metrics" "$dualstat" --all-netns --metrics
add "dualstat -a, 1 CPU" "floor -a" taskset -c 0 "$dualstat" --all-netns -a

status=0
# The namespaces: ours and the N made; as many rows as sockets.
rows=$("$dualstat" --all-netns -aH | wc -l)
nsc=$("$dualstat" --all-netns -aH | awk '{ print $1 }' | sort -u | wc -l)
echo
echo "== $count network namespaces of 5 sockets (nsfarm), and ours"
echo "   load before: $(cut -d' ' -f1-3 /proc/loadavg);" \
	"counts: dualstat --all-netns -a $rows rows in $nsc namespaces"
if [ "$rows" != $((5 * count)) ] || [ "$nsc" != "$count" ]; then
	echo "netns_axis.sh: the counts disagree" >&2
	status=1
fi
bench_rounds netns_axis.sh 0 "$runs"
bench_medians
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '   %-20s %10s %8s %8s %12s\n' command "median ms" "x floor" "x conc" \
	"peak RSS KiB"
for i in "${!names[@]}"; do
	nm=${names[$i]} f=${floors[$i]}
	m=${median_us[$nm]}
	xf=- xc=-
	[ "$f" != - ] && xf=$(awk -v a="$m" -v b="${median_us[$f]}" \
		'BEGIN { printf "%.2f", a / b }')
	case $nm in "dualstat -a"*)
		xc=$(awk -v a="$m" -v b="${median_us[conc floor -a]}" \
			'BEGIN { printf "%.2f", a / b }') ;;
	esac
	printf '   %-20s %10.1f %8s %8s %12s\n' "$nm" \
		"$(awk -v a="$m" 'BEGIN { print a / 1000 }')" "$xf" "$xc" \
		"$(cut -d' ' -f2 "$tmp/run.$i" | sort -n | tail -1)"
done
# Its standard input closed, nsfarm unmounts the names and exits.
eval "exec ${FARM[1]}>&-"
wait "$farm_pid" || true
exit $status
