#!/bin/bash
# itest_replay.sh - --dump-raw then --replay gives the live run's output
# (root, private netns; skips with 77 otherwise)
set -eu
# Options lists are split on purpose: $opts is several words.
# shellcheck disable=SC2086
. "$(dirname "$0")/itest_lib.sh"
itest_enter_netns "$@"

# same_as_live OPTIONS...: record a live run, replay it with the same
# options, compare byte for byte.
same_as_live() {
	rm -f "$T/d.raw"
	"$DUALSTAT" "$@" --dump-raw "$T/d.raw" >"$T/live" ||
		fail "live run $* failed"
	"$DUALSTAT" "$@" --replay "$T/d.raw" >"$T/replay" ||
		fail "replay $* failed"
	cmp -s "$T/live" "$T/replay" ||
		fail "replay of $* differs: $(diff "$T/live" "$T/replay" | head)"
	[ -s "$T/live" ] || fail "live run $* printed nothing"
}

pop_start pop
for opts in -a -l "" -t -u -4 -6 -ae -a6u -l4; do
	same_as_live $opts
	same_as_live -j $opts
done
same_as_live -aH
# With kernel filters (bytecode) and user-space ones (v6only).
same_as_live --dual
same_as_live -a --sport 3128
same_as_live -l -m v6only
same_as_live -j -a --src ::1/128
# The population is 13 sockets (tests/relpop.c): replay lists them all.
same_as_live -a -j
[ "$(grep -c '"proto"' "$T/replay")" -eq 13 ] || fail "-a -j: not 13 rows"

# A dump of -a answers narrower views, filtered in user space, as the
# kernel would have for this (unchanging) population.
"$DUALSTAT" -a --dump-raw "$T/all.raw" >/dev/null
for opts in -l "" -t -6 -lu --dual "-a --dport 3128" "-l -m dual"; do
	"$DUALSTAT" $opts >"$T/live"
	"$DUALSTAT" $opts --replay "$T/all.raw" >"$T/replay"
	cmp -s "$T/live" "$T/replay" || fail "-a dump replayed with $opts differs"
done
# ... but a filtered dump answers only its own filter,
# (-t: the first request refused is then TCP's, not MPTCP's)
"$DUALSTAT" -t -a --sport 3128 --dump-raw "$T/f.raw" >/dev/null
expect_error 2 "replay .*holds no AF_INET/tcp dump of these states and filters" \
	"$DUALSTAT" -t -a --sport 8443 --replay "$T/f.raw"
# and a -l dump cannot answer -a: refused before any output.
"$DUALSTAT" -t -l --dump-raw "$T/l.raw" >/dev/null
expect_error 2 "replay .*holds no AF_INET/tcp dump" \
	"$DUALSTAT" -t -a --replay "$T/l.raw"
# -p lists in two passes (which sockets, then their owners): only the
# listing is recorded, so the replay answers from it.
: "${RAWMK:?}"
rm -f "$T/l.raw"
"$DUALSTAT" -l --dump-raw "$T/l.raw" >/dev/null
"$DUALSTAT" -l -p --dump-raw "$T/lp.raw" >/dev/null
[ "$("$RAWMK" requests "$T/lp.raw")" = "$("$RAWMK" requests "$T/l.raw")" ] ||
	fail "-l -p recorded other requests than -l:" \
		"$("$RAWMK" requests "$T/lp.raw" | tr '\n' ' ')"
pop_stop

# Dumps spread over several datagrams.
pop_start many 400
same_as_live -a
same_as_live -j -a
# A disk that fills up mid-dump (a 16 KiB tmpfs, ~100 KiB of replies): the
# run stops with one line and exit 2; JSON on stdout is still closed.
mkdir "$T/small"
if unshare -m true 2>/dev/null; then
	rc=0
	unshare -m "$BASH" -c 'mount -t tmpfs -o size=16k tmpfs "$1" &&
		exec "$2" -a -j --dump-raw "$1/d.raw"' sh "$T/small" "$DUALSTAT" \
		>"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "full tmpfs: exit $rc, not 2"
	[ "$(wc -l <"$T/err")" -eq 1 ] || fail "full tmpfs: $(cat "$T/err")"
	grep -q "dump-raw $T/small/d.raw: write error: No space left" "$T/err" ||
		fail "full tmpfs: $(cat "$T/err")"
	[ "$(tail -c 2 "$T/out")" = "]" ] || fail "full tmpfs: JSON not closed"
else
	echo "no mount namespace: full-disk-mid-dump case not run" >&2
fi
pop_stop

# Bad files: one line, exit 2, nothing on stdout, even with -j.
expect_error 2 "replay $T/none: No such file" \
	"$DUALSTAT" --replay "$T/none"
printf 'hello\n' >"$T/text"
expect_error 2 "not a dualstat raw dump" "$DUALSTAT" -j --replay "$T/text"
: >"$T/empty"
expect_error 2 "not a dualstat raw dump" "$DUALSTAT" --replay "$T/empty"
size=$(stat -c %s "$T/d.raw")
for cut in 20 100 1000 $((size / 2)) $((size - 1)); do
	head -c "$cut" "$T/d.raw" >"$T/cut"
	expect_error 2 "truncated|holds no" "$DUALSTAT" -a -j --replay "$T/cut"
done
expect_error 2 "replay .*: not a regular file" \
	"$DUALSTAT" --replay "$T"
# An existing path, a device included, is refused untouched.
expect_error 2 "dump-raw /dev/full: File exists" \
	"$DUALSTAT" -a --dump-raw /dev/full
expect_error 2 "dump-raw $T/no/such: No such file" \
	"$DUALSTAT" -a --dump-raw "$T/no/such"
expect_error 2 "cannot be combined" \
	"$DUALSTAT" --dump-raw "$T/x" --replay "$T/d.raw"
echo "itest_replay: all passed"
