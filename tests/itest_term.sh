#!/bin/bash
# itest_term.sh - the table in a real terminal: tmux at 80 columns (root,
# private netns; skips with 77 otherwise)
#
# dualstat -l and --dual rows must fit on one screen line each, and
# -lt -p rows may run past the edge only with their Process column, as
# ss -tlnp does; --all-netns rows fit too, their Netns label shortened,
# never their addresses.  tmux runs dualstat on a pty of its own, so the width
# comes from TIOCGWINSZ as on a user's terminal; capture-pane shows the
# screen as the user sees it (-J: with wrapped lines joined again).
set -eu
. "$(dirname "$0")/itest_lib.sh"
command -v tmux >/dev/null || skip "no tmux (Debian: tmux)"
itest_enter_netns "$@"

sock=dualstat-itest-$$
tmux_() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true; rm -rf "$T"' EXIT

# run_in_tmux NAME ARGS...: runs dualstat ARGS in an 80x60 pane and
# leaves the screen in $T/NAME (as seen) and $T/NAME.joined.
run_in_tmux() {
	local name=$1
	shift
	run_cmd_in_tmux "$name" "$(printf '%q ' "$DUALSTAT" "$@")"
}

# run_cmd_in_tmux NAME COMMAND: the same for a shell command.
run_cmd_in_tmux() {
	local name=$1 i
	tmux_ new-session -d -s "$name" -x 80 -y 60 \
		"$2; echo __done__; sleep 60"
	# A bounded wait: 60 s, for a loaded machine or a sanitizer build.
	for ((i = 0; i < 600; i++)); do
		tmux_ capture-pane -p -t "$name" >"$T/$name" 2>/dev/null || true
		grep -q '^__done__' "$T/$name" && break
		sleep 0.1
	done
	grep -q '^__done__' "$T/$name" || fail "$name: dualstat did not finish in tmux"
	tmux_ capture-pane -p -J -t "$name" >"$T/$name.joined"
	[ "$(tmux_ display -p -t "$name" '#{pane_width}')" = 80 ] ||
		fail "$name: the pane is not 80 columns wide"
	tmux_ kill-session -t "$name"
	sed -i '/^__done__/,$d' "$T/$name" "$T/$name.joined"
	sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$T/$name" "$T/$name.joined"
}

# fits NAME ROWS: no line wrapped, and ROWS rows under the title.
fits() {
	cmp -s "$T/$1" "$T/$1.joined" ||
		fail "$1: rows wrap at 80 columns:$(printf '\n')$(cat "$T/$1")"
	awk 'length($0) > 79 { exit 1 }' "$T/$1" ||
		fail "$1: a row reaches the last column: $(cat "$T/$1")"
	[ "$(grep -c . "$T/$1")" -eq $(($2 + 1)) ] ||
		fail "$1: not $2 rows: $(cat "$T/$1")"
}

pop_start pop
run_in_tmux l -l
fits l 6
# The same rows as without a terminal, only spaced differently.
"$DUALSTAT" -l | tr -s ' ' >"$T/l.pipe"
tr -s ' ' <"$T/l" | sed 's/ $//' | cmp -s - "$T/l.pipe" ||
	fail "-l: the terminal shows other rows than the pipe"

run_in_tmux dual --dual
# --dual: the dual listeners (tcp 3128, udp 5354) and the mapped ends
# (the accepted tcp one and the connected udp one).
fits dual 4
grep -q '\[::ffff:127.0.0.1\]:5353' "$T/dual" || fail "--dual: mapped peer cut"

run_in_tmux lp -lt -p
# Three listeners, each held by relpop: the Process column pushes each
# row past 80 columns, and only it wraps.
[ "$(grep -c '^tcp ' "$T/lp.joined")" -eq 3 ] || fail "-lt -p: $(cat "$T/lp")"
while read -r row; do
	case $row in tcp\ *) ;; *) continue ;; esac
	before=${row%%users:*}
	[ "$before" != "$row" ] || fail "-lt -p: no owner in: $row"
	[ ${#before} -le 80 ] || fail "-lt -p: columns before Process wrap: $row"
	[ ${#row} -gt 80 ] || fail "-lt -p: expected a row past 80 columns: $row"
	# The screen line holding the row's start has everything up to
	# Process on it (the peer column, *, at least).
	grep -qF "${before% }" "$T/lp" ||
		fail "-lt -p: a column other than Process wrapped: $row"
done <"$T/lp.joined"
pop_stop

# --all-netns (issue 17): the Netns column fits too.  A namespace with a
# long name and mapped connections, listed in a pid and mount namespace
# of our own (only our processes, our /run/netns): the label is
# shortened, the addresses are whole, and no row wraps.
long=a-network-namespace-with-a-rather-long-name
unshare -p -m -f --mount-proc true 2>/dev/null ||
	skip "no private pid namespace here (the other checks passed)"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
cat >"$T/allns.sh" <<IN
set -e
mount -t tmpfs tmpfs /run
mkdir /run/netns
ip netns add $long
ip netns exec $long ip link set lo up
mkfifo $T/hold
ip netns exec $long $SOCKPOP 'tcp-dual:[::]:3128' connect:127.0.0.1:3128 \\
	connect:127.0.0.1:3128 <>$T/hold >$T/ready &
for i in \$(seq 100); do grep -q ready $T/ready 2>/dev/null && break; sleep 0.1; done
$DUALSTAT --all-netns
IN
run_cmd_in_tmux allns "unshare -p -m -f --mount-proc bash $T/allns.sh"
fits allns 4
[ "$(grep -c '\[::ffff:127\.0\.0\.1\]:3128 *\[::ffff:127\.0\.0\.1\]:[0-9]*$' "$T/allns")" -eq 2 ] ||
	fail "--all-netns: the mapped rows are not whole: $(cat "$T/allns")"
grep -q '^a-ne[^ ]*~[^ ]*-name ' "$T/allns" ||
	fail "--all-netns: the label is not shortened: $(cat "$T/allns")"
echo "itest_term: all passed"
