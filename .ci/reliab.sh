#!/bin/bash
# apt: clang libclang-rt-14-dev valgrind iproute2 util-linux
#
# reliab.sh - reliability CI (issue 6): make check under ASan and UBSan,
# each libFuzzer target for a bounded time, valgrind on real listings.
#
# Assumes the tree is configured and built (as .ci/run leaves it), as root
# for the namespace tests.  The sanitizer and fuzzer builds are out of
# tree, from a clean copy made by `make distdir` (automake refuses to
# build out of tree beside a configured source tree).  Any test failure,
# sanitizer report, fuzzer crash, leak or timeout fails the script.
# FUZZ_SECONDS (default 60) bounds each fuzzer.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
fuzz_seconds=${FUZZ_SECONDS:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

say() { printf '== reliab: %s\n' "$*"; }

make -C "$top" distdir distdir="$work/dualstat" >/dev/null
cd "$work/dualstat"

## 1. make check under the sanitizers.
say "sanitizer build (address,undefined) in build-san"
mkdir build-san
(
	cd build-san
	../configure --enable-sanitizers --enable-werror >/dev/null
	make -j2 >/dev/null
	# Leak checking is on by default; a harness may turn it off for
	# itself (itest_netns: pid 1 of a pid namespace), which naming
	# detect_leaks here would override.
	export ASAN_OPTIONS=detect_stack_use_after_return=1
	export UBSAN_OPTIONS=print_stacktrace=1
	if ! make check; then
		cat test-suite.log
		exit 1
	fi
	if grep -l 'Sanitizer\|runtime error' tests/*.log; then
		say "sanitizer report in the logs above"
		exit 1
	fi
)

## 2. The fuzzers, FUZZ_SECONDS each, from the seed corpora.
say "fuzzer build (clang, libFuzzer) in build-fuzz"
mkdir build-fuzz
(
	cd build-fuzz
	../configure CC=clang --enable-fuzzer >/dev/null
	make -j2 >/dev/null
	# fuzz_main replays through main.c itself: the replay seeds.
	for f in replay cli main; do
		seeds=$f
		[ "$f" != main ] || seeds=replay
		say "fuzz_$f for ${fuzz_seconds}s"
		mkdir "$work/corpus-$f"
		if ! ./tests/fuzz/fuzz_$f -max_total_time="$fuzz_seconds" \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$work/crash-$f-" \
			"$work/corpus-$f" ../tests/fuzz/corpus-$seeds \
			2>"$work/fuzz-$f.log"; then
			tail -n 60 "$work/fuzz-$f.log"
			say "fuzz_$f found a crash"
			exit 1
		fi
		grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' \
			"$work/fuzz-$f.log" || true
	done
)

## 3. valgrind: a full listing of a real population, and a replay.
say "valgrind"
make -C "$top" src/dualstat tests/relpop >/dev/null
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible "$@"
}
vg "$top/src/dualstat" -ae --replay "$top/tests/data/many-a.raw" >/dev/null
if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
	unshare -n bash -c '
		set -eu
		ip link set lo up
		coproc POP { exec "$1/tests/relpop" many 1000; }
		read -r _ <&"${POP[0]}"
		shift
		d=$(mktemp -d)
		"$@" -ae -j --dump-raw "$d/vg.raw" >/dev/null
		rm -rf "$d"
		fd=${POP[1]}
		exec {fd}>&-
		wait' sh "$top" valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect,possible \
		"$top/src/dualstat"
else
	say "not root: valgrind on a live population skipped"
fi
say "all passed"
