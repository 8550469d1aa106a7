#!/bin/bash
# record.sh - re-record the raw dumps in tests/data (root; run from the
# build tree: tests/data/record.sh BUILDDIR).  Each population is opened by
# tests/relpop in a private network namespace; the dump, dualstat's live
# JSON and `ss -tuane` of the same moment are kept side by side.
set -eu
b=${1:-.}
d=$(cd "$(dirname "$0")" && pwd)
# Each population in a namespace of its own: no TIME-WAIT left over from
# the one before.
record() { # name relpop-args dualstat-options
	unshare -n env RECORD_IN_NETNS=1 "$0" "$b" "$@"
}
if [ -n "${RECORD_IN_NETNS:-}" ]; then
	ip link set lo up
	name=$2 pop=$3 opts=$4
	coproc POP { exec "$b/tests/relpop" $pop; }
	read -r _ <&"${POP[0]}"
	"$b/src/dualstat" $opts -j --dump-raw "$d/$name.raw" >"$d/$name.json"
	ss -tuane >"$d/$name.ss"
	fd=${POP[1]}
	exec {fd}>&-
	wait
	exit 0
fi
record pop-a pop "-a"
record pop-l pop "-l"
record many-a "many 300" "-a"
# many-a's JSON and ss listing are large and say nothing the population
# does not: only its dump is kept.
rm -f "$d/many-a.json" "$d/many-a.ss"
