#!/bin/bash
# run.sh - the dualstat benchmark (make bench, make bench-smoke; issue 5)
#
#   tests/bench/run.sh [--smoke] [-r RUNS] [-m MIX] [SIZE...]
#
# For each SIZE (sockets; default 10000 100000 200000, plus 1000000 when
# BENCH_1M=1), builds a population with popgen in a fresh network namespace
# and times, on that same population, RUNS rounds (default 5, after one
# warm-up round) of every command below, one after the other in each round
# so that noise on a shared machine hits all of them alike.  Prints the
# median wall time, its ratio to the raw-dump floor of the same requests
# and to the ss command that answers the same question, and the peak RSS.
#
# --smoke: 1000 sockets, one round; checks that everything builds, runs
# and agrees on the socket count (what CI runs; no timing is judged).
#
# Environment: BENCH_BUILDDIR (the build tree; default: this source tree),
# BENCH_SIZES, BENCH_RUNS, BENCH_MIX (a popgen -m mix), BENCH_1M=1,
# BENCH_NETSTAT=1 and BENCH_SS_P=1 (time netstat and ss -p past 200k
# sockets too: they are very slow), BENCH_SS_P=0 (never time ss -p).
# BENCH_NO_P=1 leaves out every -p row, for a quick run.  BENCH_OTHERS
# (default 120000; 0: none) is the number of UDP sockets put in another
# namespace for the -p memory check (issue 20) after the table.
# BENCH_NETNS (default 200; 0: none; 20 with --smoke) is the number of
# namespaces of 5 sockets for the --all-netns axis (netns_axis.sh).
# Needs root for the network namespace.  Exit status: 0, 1 if a command
# failed or the counts disagree, 77 if it cannot run here.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
builddir=${BENCH_BUILDDIR:-$(cd "$here/../.." && pwd)}
dualstat=$builddir/src/dualstat
popgen=$builddir/tests/bench/popgen
rawfloor=$builddir/tests/bench/rawfloor
walkfloor=$builddir/tests/bench/walkfloor
timer=$builddir/tests/bench/benchtime

smoke=0
runs=${BENCH_RUNS:-5}
mix=${BENCH_MIX:-}
sizes=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; runs=1 ;;
	-r) runs=$2; shift ;;
	-m) mix=$2; shift ;;
	--one) ;; # internal: we are inside the namespace
	-*) echo "usage: run.sh [--smoke] [-r RUNS] [-m MIX] [SIZE...]" >&2
	    exit 2 ;;
	*) sizes+=("$1") ;;
	esac
	shift
done
if [ ${#sizes[@]} -eq 0 ]; then
	if [ $smoke = 1 ]; then
		sizes=(1000)
	else
		read -r -a sizes <<<"${BENCH_SIZES:-10000 100000 200000}"
		[ "${BENCH_1M:-0}" = 1 ] && sizes+=(1000000)
	fi
fi

for p in "$dualstat" "$popgen" "$rawfloor" "$walkfloor" "$timer" \
	"$builddir/tests/bench/nsfarm"; do
	if [ ! -x "$p" ]; then
		echo "run.sh: $p is not built (make bench builds it)" >&2
		exit 1
	fi
done

# Each size gets a namespace of its own, so no TIME-WAIT left by the
# previous population's teardown is listed in the next one.
if [ "${DUALSTAT_BENCH_NETNS:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "run.sh: skipped: needs root for a network namespace" >&2
		exit 77
	fi
	if ! unshare -n true 2>/dev/null; then
		echo "run.sh: skipped: cannot unshare a network namespace" >&2
		exit 77
	fi
	echo "# dualstat benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# $(nproc) CPUs: $(sed -n 's/^model name[[:space:]]*: //p' \
		/proc/cpuinfo | head -1); kernel $(uname -r)"
	echo "# $(ss -V 2>&1 | head -1); $(netstat -V 2>&1 | head -1 ||
		echo 'no netstat')"
	echo "# runs per command: $runs (medians), mix: ${mix:-default}"
	status=0
	for size in "${sizes[@]}"; do
		args=(--one -r "$runs")
		[ $smoke = 1 ] && args+=(--smoke)
		[ -n "$mix" ] && args+=(-m "$mix")
		# A dump walks the whole established hash, by default one for
		# every namespace of the host (net/ipv4/inet_hashtables.c): on
		# a shared machine, other people's sockets would be timed too.
		# The namespace in between asks for private hashes in the one
		# it makes (tcp_child_ehash_entries, Linux 6.1; UDP, 6.2), sized
		# like the host's for up to 256k sockets.
		ehash=262144
		[ "$size" -gt 262144 ] && ehash=1048576
		DUALSTAT_BENCH_NETNS=1 unshare -n "$BASH" -c '
			sysctl -qw net.ipv4.tcp_child_ehash_entries="$1" \
				net.ipv4.udp_child_hash_entries=65536 \
				2>/dev/null || true
			shift
			exec unshare -n "$@"' sh "$ehash" "$0" "${args[@]}" \
			"$size" || status=1
	done
	# Issue 20: the namespace-count axis, BENCH_NETNS namespaces of 5
	# sockets in a mount and PID namespace of their own.
	nns=${BENCH_NETNS:-200}
	[ $smoke = 1 ] && nns=20
	if [ "$nns" -gt 0 ]; then
		if unshare -m -p -f --mount-proc true 2>/dev/null; then
			"$here/netns_axis.sh" "$builddir" "$runs" "$nns" ||
				status=1
		else
			echo "   (namespace axis skipped: no PID namespace here)"
		fi
	fi
	exit $status
fi

# --- Inside the namespace: one size. ---
size=${sizes[0]}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

popgen_args=()
[ -n "$mix" ] && popgen_args+=(-m "$mix")
coproc POP { exec "$popgen" "${popgen_args[@]}" "$size" 2>"$tmp/popgen.err"; }
popgen_pid=$POP_PID
if ! read -r word count <&"${POP[0]}" || [ "$word" != ready ]; then
	echo "run.sh: popgen failed: $(cat "$tmp/popgen.err")" >&2
	exit 1
fi

# The command table: name, floor to compare with (or the sum of two,
# "A+B"), ss to compare with, and the command itself (words; quoted with
# %q where they are paths).
names=() floors=() sses=() cmds=()
notes=""
add() {
	names+=("$1") floors+=("$2") sses+=("$3")
	shift 3
	local q
	printf -v q '%q ' "$@"
	cmds+=("$q")
}
has_option() {
	"$dualstat" "$@" -H >/dev/null 2>&1
}

add "floor -a" - - "$rawfloor" -a
add "floor -l" - - "$rawfloor" -l
add "floor -a -6" - - "$rawfloor" -a -6
# Issue 13: the same requests at once, one socket and thread each; and
# every /proc/PID/fd link read once, by one thread per CPU.
add "conc floor -a" "floor -a" - "$rawfloor" --concurrent -a
add "walk floor" - - "$walkfloor"
# What asking TCP for bound-inactive sockets (idiag_states bit 13, which
# -a does as current ss does) costs the kernel: its bind hash walk.
add "floor -a w/o bit13" - - "$rawfloor" --no-bound-inactive -a
add "dualstat -a" "floor -a" "ss -tuan" "$dualstat" -a
add "dualstat -a -j" "floor -a" "ss -tuan" "$dualstat" -a -j
add "dualstat -s -a" "floor -a" - "$dualstat" -s -a
if has_option --dual; then
	add "floor --dual" - - "$rawfloor" --dual
	add "dualstat --dual" "floor --dual" "ss -tuanHe -6" "$dualstat" --dual
fi
add "dualstat -l" "floor -l" "ss -tuln" "$dualstat" -l
# Issue 9: a policy must cost no more than the question it asks.  A
# 10-exception policy in --check -q, against plain dualstat -l ("x floor"
# is against that row here); a kernel-filtered FILTER against the floor
# of the same requests (bytecode included) and against ss with it.
if has_option -l 'sport = :1'; then
	{
		echo "# 10 exceptions: no dual listener but these"
		echo "mode dual and not ("
		for p in 22 25 53 80 443 993 3128 5432 8080; do
			echo "	sport = :$p or"
		done
		echo "	sport = :8443 )"
	} >"$tmp/policy"
	add "policy --check -q" "dualstat -l" - "$dualstat" --check -q -l \
		-F "$tmp/policy"
	add "policy --check" "dualstat -l" - "$dualstat" --check -l \
		-F "$tmp/policy"
	filter='dst 10.0.0.0/8 and not dport = :443'
	add "floor FILTER" - - "$rawfloor" -a "$filter"
	add "dualstat -a FILTER" "floor FILTER" "ss -tuan FILTER" \
		"$dualstat" -a "$filter"
	add "ss -tuan FILTER" "floor FILTER" - ss -tuan "$filter"
	# Issue 18 item 6: the probe of the kernel's program must cost no
	# more than an empty answer, so a UDP listing with a filter stays
	# at the floor of its kernel-filtered requests (run.sh -m u4=1
	# 120000 makes the population the issue names).
	add "floor -u FILTER" - - "$rawfloor" -u -a 'sport = :1'
	add "dualstat -u FILTER" "floor -u FILTER" - "$dualstat" -u -a \
		'sport = :1'
fi
# Issue 19: a policy that names 20 services costs no more than 1.2x the
# same policy written with 20 ports.  Both are "not ( 20 exceptions )"
# over every socket (-a), no socket in any of them, so the kernel runs 20
# conditions on each socket either way: cgroup ids (units made for the
# run under cgroup v2, removed at exit) against ports.
cgroot=
for c in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[ "$(stat -fc %T "$c" 2>/dev/null)" = cgroup2fs ] && cgroot=$c && break
done
units=()
if has_option -l 'uid 0' && [ -n "$cgroot" ] &&
	mkdir "$cgroot/dualstat-bench-$$-0.service" 2>/dev/null; then
	units+=("dualstat-bench-$$-0.service")
	for i in $(seq 1 19); do
		mkdir "$cgroot/dualstat-bench-$$-$i.service"
		units+=("dualstat-bench-$$-$i.service")
	done
	trap 'for u in "${units[@]}"; do rmdir "$cgroot/$u"; done
		rm -rf "$tmp"' EXIT
	{
		echo "not ("
		for i in "${!units[@]}"; do
			[ "$i" -gt 0 ] && printf ' or'
			printf ' unit %s\n' "${units[$i]}"
		done
		echo ")"
	} >"$tmp/policy-units"
	{
		echo "not ("
		for i in $(seq 0 19); do
			[ "$i" -gt 0 ] && printf ' or'
			printf ' sport = :%d\n' $((1 + i))
		done
		echo ")"
	} >"$tmp/policy-ports"
	add "policy 20 ports" "floor -a" - "$dualstat" --check -a \
		-F "$tmp/policy-ports"
	add "policy 20 units" "policy 20 ports" - "$dualstat" --check -a \
		-F "$tmp/policy-units"
else
	notes+="   (policy 20 units skipped: no cgroup v2 to make units in)"$'\n'
fi
add "ss -tuan" "floor -a" - ss -tuan
add "ss -tuanHe -6" "floor -a -6" - ss -tuanHe -6
add "ss -tuln" "floor -l" - ss -tuln
# netstat reads /proc/net/tcp, which gets slower than linear: 77 s a run
# at 1M sockets here.  Past 200k it runs only when asked.
if ! command -v netstat >/dev/null; then
	notes+="   (netstat not installed: skipped)"$'\n'
elif [ "$size" -gt 200000 ] && [ "${BENCH_NETSTAT:-0}" != 1 ]; then
	notes+="   (netstat skipped past 200k sockets; BENCH_NETSTAT=1 runs it)"$'\n'
else
	add "netstat -tuan" "floor -a" "ss -tuan" netstat -tuan
fi
if [ "${BENCH_NO_P:-0}" = 1 ]; then
	notes+="   (-p rows skipped: BENCH_NO_P=1)"$'\n'
elif has_option -a -p; then
	add "dualstat -a -p" "floor -a+walk floor" "ss -tuanp" \
		"$dualstat" -a -p
	add "dualstat -l -p" "floor -l+walk floor" "ss -tulnp" \
		"$dualstat" -l -p
	# ss -p looks each socket up in its own map of every descriptor,
	# but grows worse than linearly (19 s a run at 200k sockets here):
	# past 200k it runs only when asked.
	if [ "${BENCH_SS_P:-}" = 0 ]; then
		notes+="   (ss -p skipped: BENCH_SS_P=0)"$'\n'
	elif [ "$size" -gt 200000 ] && [ "${BENCH_SS_P:-}" != 1 ]; then
		notes+="   (ss -p skipped past 200k sockets; BENCH_SS_P=1 runs it)"$'\n'
	else
		add "ss -tuanp" "floor -a" - ss -tuanp
		add "ss -tulnp" "floor -l" - ss -tulnp
	fi
fi

# The counts must agree, or the timings compare different work.
floor_count=$("$rawfloor" -a | cut -d' ' -f1)
rows=$("$dualstat" -aH | wc -l)
ss_rows=$(ss -tuanH | wc -l)
echo
echo "== $count sockets (popgen $(sed 's/^popgen: //' "$tmp/popgen.err"))"
echo "   load before: $(cut -d' ' -f1-3 /proc/loadavg);" \
	"hashes: tcp $(sysctl -n net.ipv4.tcp_ehash_entries 2>/dev/null)," \
	"udp $(sysctl -n net.ipv4.udp_hash_entries 2>/dev/null)" \
	"(negative: shared with the host)"
echo "   counts: popgen $count, floor -a $floor_count," \
	"dualstat -a $rows rows, ss -tuan $ss_rows rows"
printf '%s' "$notes"
status=0
if [ "$floor_count" != "$count" ] || [ "$rows" != "$count" ] ||
	[ "$ss_rows" != "$count" ]; then
	echo "run.sh: the socket counts disagree" >&2
	status=1
fi

# Round 0 warms the caches (not in a smoke run); --check answers 1 when
# it found something: not a failure.
first=0
[ $smoke = 1 ] && first=1
bench_rounds run.sh "$first" "$runs" '^policy (--check|20)'
bench_medians
echo "   load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# "x conc": against the floor of the same requests all at once, for the
# rows compared with floor -a (issue 20: -a is judged against it).
printf '   %-18s %10s %8s %8s %8s %12s\n' command "median ms" "x floor" \
	"x conc" "x ss" "peak RSS KiB"
for i in "${!names[@]}"; do
	n=${names[$i]} f=${floors[$i]} s=${sses[$i]}
	m=${median_us[$n]}
	rss=$(cut -d' ' -f2 "$tmp/run.$i" | sort -n | tail -1)
	xf=-
	xs=-
	xc=-
	[ "$f" = "floor -a" ] &&
		xc=$(awk -v a="$m" -v b="${median_us[conc floor -a]}" \
			'BEGIN { printf "%.2f", a / b }')
	if [ "$f" != - ]; then
		b=0
		IFS=+ read -r -a parts <<<"$f"
		for p in "${parts[@]}"; do
			b=$((b + ${median_us[$p]%.*}))
		done
		xf=$(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.2f", a / b }')
	fi
	[ "$s" != - ] && [ -n "${median_us[$s]:-}" ] &&
		xs=$(awk -v a="$m" -v b="${median_us[$s]}" \
			'BEGIN { printf "%.2f", a / b }')
	printf '   %-18s %10.1f %8s %8s %8s %12s\n' "$n" \
		"$(awk -v a="$m" 'BEGIN { print a / 1000 }')" "$xf" "$xc" "$xs" \
		"$rss"
done

# Issue 20: -p keeps owners only for the sockets it lists.  The peak RSS
# of dualstat -a -p (median of the runs), then the same with
# BENCH_OTHERS UDP sockets in a namespace of their own, made from this
# one (so they share its UDP hash, as on a host), and the ratio.
others=${BENCH_OTHERS:-120000}
[ $smoke = 1 ] && others=1000
if [ "${BENCH_NO_P:-0}" != 1 ] && [ "$others" -gt 0 ] &&
	has_option -a -p; then
	p_rss() {
		local k
		for ((k = 0; k < runs; k++)); do
			"$timer" "$dualstat" -a -p 2>/dev/null | cut -d' ' -f4
		done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
	}
	rss_none=$(p_rss)
	mkfifo "$tmp/others.in" "$tmp/others.out"
	unshare -n "$popgen" -m u4=1 "$others" <"$tmp/others.in" \
		>"$tmp/others.out" 2>"$tmp/others.err" &
	others_pid=$!
	exec {others_in}>"$tmp/others.in"
	if read -r word ocount <"$tmp/others.out" && [ "$word" = ready ]; then
		rss_others=$(p_rss)
		echo "   -p memory: dualstat -a -p peak RSS $rss_none KiB;" \
			"with $ocount UDP sockets in another namespace" \
			"$rss_others KiB: x$(awk -v a="$rss_others" \
			-v b="$rss_none" 'BEGIN { printf "%.2f", a / b }')"
	else
		echo "run.sh: popgen for other namespaces failed:" \
			"$(cat "$tmp/others.err")" >&2
		status=1
	fi
	exec {others_in}>&-
	wait "$others_pid" || true
fi

exec {POP[1]}>&-
wait "$popgen_pid" || true
exit $status
