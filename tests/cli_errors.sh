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
check "dualstat: filter: column 7: unknown state 'listen1' (ss names: established, listening, time-wait, connected, all...; or as the table shows them: ESTAB, LISTEN, UNCONN...) $hint" state listen1
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
check "dualstat: --sport: '65536' is not a port number (0-65535) or a service name $hint" \
	--sport 65536
check "dualstat: --dport: '-1' is not a port number (0-65535) or a service name $hint" \
	--dport=-1
check "dualstat: -m/--mode: unknown mode 'dual6' (modes: v4, v6, v6only, dual, mapped) $hint" \
	-m v4,dual6
check "dualstat: --state: unknown state 'estab1' (ss names: established, listen, time-wait, connected, all...; or as the table shows them: ESTAB, LISTEN, UNCONN...) $hint" \
	--state estab1
# A long bad name is shown whole up to 64 bytes, then cut with "...",
# as every other quoted argument is (it was cut at 31 bytes, silently).
a40=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
a64=$a40$(printf '%24s' '' | tr ' ' b)
check "dualstat: -m/--mode: unknown mode '$a40' (modes: v4, v6, v6only, dual, mapped) $hint" \
	-m "v4,$a40"
check "dualstat: --state: unknown state '$a64...' (ss names: established, listen, time-wait, connected, all...; or as the table shows them: ESTAB, LISTEN, UNCONN...) $hint" \
	--state "listen,${a64}cc"
# Filters that can never match (issues 9 and 11): refused from one
# analysis, before any socket is opened.
check "dualstat: the filter can never match: no AF_INET (-4) socket passes it" \
	-4 -m dual -l
check "dualstat: the filter can never match: no AF_INET (-4) socket passes it" \
	--dual -4
check "dualstat: the filter can never match: no AF_INET6 (-6) socket passes it" \
	-6 -m v4
check "dualstat: the filter can never match the connected sockets listed by default (add -l or -a)" \
	-m dual
# No state guarantees a peer port (issue 18.1): -l --dport 22 and
# --dport 0 are not refused any more.  Raw IPv6 is v6only in every
# state (18.4), and bit 13 has its name (18.12).
check "dualstat: the filter can never match: no AF_INET6 (-6) socket passes it" \
	-w -6 -a 'mode dual'
check "dualstat: the filter can never match: no udp socket is ever in the states asked for (BOUND-INACTIVE)" \
	-u --state bound-inactive
check "dualstat: the filter can never match: no udp socket is ever in the states asked for (TIME-WAIT)" \
	-u --state time-wait
check "dualstat: the filter can never match: no udp socket is ever in the states asked for (LISTEN)" \
	-u --state listen
check "dualstat: the filter can never match: no AF_INET or AF_INET6 socket passes it" \
	--check -a 'mode v4 and mode dual'
# A FILTER that does not parse: the token and its column.
check "dualstat: filter: column 22: expected a port after 'sport =' $hint" \
	-l 'mode dual and sport ='
check "dualstat: filter: column 9: 'nosuch-svc' is neither a port number nor a service name $hint" \
	'sport = nosuch-svc'
# The end is where the last token ended (issue 18.12), not past the
# file's last newline.
printf '# policy\nmode dual and\n  not ( sport = :22 or\n' >"$out.policy"
check "dualstat: filter file $out.policy: line 3, column 23: expected a term, not the end $hint" \
	-l -F "$out.policy"
printf '( sport = :22\n' >"$out.policy"
check "dualstat: filter file $out.policy: line 1, column 14: expected ')', not the end $hint" \
	-l -F "$out.policy"
check "dualstat: filter: line 2, column 1: unknown term 'x' (terms: sport, dport, src, dst, dev, autobound, mode, v6only, cgroup, unit, container, uid, user, pid, process) $hint" \
	-l "sport = :22 or
x"
# A file of exactly 65535 bytes is accepted; one byte more is not.
{ printf 'sport = :22 #'; head -c 65522 /dev/zero | tr '\0' x; } >"$out.policy"
"$DUALSTAT" -F "$out.policy" -N dualstat-no-such-ns >/dev/null 2>"$err"
if [ "$(wc -c <"$out.policy")" -ne 65535 ] || grep -q 'longer than' "$err"; then
	echo "FAIL: a 65535-byte -F file: $(cat "$err")"
	fail=1
fi
printf x >>"$out.policy"
check "dualstat: -F $out.policy: longer than 65535 bytes $hint" -F "$out.policy"
: >"$out.policy"
check "dualstat: -F $out.policy: empty file $hint" -l -F "$out.policy"
rm -f "$out.policy"
check "dualstat: --check and -s/--summary cannot be combined $hint" \
	--check -s
# The names the table prints are state names (issue 11): accepted, and
# (without root) refused only later, for the socket, not as a state.
for state in LISTEN ESTAB UNCONN TIME-WAIT SYN-RECV Time-Wait; do
	"$DUALSTAT" --state "$state" --check -q -N dualstat-no-such-ns \
		>/dev/null 2>"$err"
	if grep -q 'unknown state' "$err"; then
		echo "FAIL: --state $state refused: $(cat "$err")"
		fail=1
	fi
done
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
