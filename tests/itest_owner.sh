#!/bin/bash
# itest_owner.sh - the filter terms that name who holds a socket, with real
# cgroups (made under the cgroup v2 hierarchy with names unique to this
# run, removed at the end), a real user (nobody) and real processes, in a
# private network namespace; cgroup PATH is cross-checked with ss(8).
# Then the --emit-policy round trip.  Skips with 77 without root, without
# cgroup v2 or where no cgroup can be made.
set -eu
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"

if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup
elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup/unified
else
	skip "no cgroup v2 hierarchy mounted"
fi
N=dualstat-itest-$$
mkdir "$CG/$N-a.service" 2>/dev/null || skip "cannot make a cgroup in $CG"
mkdir "$CG/$N-a.service/sub" "$CG/$N-b" "$CG/$N-c.service"
# A container as podman's systemd driver lays it out (netns.c labels it
# podman:ID12), with an id of this run's own.
CID=$(printf '%s' "$N" | sha256sum | cut -c1-64)
mkdir "$CG/$N-machine.slice" "$CG/$N-machine.slice/libpod-$CID.scope"

# hold NAME CGROUP [RUNAS...] -- SPEC...: sockpop SPEC... in CGROUP (a
# path under $CG), maybe run through RUNAS (setpriv ...), its stdin a FIFO
# held open here until release NAME closes it.
declare -A held_pid held_fd
hold() {
	local name=$1 cg=$2 fd
	local -a runas=()
	shift 2
	while [ "$1" != -- ]; do
		runas+=("$1")
		shift
	done
	shift
	mkfifo "$T/$name.in"
	# The FIFOs held for the others are not this one's to keep open.
	(
		for fd in "${held_fd[@]}"; do exec {fd}>&-; done
		# shellcheck disable=SC2016
		exec sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' \
			sh "$CG/$cg" "${runas[@]}" "$POP" "$@" \
			<"$T/$name.in" >"$T/$name.out"
	) &
	held_pid[$name]=$!
	exec {fd}>"$T/$name.in"
	held_fd[$name]=$fd
	for _ in $(seq 100); do
		grep -q '^ready' "$T/$name.out" && return 0
		sleep 0.05
	done
	fail "sockpop $* did not start in $cg"
}
release() {
	local fd=${held_fd[$1]}
	exec {fd}>&-
	wait "${held_pid[$1]}" 2>/dev/null || true
	rm -f "$T/$1.in"
	unset "held_fd[$1]" "held_pid[$1]"
}
cleanup() {
	local k
	for k in "${!held_fd[@]}"; do release "$k"; done
	rmdir "$CG/$N-a.service/sub" "$CG/$N-a.service" "$CG/$N-b" \
		"$CG/$N-c.service" "$CG/$N-machine.slice/libpod-$CID.scope" \
		"$CG/$N-machine.slice" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# sockpop where nobody can run it, and under a second name.
mkdir -m 755 "$T/bin"
POP=$T/bin/sockpop
cp "$SOCKPOP" "$POP"
cp "$SOCKPOP" "$T/bin/dsowner-other"
chmod 755 "$T" "$POP" "$T/bin/dsowner-other"

# ports ARGS...: the "proto port" of each socket dualstat -l ARGS lists.
ports() {
	"$DUALSTAT" -l -H "$@" 2>"$T/err" | awk '{ n = split($4, a, ":");
		print $1, a[n] }' | sort
}
# same WHAT GOT WANT: the lists agree.
same() {
	[ "$2" = "$3" ] || fail "$1: got [$2], want [$3]"
}
check_status() {
	local want=$1 rc=0
	shift
	"$DUALSTAT" --check -q "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq "$want" ] ||
		fail "--check -q $*: exit $rc, want $want: $(cat "$T/err")"
}

hold a "$N-a.service" -- "tcp-dual:[::]:7001" udp:127.0.0.1:7011
hold asub "$N-a.service/sub" -- tcp:127.0.0.1:7021
hold b "$N-b" -- "tcp-dual:[::]:7002" "tcp-v6only:[::]:7003"
hold nob "$N-b" setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
	tcp:127.0.0.1:7031

# cgroup PATH: exactly that cgroup's sockets, as ss selects them.
same "cgroup a" "$(ports "cgroup /$N-a.service")" "$(printf 'tcp 7001\nudp 7011')"
same "cgroup b" "$(ports "cgroup = /$N-b")" \
	"$(printf 'tcp 7002\ntcp 7003\ntcp 7031')"
for path in "/$N-a.service" "/$N-a.service/sub" "/$N-b"; do
	want=$(ss -H -tuln "cgroup $path" | awk '{ n = split($5, a, ":");
		print $1, a[n] }' | sort)
	same "ss differential, cgroup $path" "$(ports "cgroup $path")" "$want"
	[ -n "$want" ] || fail "ss lists nothing in $path"
done
same "not cgroup" "$(ports "not cgroup /$N-b")" \
	"$(printf 'tcp 7001\ntcp 7021\nudp 7011')"
# The kernel decides it: the listing's program carries the cgroup op.
if command -v strace >/dev/null &&
	strace -f -e trace=sendto -o "$T/strace" "$DUALSTAT" -l \
		"cgroup /$N-b" >/dev/null 2>&1; then
	grep -q 'idiag_states=1<<TCP_LISTEN.*code=INET_DIAG_BC_CGROUP_COND' \
		"$T/strace" || fail "no cgroup op in the listing's requests"
fi

# unit NAME: the unit's cgroup and those under it; "sshd" is sshd.service.
same "unit a" "$(ports "unit $N-a")" \
	"$(printf 'tcp 7001\ntcp 7021\nudp 7011')"
same "unit a.service" "$(ports "unit $N-a.service")" "$(ports "unit $N-a")"
expect_error 2 "no unit '$N-none' on this host \(write 'unit\?'" \
	"$DUALSTAT" -l "unit $N-none"
expect_error 2 "no cgroup '/$N-none' on this host" \
	"$DUALSTAT" -l "cgroup /$N-none"
check_status 0 -l "unit? $N-none"
check_status 1 -l "unit? $N-none or unit $N-a"

# container ID: its label, its 12-digit id, or the whole id.
hold ctr "$N-machine.slice/libpod-$CID.scope" -- "tcp-dual:[::]:7041"
same "container label" "$(ports "container podman:${CID:0:12}")" "tcp 7041"
same "container id12" "$(ports "container ${CID:0:12}")" "tcp 7041"
same "container id" "$(ports "container $CID")" "tcp 7041"
expect_error 2 "no container '0000dead0000' on this host" \
	"$DUALSTAT" -l 'container 0000dead0000'
check_status 0 -l 'container? 0000dead0000'

# uid N, user NAME: the socket's owner as the kernel reports it.
same "user nobody" "$(ports 'user nobody')" "tcp 7031"
same "uid 65534" "$(ports "uid $(id -u nobody)")" "tcp 7031"
same "not user nobody" "$(ports "cgroup /$N-b and not user nobody")" \
	"$(printf 'tcp 7002\ntcp 7003')"
expect_error 2 "no user 'dualstat-no-such-user' on this host" \
	"$DUALSTAT" -l 'user dualstat-no-such-user'
check_status 0 -l 'user? dualstat-no-such-user'

# process NAME, pid N: the owners as -p finds them, without -p.
POP=$T/bin/dsowner-other hold other "$N-b" -- "tcp-dual:[::]:7004"
POPOTHER=${held_pid[other]}
same "pid" "$(ports "pid $POPOTHER")" "tcp 7004"
same "process" "$(ports 'process dsowner-other')" "tcp 7004"
same "process" "$(ports 'process sockpop and sport >= 7000')" \
	"$(printf 'tcp 7001\ntcp 7002\ntcp 7003\ntcp 7021\ntcp 7031\ntcp 7041\nudp 7011')"
same "not process" "$(ports "cgroup /$N-b and not process sockpop")" \
	"tcp 7004"
check_status 1 -l 'process dsowner-other'
check_status 0 -l 'process dsowner-none'
check_status 1 -l --dual "pid $POPOTHER"
check_status 0 -l --dual "pid $POPOTHER and sport = :7002"
release other

# A filter the kernel cannot decide alone keeps the same answer when the
# kernel cannot run the program (a dump failing is another test's job).
same "cgroup and uid" "$(ports "cgroup /$N-b and uid 0")" \
	"$(printf 'tcp 7002\ntcp 7003')"

## Seams: the terms under -N, --all-netns, -p, --dump-raw/--replay,
## --metrics, --check, and with a dump failing half-way.
want_b=$(printf 'tcp 7002\ntcp 7003\ntcp 7031')
same "-N" "$(ports -N "${held_pid[b]}" "cgroup /$N-b")" "$want_b"
# Every namespace of the host: ours holds the only sockets in our cgroup.
same "--all-netns" "$("$DUALSTAT" -l -H --all-netns "cgroup /$N-b" \
	2>/dev/null | awk '{ n = split($5, a, ":"); print $2, a[n] }' | sort)" \
	"$want_b"
"$DUALSTAT" -l -H -p "cgroup /$N-b and process sockpop" >"$T/p" 2>/dev/null
[ "$(grep -c 'users:(("sockpop",pid=' "$T/p")" -eq 3 ] ||
	fail "-p with owner terms: $(cat "$T/p")"
# A recording keeps each socket's cgroup id: a replay answers alike.
"$DUALSTAT" -l --dump-raw "$T/raw" >/dev/null 2>&1 || fail "--dump-raw"
same "--replay" "$(ports --replay "$T/raw" "cgroup /$N-b or uid 65534")" \
	"$want_b"
expect_error 2 "replay and the pid and process filter terms cannot be" \
	"$DUALSTAT" -l --replay "$T/raw" 'process sockpop'
"$DUALSTAT" -l --metrics "cgroup /$N-b" >"$T/metrics" 2>"$T/err" ||
	fail "--metrics with a cgroup term: $(cat "$T/err")"
grep -q '^dualstat_sockets{.*mode="dual".*} 1$' "$T/metrics" ||
	fail "--metrics with a cgroup term: $(grep '^dualstat_sockets' "$T/metrics")"
# A dump that fails half-way is not "nothing found", whichever pass of a
# process term it hits (the first, which finds the candidates, or the
# listing).
if command -v strace >/dev/null; then
	for when in 1 2 3 4; do
		rc=0
		strace -f -o /dev/null -e trace=recvmsg \
			-e inject=recvmsg:error=EIO:when=$when \
			"$DUALSTAT" --check -q -l 'process dsowner-none' \
			>/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 2 ] ||
			fail "a dump failing at recvmsg $when: exit $rc, want 2"
	done
fi

# --emit-policy: the baseline accepts what runs now.
"$DUALSTAT" -l --dual --emit-policy >"$T/policy" 2>"$T/err" ||
	fail "--emit-policy: $(cat "$T/err")"
grep -q "unit? $N-a.service	# tcp \[::\]:7001 sockpop (pid " "$T/policy" ||
	fail "no unit exception for :7001: $(cat "$T/policy")"
grep -q "process sockpop and sport = :7002	# tcp \[::\]:7002 sockpop" \
	"$T/policy" || fail "no process exception for :7002: $(cat "$T/policy")"
grep -q "container? podman:${CID:0:12}	# tcp \[::\]:7041 sockpop" \
	"$T/policy" || fail "no container exception for :7041: $(cat "$T/policy")"
check_status 0 -l --dual -F "$T/policy"
# Something new, under a new service: found.
hold c "$N-c.service" -- "tcp-dual:[::]:7005"
check_status 1 -l --dual -F "$T/policy"
release c
check_status 0 -l --dual -F "$T/policy"
# The excepted service moves to another port: still accepted.
release a
hold a "$N-a.service" -- "tcp-dual:[::]:7101"
check_status 0 -l --dual -F "$T/policy"
# The process excepted with its port moves: found.
release b
hold b "$N-b" -- "tcp-dual:[::]:7102"
check_status 1 -l --dual -F "$T/policy"
release b
hold b "$N-b" -- "tcp-dual:[::]:7002"
check_status 0 -l --dual -F "$T/policy"
# The excepted service stops: the policy still reads ("unit?").
release a
release asub
check_status 0 -l --dual -F "$T/policy"

# A process name made to break out of its comment: it stays in one.
evil=$'x\n) or (#'
cp "$SOCKPOP" "$T/bin/$evil"
chmod 755 "$T/bin/$evil"
POP=$T/bin/$evil hold evil "$N-b" -- "tcp-dual:[::]:7006"
"$DUALSTAT" -l --dual --emit-policy >"$T/policy2" 2>"$T/err" ||
	fail "--emit-policy: $(cat "$T/err")"
grep -q '^	or sport = :7006	# tcp \[::\]:7006 x\\x0a) or (# (pid ' \
	"$T/policy2" || fail "the name is not escaped: $(cat -A "$T/policy2")"
[ "$(grep -c . "$T/policy2")" -eq 7 ] ||
	fail "the policy has more lines than findings: $(cat -A "$T/policy2")"
check_status 0 -l --dual -F "$T/policy2"
release evil
hold evil2 "$N-b" -- "tcp-dual:[::]:7006"
check_status 0 -l --dual -F "$T/policy2"
echo "PASS: owner terms and --emit-policy"
