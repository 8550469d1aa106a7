#!/bin/sh
# cli_errors.sh - bad command lines: one line on stderr, exit 2, no stdout
#
# Needs no root: usage errors are found before any socket is opened.

: "${DUALSTAT:=./src/dualstat}"
fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# check EXPECTED-STDERR-LINE ARG...
check() {
	want=$1
	shift
	"$DUALSTAT" "$@" >"$out" 2>"$err"
	status=$?
	if [ "$status" -ne 2 ]; then
		echo "FAIL: dualstat $*: exit $status, want 2"
		fail=1
	fi
	if [ -s "$out" ]; then
		echo "FAIL: dualstat $*: wrote to stdout: $(head -c 200 "$out")"
		fail=1
	fi
	if [ "$(wc -l <"$err")" -ne 1 ] || [ "$(cat "$err")" != "$want" ]; then
		echo "FAIL: dualstat $*: stderr is '$(cat "$err")'"
		echo "      want '$want'"
		fail=1
	fi
}

hint="(see dualstat --help)"
check "dualstat: unknown option '-x' $hint" -x
check "dualstat: unknown option '-z' $hint" -tz
check "dualstat: unknown or ambiguous option '--bogus' $hint" --bogus
check "dualstat: option '--json' takes no argument $hint" --json=1
check "dualstat: unexpected argument 'state' $hint" state listening
check "dualstat: -H/--no-header and -j/--json cannot be combined $hint" -jH

# Help and version go to stdout and succeed.
if ! "$DUALSTAT" --help | grep -q '^Usage: dualstat '; then
	echo "FAIL: --help does not print the usage on stdout"
	fail=1
fi
if ! "$DUALSTAT" -V | grep -Eq '^dualstat [0-9]+\.[0-9]+'; then
	echo "FAIL: -V does not print the version"
	fail=1
fi

[ "$fail" -eq 0 ] && echo "cli_errors: all checks passed"
exit "$fail"
