#!/bin/bash
# trust_edges.sh - the paths dualstat opens and creates, the names it
# prints on stderr, its standard descriptors (issue 14, items 2-5 and 10)
#
# Needs no root: every case fails before or without a privileged call.
set -u
: "${DUALSTAT:?}" "${RAWMK:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

# one_line STATUS PATTERN CMD...: CMD exits STATUS (not 124: it did not
# hang), writes nothing on stdout and one line on stderr matching PATTERN.
one_line() {
	local want=$1 pattern=$2 rc=0
	shift 2
	timeout 10 "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	[ "$rc" -eq "$want" ] || no "$*: exit $rc, not $want"
	[ ! -s "$T/out" ] || no "$*: wrote to stdout"
	[ "$(wc -l <"$T/err")" -eq 1 ] ||
		no "$*: stderr is not one line: $(head -c 300 "$T/err" | od -c | head -n 4)"
	grep -Eq -- "$pattern" "$T/err" ||
		no "$*: stderr lacks '$pattern': $(head -c 300 "$T/err")"
}

"$RAWMK" missing "$T/good.raw" || exit 1

## Item 2: --dump-raw creates a new file, 0600, never through a symlink.
echo precious >"$T/target"
ln -s "$T/target" "$T/link"
one_line 2 "dump-raw .*/link: File exists" \
	"$DUALSTAT" -l --dump-raw "$T/link"
[ "$(cat "$T/target")" = precious ] || no "symlink target overwritten"
echo planted >"$T/planted"
one_line 2 "dump-raw .*/planted: File exists" \
	"$DUALSTAT" -l --dump-raw "$T/planted"
[ "$(cat "$T/planted")" = planted ] || no "planted file overwritten"
(umask 022 && "$DUALSTAT" -l --dump-raw "$T/new.raw" >/dev/null) ||
	no "--dump-raw to a new file failed"
[ "$(stat -c %a "$T/new.raw")" = 600 ] ||
	no "--dump-raw file mode $(stat -c %a "$T/new.raw"), not 600"

## Item 3: a FIFO or a device never hangs nor is used.
mkfifo "$T/fifo"
one_line 2 "replay .*/fifo: not a regular file" \
	"$DUALSTAT" -l --replay "$T/fifo"
one_line 2 "replay /dev/null: not a regular file" \
	"$DUALSTAT" -l --replay /dev/null
one_line 2 "replay .*: not a regular file" "$DUALSTAT" -l --replay "$T"
one_line 2 "dump-raw .*/fifo: File exists" \
	"$DUALSTAT" -l --dump-raw "$T/fifo"
one_line 2 "network namespace .*/fifo: not a network namespace" \
	"$DUALSTAT" -l -N "$T/fifo"
one_line 2 "network namespace /dev/null: not a network namespace" \
	"$DUALSTAT" -l -N /dev/null
one_line 2 "network namespace .*/good.raw: not a network namespace" \
	"$DUALSTAT" -l -N "$T/good.raw"

## Item 4: hostile file names reach stderr escaped, on one line.
bad="$T/x"$'\e[31m\nforged line'
one_line 2 'replay .*/x\\x1b\[31m\\nforged line: No such file' \
	"$DUALSTAT" -l --replay "$bad"
one_line 2 'dump-raw .*/nodir/x\\x1b\[31m\\nforged line: No such file' \
	"$DUALSTAT" -l --dump-raw "$T/nodir/x"$'\e[31m\nforged line'
cp "$T/good.raw" "$bad"
printf 'garbage' >>"$bad"
one_line 2 'replay .*/x\\x1b\[31m\\nforged line: ' \
	"$DUALSTAT" -l --replay "$bad"

## Item 5: a closed stdout is an error, never a lost table and exit 0.
rc=0
"$DUALSTAT" -a -t --replay "$T/good.raw" >&- 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || no "stdout closed: exit $rc, not 2"
[ "$(wc -l <"$T/err")" -eq 1 ] || no "stdout closed: stderr: $(cat "$T/err")"
grep -q "write error" "$T/err" || no "stdout closed: $(cat "$T/err")"
rc=0
"$DUALSTAT" -a >&- 2>"$T/err" || rc=$?
[ "$rc" -eq 2 ] || no "stdout closed (kernel): exit $rc, not 2"
grep -q "write error" "$T/err" || no "stdout closed (kernel): $(cat "$T/err")"
# Closed stdin and stderr: the listing is whole all the same.
rc=0
"$DUALSTAT" -a -t -j --replay "$T/good.raw" <&- 2>&- >"$T/out" || rc=$?
[ "$rc" -eq 0 ] || no "stdin and stderr closed: exit $rc"
grep -q '"local_port":22,' "$T/out" || no "stdin and stderr closed: no rows"

## Item 10: --help and -V into a full disk: one line, exit 2.
for opt in --help -V; do
	rc=0
	"$DUALSTAT" "$opt" >/dev/full 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || no "$opt >/dev/full: exit $rc, not 2"
	[ "$(wc -l <"$T/err")" -eq 1 ] &&
		grep -q "No space left on device" "$T/err" ||
		no "$opt >/dev/full: stderr: $(cat "$T/err")"
done

[ "$fail" -eq 0 ] && echo "trust_edges: all passed"
exit "$fail"
