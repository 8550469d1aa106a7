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
check "dualstat: -N/--netns and --all-netns cannot be combined $hint" \
	-N blue --all-netns
check "dualstat: option '-N' needs an argument $hint" -l -N
# Found when opening it, still before any output; no root needed.
check "dualstat: network namespace dualstat-no-such-ns: No such file or directory" \
	-j -N dualstat-no-such-ns

# Filters (issue 3): malformed prefixes, ports, modes, states, and
# combinations that can never match.
range="prefix length out of range (0-32 for IPv4, 0-128 for IPv6)"
check "dualstat: --src: '10.0.0.0/33': $range $hint" --src 10.0.0.0/33
check "dualstat: --dst: '::ffff:1.2.3.4/200': $range $hint" \
	--dst ::ffff:1.2.3.4/200
check "dualstat: --src: 'abc' is not an IPv4 or IPv6 address or prefix $hint" \
	--src abc
check "dualstat: --sport: '65536' is not a port number (0-65535) $hint" \
	--sport 65536
check "dualstat: --dport: '-1' is not a port number (0-65535) $hint" \
	--dport=-1
check "dualstat: -m/--mode: unknown mode 'dual6' (modes: v4, v6, v6only, dual, mapped) $hint" \
	-m v4,dual6
check "dualstat: --state: unknown state 'estab' (ss names: established, listen, time-wait, connected, all...) $hint" \
	--state estab
check "dualstat: -4 and -m dual can never match: those sockets are AF_INET6 (use -6 or drop -4) $hint" \
	-4 -m dual -l
check "dualstat: -4 and --dual can never match: those sockets are AF_INET6 (use -6 or drop -4) $hint" \
	--dual -4
check "dualstat: -6 and -m v4 can never match: v4 sockets are AF_INET $hint" \
	-6 -m v4
check "dualstat: -m dual matches only listening or unconnected sockets: add -l or -a $hint" \
	-m dual
check "dualstat: --check and -s/--summary cannot be combined $hint" \
	--check -s
# A namespace argument with a newline and an escape stays on one line.
check "dualstat: network namespace /nonexistent/a\\nb\\x1b[2J: No such file or directory" \
	-N "$(printf '/nonexistent/a\nb\033[2J')"
check "dualstat: -q/--quiet needs --check $hint" -q
check "dualstat: --dual and -m/--mode cannot be combined (--dual is -a -m dual,mapped) $hint" \
	--dual -m v4
# --metrics=FILE that cannot be written, named on one line.
check "dualstat: --metrics /nonexistent/a\\nb\\x1b[2J: No such file or directory" \
	--metrics="$(printf '/nonexistent/a\nb\033[2J')"
check "dualstat: --metrics /: Is a directory" --metrics=/
check "dualstat: --metrics and -s/--summary cannot be combined $hint" \
	--metrics -s

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
