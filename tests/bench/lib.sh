# shellcheck shell=bash
# lib.sh - sourced by run.sh and netns_axis.sh: time the commands, take
# their medians.  The caller has set names[] and cmds[] (each command
# quoted with printf %q), timer (benchtime), tmp (a scratch directory)
# and status.

# bench_rounds PROG FIRST RUNS [OK1]: runs every command in rounds FIRST
# to RUNS; round 0 warms the caches and is not counted.  Appends
# "wall rss" to $tmp/run.I.  A command that exits with anything but 0
# sets status=1 and is named on stderr after PROG, except 1 for a name
# matching the extended regular expression OK1 (a --check that found
# something).
bench_rounds() {
	local prog=$1 first=$2 runs=$3 ok1=${4:-} r i wall rss code
	for ((r = first; r <= runs; r++)); do
		for i in "${!names[@]}"; do
			read -r wall _ _ rss code < <(eval \
				"$(printf %q "$timer") ${cmds[$i]}")
			if [ -n "$ok1" ] && [[ ${names[$i]} =~ $ok1 ]] &&
				[ "$code" = 1 ]; then
				code=0
			fi
			if [ "$code" != 0 ]; then
				echo "$prog: ${names[$i]} exited with $code" >&2
				status=1
			fi
			[ "$r" -gt 0 ] && echo "$wall $rss" >>"$tmp/run.$i"
		done
	done
}

# bench_medians: median_us[NAME], the median wall time of each command.
bench_medians() {
	local i
	declare -gA median_us
	for i in "${!names[@]}"; do
		median_us[${names[$i]}]=$(cut -d' ' -f1 "$tmp/run.$i" |
			sort -n | awk '{ v[NR] = $1 } END {
			print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
	done
}
