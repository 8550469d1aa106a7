#!/bin/bash
# completion.sh - the bash completion, sourced into a real bash with the
# bash-completion package, completes options, modes, states and -N names
#
# The long options expected are read from cli.c's option table, not from
# --help (which the completion itself reads).  -N's names come from
# /run/netns: the test makes two with ip netns add, in a private mount
# namespace so the host's /run/netns is neither seen nor touched.  Skips
# (77) without root or the bash-completion package.
set -eu

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${COMPLETION:?COMPLETION must name contrib/bash-completion/dualstat}"
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}
CLI_C=${CLI_C:-$(dirname "$COMPLETION")/../../src/cli.c}

RELPOP=unused
# shellcheck source=tests/itest_lib.sh
. "$(dirname "$0")/itest_lib.sh"

[ -r "$BASH_COMPLETION" ] ||
	skip "no $BASH_COMPLETION (Debian: apt-get install bash-completion)"
if [ -z "${COMPLETION_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root for a private /run/netns"
	unshare --mount true 2>/dev/null || skip "unshare --mount refused here"
	# exec skips the EXIT trap: the re-run makes its own $T.
	rm -rf "$T"
	COMPLETION_INNER=1 exec unshare --mount "$BASH" "$0" "$@"
fi
mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns || fail "cannot mount a tmpfs on /run/netns"
ip netns add blue || fail "ip netns add blue"
ip netns add bluegreen || fail "ip netns add bluegreen"

# complete WORD...: the completions bash offers for the last word, one per
# line, sorted, as it would after "dualstat WORD... <TAB>".
complete_words() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	"$BASH" --norc --noprofile -c '
		. "$1"; . "$2"; shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_comp_dualstat "$1" "${COMP_WORDS[COMP_CWORD]}" \
			"${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' \
		sh "$BASH_COMPLETION" "$COMPLETION" "$DUALSTAT" "$@"
}

expect() {
	local want=$1 got
	shift
	got=$(complete_words "$@" | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "dualstat $* <TAB>: got '$got', want '$want'"
}

# Every long option of cli.c's table, and nothing else, after "--".
want=$(grep -oE '^	\{ "[a-z0-9-]+"' "$CLI_C" | sed -E 's/.*"(.*)"/--\1/' |
	sed 's/^--metrics-listeners$/--metrics-listeners=/' | sort | tr '\n' ' ')
[ -n "$want" ] || fail "no options read from $CLI_C"
expect "$want" --
expect "--metrics --metrics-listeners= " --met
expect "--all --all-netns " --al
expect "-s " -s
expect "dual " -m d
expect "v6 v6only " --mode v6
expect "v4,dual v4,mapped v4,v4 v4,v6 v4,v6only " -m v4,
expect "time-wait " --state tim
expect "established " -l --state establ
expect "blue bluegreen " -N bl
expect "bluegreen " --netns blueg
expect "all " --metrics-listeners=a
# Issue 18: -A's values, -F's files, and a directory's slash.
expect "mptcp " -A mp
expect "tcp,udp " -A tcp,u
expect "all,!raw " -A 'all,!r'
expect "inet " --query in
mkdir -p "$T/pol/sub"
: >"$T/pol/a.policy"
expect "$T/pol/a.policy $T/pol/sub/ " -F "$T/pol/"
expect "$T/pol/a.policy " --filter-file "$T/pol/a"
expect "$T/pol/sub/ " "--metrics=$T/pol/s"
expect "$T/pol/sub/ " --replay "$T/pol/su"
echo "completion: all checks passed"
