#!/bin/sh
# demo.sh - the classic netstat puzzle, and dualstat's answer (make demo)
#
# In a private network namespace: an IPv4-only service on port 22, a
# dual-mode proxy on [::]:3128 with an IPv4 client connected, and an
# IPv6-only listener on [::]:8443.  netstat calls the proxy and its IPv4
# client "tcp6"; dualstat says which socket carries what.  Needs root.

: "${DUALSTAT:=./src/dualstat}"
: "${SOCKPOP:=./tests/sockpop}"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: needs root for a private network namespace" >&2
	exit 77
fi
if [ "$1" != "--inside" ]; then
	exec unshare -n "$0" --inside
fi

ip link set lo up || exit 1
fifo=$(mktemp -u)
mkfifo "$fifo" || exit 1
# sockpop holds the sockets until its standard input (the fifo) closes.
"$SOCKPOP" tcp:0.0.0.0:22 tcp-dual:[::]:3128 tcp-v6only:[::]:8443 \
	connect:127.0.0.1:3128 <"$fifo" >"$fifo.out" &
exec 3>"$fifo"
until grep -q ready "$fifo.out" 2>/dev/null; do sleep 0.1; done

echo "\$ netstat -tan     # the puzzle: an IPv4 client, shown as tcp6"
if command -v netstat >/dev/null; then
	netstat -tan
else
	echo "(netstat not installed: apt-get install net-tools)"
fi
echo
echo "\$ dualstat -a      # the answer: the mode of every socket"
"$DUALSTAT" -a
status=$?
exec 3>&-
wait
rm -f "$fifo" "$fifo.out"
exit "$status"
