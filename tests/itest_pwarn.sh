#!/bin/bash
# itest_pwarn.sh - -p and --all-netns warn only when something is missing
# (root, private netns; skips with 77 otherwise)
#
# An unprivileged run cannot read root's processes.  That matters only
# where it leaves a gap: -p warns when a listed socket got no owner (and
# then names only processes that can hold descriptors, never kernel
# threads); --all-netns warns about a process whose namespace it cannot
# read only when /proc/PID/net does not show that namespace to be one it
# lists already.  Before, every unprivileged -p run warned about every
# root process, kernel threads first.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"
command -v setpriv >/dev/null || skip "no setpriv(1)"
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
$NOBODY true 2>/dev/null || skip "setpriv cannot drop to uid 65534"

mkfifo "$T/hold"
exec {hold}<>"$T/hold"
# Each sockpop ends when this shell closes the FIFO: it holds the only
# writer (they are started without it).
trap 'exec {hold}>&-; wait; rm -rf "$T"' EXIT
mkdir -m 0777 "$T/nb"
# sockpop as nobody, and as root; each until this shell ends.
$NOBODY "$SOCKPOP" 'tcp-dual:[::]:16401' {hold}>&- <"$T/hold" >"$T/nb/a" &
root_pop() {
	"$SOCKPOP" "$@" {hold}>&- <"$T/hold" >"$T/b" &
	for _ in $(seq 50); do grep -q ready "$T/b" 2>/dev/null && return; sleep 0.1; done
	fail "sockpop $* did not start"
}
for _ in $(seq 50); do grep -q ready "$T/nb/a" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$T/nb/a" || fail "nobody's sockpop did not start"

# 1. Every listed socket has its owner: not a word.
$NOBODY "$DUALSTAT" -l -p >"$T/out" 2>"$T/err" || fail "-p as nobody: $(cat "$T/err")"
grep -q '16401 .*sockpop' "$T/out" || fail "no owner for :16401: $(cat "$T/out")"
[ ! -s "$T/err" ] || fail "-p warned with every socket owned: $(cat "$T/err")"

# 2. A socket of root's: its owner is missing, said once, naming no
#    kernel thread.
root_pop 'tcp-dual:[::]:16402'
$NOBODY "$DUALSTAT" -l -p >"$T/out" 2>"$T/err" || true
grep -q '16402' "$T/out" || fail "no :16402 listed"
[ "$(grep -c 'could not read the descriptors' "$T/err")" = 1 ] ||
	fail "-p did not say that owners are missing: $(cat "$T/err")"
for pid in $(grep -o 'pid [0-9]*' "$T/err" | cut -d' ' -f2); do
	flags=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f7) || continue
	[ -n "$flags" ] || continue
	[ $((flags & 0x00200000)) -eq 0 ] ||
		fail "-p names kernel thread $pid ($(cat "/proc/$pid/comm"))"
done
# The count is of processes that can hold descriptors: other people's
# processes come and go meanwhile, so it is bounded, with half the kernel
# threads as slack, which counting them would exceed.
n=$(sed -n 's/.*descriptors of \([0-9]*\) process.*/\1/p' "$T/err")
users=0 kthreads=0
for d in /proc/[0-9]*; do
	f=$(sed 's/.*) //' "$d/stat" 2>/dev/null | cut -d' ' -f7) || continue
	[ -n "$f" ] || continue
	if [ $((f & 0x00200000)) -eq 0 ]; then
		users=$((users + 1))
	else
		kthreads=$((kthreads + 1))
	fi
done
[ "$n" -le $((users + kthreads / 2)) ] ||
	fail "-p counts $n processes; $users are not kernel threads, $kthreads are"
# Listed sockets all owned (the filter leaves out root's): no word.
$NOBODY "$DUALSTAT" -l -p 'sport = :16401' >"$T/out" 2>"$T/err" || true
[ ! -s "$T/err" ] || fail "-p 'sport = :16401' warned: $(cat "$T/err")"

# 3. --all-netns, in a pid namespace of our own (its /proc shows only
#    our processes): root's pid 1 is in the namespace nobody's sockpop
#    shows, so nothing is missing.
command -v unshare >/dev/null && unshare -m -p -f --mount-proc true 2>/dev/null ||
	skip "no private pid namespace here (the -p checks passed)"
cat >"$T/nb/in.sh" <<'IN'
set -eu
"$SOCKPOP" 'tcp-dual:[::]:16403' <"$T/hold" >"$T/nb/d" &
$NOBODY "$SOCKPOP" 'tcp-dual:[::]:16404' <"$T/hold" >"$T/nb/c" &
for _ in $(seq 50); do grep -q ready "$T/nb/c" 2>/dev/null && grep -q ready "$T/nb/d" && break; sleep 0.1; done
rc=0
$NOBODY "$DUALSTAT" --all-netns -l >"$T/nb/out1" 2>"$T/nb/err1" || rc=$?
echo "$rc" >"$T/nb/rc1"
# A root process in a namespace no readable process is in: that one is
# missing, and said.
unshare -n sleep 600 </dev/null >/dev/null 2>&1 &
echo $! >"$T/nb/hidden"
sleep 0.2
rc=0
$NOBODY "$DUALSTAT" --all-netns -l >"$T/nb/out2" 2>"$T/nb/err2" || rc=$?
echo "$rc" >"$T/nb/rc2"
kill %1 %2 %3 2>/dev/null || true
IN
T=$T SOCKPOP=$SOCKPOP DUALSTAT=$DUALSTAT NOBODY=$NOBODY \
	unshare -m -p -f --mount-proc bash "$T/nb/in.sh" {hold}>&-
[ "$(cat "$T/nb/rc1")" = 0 ] ||
	fail "--all-netns as nobody: exit $(cat "$T/nb/rc1"): $(cat "$T/nb/err1")"
[ ! -s "$T/nb/err1" ] || fail "--all-netns warned with no namespace missing: $(cat "$T/nb/err1")"
grep -q ':16403 ' "$T/nb/out1" || fail "--all-netns: no :16403: $(cat "$T/nb/out1")"
grep -q 'could not read the network namespace of 1 process (pid [0-9]* (sleep))' \
	"$T/nb/err2" || fail "--all-netns: the hidden namespace not said: $(cat "$T/nb/err2")"
[ "$(cat "$T/nb/rc2")" = 2 ] || fail "--all-netns with a namespace missing: exit $(cat "$T/nb/rc2")"
echo "itest_pwarn: all passed"
