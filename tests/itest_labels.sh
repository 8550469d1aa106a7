#!/bin/bash
# itest_labels.sh - --all-netns labels: trusted, unique, stable (issue 17)
# (root, a writable cgroup v2 hierarchy; skips with 77 otherwise)
#
# Runs real processes in real cgroups made here (unique names, removed at
# the end) and checks what --all-netns -j and --metrics call their
# namespaces:
#  - a subtree a user can name (below user@UID.service, or a directory
#    chowned to the user: systemd's Delegate=yes) never yields a runtime's
#    or a system unit's label: "docker-ID.scope" there is "user:UID:...";
#  - two namespaces held by one unit get two labels, and the metrics file
#    holds no series twice;
#  - an unnamed namespace keeps its label when its first holder exits.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
[ "$(id -u)" -eq 0 ] || skip "needs root to make cgroups and namespaces"
command -v unshare >/dev/null || skip "no unshare(1)"
unshare -n true 2>/dev/null || skip "unshare -n refused here"

CG=
for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	[ -e "$d/cgroup.procs" ] && [ -e "$d/cgroup.controllers" ] && CG=$d && break
done
[ -n "$CG" ] || skip "no cgroup v2 hierarchy under /sys/fs/cgroup"
TOP="$CG/dualstat-itest-labels-$$"
mkdir "$TOP" 2>/dev/null || skip "cannot make a cgroup under $CG"

ID=3f2a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	# Children before parents; each is empty once its processes died.
	find "$TOP" -depth -type d -exec rmdir {} + 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# sockpop runs until its stdin ends: a FIFO this shell holds open.
mkfifo "$T/hold"
exec {hold}<>"$T/hold"

# start CGROUP SOCKPOP-ARGS...: sockpop in a new network namespace, moved
# into CGROUP (under $TOP) before it opens a socket.
start() {
	local cg="$TOP/$1" fifo="$T/f.$RANDOM.$#"
	shift
	mkdir -p "$cg"
	mkfifo "$fifo"
	unshare -n sh -c 'echo $$ >"$1/cgroup.procs" && ip link set lo up &&
		shift && exec "$@"' sh "$cg" "$SOCKPOP" "$@" {hold}>&- <"$T/hold" >"$fifo" &
	PIDS+=($!)
	read -r word _ <"$fifo" || true
	[ "$word" = ready ] || fail "sockpop $* did not start in $cg"
}

# row PORT: the JSON row of the listener on PORT in $T/all.
row() { grep "\"local_port\":$1," "$T/all" || fail "no row for :$1: $(head -c 400 "$T/all")"; }
field() { sed -n "s/.*\"$1\":\\(\"[^\"]*\"\\|null\\|[0-9]*\\).*/\\1/p"; }

# 1. Made by "user 4242" under its user@ unit, and under a directory
#    chowned to 4242 (delegation without systemd's name for it).
start "user@4242.service/docker-$ID.scope" "tcp-dual:[::]:16301"
start "user@4242.service/sshd.service" "tcp-dual:[::]:16302"
mkdir -p "$TOP/deleg/docker-$ID.scope"
chown 4242 "$TOP/deleg"
start "deleg/docker-$ID.scope" "tcp-dual:[::]:16303"
# 2. Two namespaces held by one system unit (not delegated).
start "dsdup.service" "tcp-dual:[::]:16304"
start "dsdup.service" "tcp-dual:[::]:16305"

"$DUALSTAT" --all-netns -l -j >"$T/all" 2>"$T/err" || true
[ "$(row 16301 | field container)" = "\"user:4242:docker:3f2a1b2c3d4e\"" ] ||
	fail ":16301 under user@4242.service: $(row 16301)"
[ "$(row 16302 | field container)" = '"user:4242:systemd:sshd.service"' ] ||
	fail ":16302 under user@4242.service: $(row 16302)"
[ "$(row 16303 | field container)" = "\"user:4242:docker:3f2a1b2c3d4e\"" ] ||
	fail ":16303 under a chowned cgroup: $(row 16303)"
for p in 16301 16302 16303; do
	case $(row $p | field netns) in
	'"docker:'* | '"systemd:'*) fail ":$p labelled as a runtime's: $(row $p)" ;;
	esac
done
# Each row names the process whose cgroup gave the container.
pid=$(row 16301 | field netns_pid)
[ "$pid" = "${PIDS[0]}" ] || fail ":16301: netns_pid $pid, not ${PIDS[0]}"

a=$(row 16304 | field netns) b=$(row 16305 | field netns)
[ "$a" != "$b" ] || fail "two namespaces of dsdup.service share the label $a"
for p in 16304 16305; do
	[ "$(row $p | field container)" = '"systemd:dsdup.service"' ] ||
		fail ":$p: container $(row $p | field container)"
	ino=$(row $p | field netns_inode)
	[ "$(row $p | field netns)" = "\"systemd:dsdup.service@netns:$ino\"" ] ||
		fail ":$p: label $(row $p | field netns)"
done

# The metrics: no series twice (node_exporter drops both otherwise).
"$DUALSTAT" --all-netns --metrics >"$T/prom" 2>/dev/null || true
grep -v '^#' "$T/prom" | sed 's/ [^ ]*$//' | sort | uniq -d >"$T/dups"
[ ! -s "$T/dups" ] || fail "series written twice: $(head -3 "$T/dups")"
grep -q "netns=\"systemd:dsdup.service@netns:" "$T/prom" ||
	fail "--metrics: no dsdup.service namespace"
! grep -q 'netns="docker:3f2a1b2c3d4e"' "$T/prom" ||
	fail "--metrics: a user's cgroup labelled as docker's"

# 3. The first holder exits, a second stays: the label does not move.
start "stable" "tcp-dual:[::]:16306"
first=${PIDS[-1]}
nsenter -t "$first" -n sleep 600 &
PIDS+=($!)
sleep 0.2
"$DUALSTAT" --all-netns -l -j 'sport = :16306' >"$T/all" 2>/dev/null || true
before=$(row 16306 | field netns)
case $before in '"netns:'*) ;; *) fail ":16306: label $before, not netns:INODE" ;; esac
# The listener went with its process: a new one, opened in the
# namespace the second holder keeps.
kill "$first"
wait "$first" 2>/dev/null || true
nsenter -t "${PIDS[-1]}" -n "$SOCKPOP" "tcp-dual:[::]:16307" {hold}>&- <"$T/hold" >"$T/f2" &
PIDS+=($!)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q ready "$T/f2" && break
	sleep 0.1
done
"$DUALSTAT" --all-netns -l -j 'sport = :16307' >"$T/all" 2>/dev/null || true
after=$(row 16307 | field netns)
[ "$before" = "$after" ] ||
	fail "label changed from $before to $after when the first holder exited"

echo "itest_labels: all passed"
