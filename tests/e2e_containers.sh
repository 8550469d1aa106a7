#!/bin/bash
# e2e_containers.sh - dualstat --all-netns against real podman and docker
# containers (issue 17; root; run by .ci/containers.sh)
#
# Usage: e2e_containers.sh podman|docker
#
# No image registry is reachable, so the image is made here: a root file
# system holding tests/sockpop and the libraries it links (podman runs it
# with --rootfs, docker imports it as a tar).  In it, two containers with
# their own network namespaces (--network none: lo only, nothing on the
# host changes): a dual listener in one, a v6only listener in the other.
# Then, checked against what the runtime's own inspect reports:
#  1. dualstat --all-netns -l -j -p labels each namespace with the
#     container's id (the label contains its first 12 hex digits), and the
#     modes agree with ss inside the container (ss prints "*" for a dual
#     [::] listener and "[::]" for a v6only one);
#  2. --metrics exports them under those labels;
#  3. a policy --check -F finds the dual one (1), under -N of the v6only
#     container's namespace it finds nothing (0).
# podman and docker keep all their state under the test's directory
# (podman --root/--runroot, a dockerd of its own on a private socket,
# without bridge or iptables), so nothing outside it is disturbed.  Each
# wait is bounded.  Skips (77) with the reason where the runtime cannot run.
set -eu

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
# shellcheck disable=SC2034 # checked by itest_lib.sh, unused here
RELPOP=unused
# shellcheck source=tests/itest_lib.sh
. "$(dirname "$0")/itest_lib.sh"

RUNTIME=${1:-}
case $RUNTIME in
podman | docker) ;;
*)
	echo "usage: $0 podman|docker" >&2
	exit 2
	;;
esac
[ "$(id -u)" -eq 0 ] || skip "$RUNTIME: needs root"
for tool in "$RUNTIME" jq ss nsenter ldd; do
	command -v "$tool" >/dev/null ||
		skip "$RUNTIME: no $tool (Debian: podman runc docker.io jq iproute2 util-linux)"
done

# Ports of our own, to tell our sockets from those of other namespaces
# on a shared machine (the namespace inode tells them apart for sure).
PDUAL=$((20000 + $$ % 20000))
PV6=$((PDUAL + 1))
containers=()
dockerd_pid=

rt() {
	case $RUNTIME in
	podman)
		# runc, cgroupfs: no systemd is needed.  vfs: any file system.
		podman --root "$T/podman/root" --runroot "$T/podman/run" \
			--tmpdir "$T/podman/tmp" --storage-driver vfs \
			--runtime runc --cgroup-manager cgroupfs --events-backend none "$@"
		;;
	docker) docker -H "unix://$T/docker.sock" "$@" ;;
	esac
}

cleanup() {
	local c
	# sockpop is PID 1 there, which SIGTERM does not end: kill at once.
	for c in "${containers[@]}"; do
		case $RUNTIME in
		podman) rt rm -f -t 0 "$c" ;;
		docker) rt rm -f "$c" ;;
		esac >/dev/null 2>&1 || true
	done
	if [ -n "$dockerd_pid" ]; then
		kill "$dockerd_pid" 2>/dev/null || true
		wait "$dockerd_pid" 2>/dev/null || true
	fi
	# conmon runs "podman container cleanup" as each container exits:
	# let it finish before the state it works in goes.
	for ((i = 0; i < 50; i++)); do
		pgrep -f -- "--root $T/podman/root" >/dev/null || break
		sleep 0.2
	done
	# dockerd or podman may leave a mount behind on a failure.
	grep -o " $T/[^ ]*" /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT

# wait_for SECONDS WHAT CMD...: runs CMD every 0.2 s until it succeeds.
wait_for() {
	local limit=$1 what=$2 i
	shift 2
	for ((i = 0; i < limit * 5; i++)); do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	fail "$RUNTIME: $what: not within $limit s"
}

# The root file system: sockpop, its libraries and the dynamic loader,
# each at the path ldd names, as in the host.
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"/{proc,sys,dev,etc,tmp}
rootfs_add() {
	local f
	for f in "$1" $(ldd "$1" | grep -o '/[^ ]*'); do
		mkdir -p "$ROOTFS$(dirname "$f")"
		cp -L "$f" "$ROOTFS$f"
	done
}
cp "$SOCKPOP" "$T/sockpop"
rootfs_add "$T/sockpop"
mv "$ROOTFS$T/sockpop" "$ROOTFS/sockpop"

case $RUNTIME in
podman)
	mkdir -p "$T/podman"
	rt info >"$T/info" 2>&1 || skip "podman cannot run here: $(tail -n 1 "$T/info")"
	IMAGE=(--rootfs "$ROOTFS")
	;;
docker)
	command -v dockerd >/dev/null || skip "docker: no dockerd (Debian: docker.io)"
	# A daemon of our own: its socket, state and containerd under $T;
	# no bridge and no iptables rules, since --network none is all the
	# test uses.
	dockerd -H "unix://$T/docker.sock" --data-root "$T/docker/data" \
		--exec-root "$T/docker/exec" --pidfile "$T/docker.pid" \
		--storage-driver vfs --bridge none --iptables=false \
		--ip6tables=false --ip-masq=false >"$T/dockerd.log" 2>&1 &
	dockerd_pid=$!
	for ((i = 0; i < 150; i++)); do
		rt version >/dev/null 2>&1 && break
		kill -0 "$dockerd_pid" 2>/dev/null ||
			skip "docker: dockerd cannot run here: $(tail -n 1 "$T/dockerd.log")"
		sleep 0.2
	done
	rt version >/dev/null 2>&1 ||
		skip "docker: dockerd not ready within 30 s: $(tail -n 1 "$T/dockerd.log")"
	tar -C "$ROOTFS" -cf "$T/rootfs.tar" .
	rt import "$T/rootfs.tar" "dualstat-e2e-$$:latest" >/dev/null ||
		fail "docker import failed"
	IMAGE=("dualstat-e2e-$$:latest")
	;;
esac

# start NAME SPEC: a container running sockpop SPEC, which holds its
# sockets while its standard input (-i) stays open.
logs_ready() { rt logs "$1" 2>/dev/null | grep -q '^ready'; }
start() {
	local id
	id=$(rt run -d -i --name "$1" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"${IMAGE[@]}" /sockpop "$2" 2>"$T/run.err") ||
		fail "$RUNTIME run $2: $(cat "$T/run.err")"
	containers+=("$id")
	wait_for 20 "container $1 ready" logs_ready "$1"
}

start "dualstat-dual-$$" "tcp-dual:[::]:$PDUAL"
start "dualstat-v6only-$$" "tcp-v6only:[::]:$PV6"

# What the runtime reports, and the kernel's name for each namespace.
declare -A ID PID INO PORT LABEL
PORT[dual]=$PDUAL
PORT[v6only]=$PV6
host_ino=$(stat -L -c %i /proc/self/ns/net)
for m in dual v6only; do
	ID[$m]=$(rt inspect -f '{{.Id}}' "dualstat-$m-$$")
	PID[$m]=$(rt inspect -f '{{.State.Pid}}' "dualstat-$m-$$")
	[[ ${ID[$m]} =~ ^[0-9a-f]{64}$ ]] ||
		fail "$RUNTIME inspect: id '${ID[$m]}' is not 64 hex digits"
	INO[$m]=$(stat -L -c %i "/proc/${PID[$m]}/ns/net")
	[ "${INO[$m]}" != "$host_ino" ] ||
		fail "$m: the container has no network namespace of its own"
done
[ "${INO[dual]}" != "${INO[v6only]}" ] || fail "both containers share a namespace"

# ss inside each container agrees on the modes: "*" is a [::] listener
# that IPv4 reaches, "[::]" one that it does not.
ss_local() { nsenter -t "$1" -n ss -Hltn "sport = :$2" | awk '{ print $4 }'; }
[ "$(ss_local "${PID[dual]}" "$PDUAL")" = "*:$PDUAL" ] ||
	fail "ss in the dual container: $(ss_local "${PID[dual]}" "$PDUAL")"
[ "$(ss_local "${PID[v6only]}" "$PV6")" = "[::]:$PV6" ] ||
	fail "ss in the v6only container: $(ss_local "${PID[v6only]}" "$PV6")"

# run_ds OUT ARGS...: dualstat, whose exit status may be 2 only for what
# it could not inspect elsewhere on a shared machine (PID 1 of some
# sandboxes is unreadable even to root; other tests' namespaces come and
# go), said in warnings; what it says of ours is checked after.
run_ds() {
	local out=$1 rc=0
	shift
	"$DUALSTAT" "$@" >"$out" 2>"$T/err" || rc=$?
	if [ "$rc" -eq 2 ] && ! grep -qv '^dualstat: .*could not' "$T/err"; then
		rc=0
	fi
	[ "$rc" -eq 0 ] || fail "dualstat $*: exit $rc: $(head -c 400 "$T/err")"
}

## 1. --all-netns -l -j -p: each container's namespace, labelled with its id.
run_ds "$T/json" --all-netns -l -j -p "sport = :$PDUAL or sport = :$PV6"
for m in dual v6only; do
	id12=${ID[$m]:0:12}
	jq -e --argjson ino "${INO[$m]}" --argjson port "${PORT[$m]}" \
		--arg mode "$m" --arg id12 "$id12" '[.[] |
		select(.netns_inode == $ino)] | length == 1 and (.[0] |
		.local_port == $port and .state == "LISTEN" and
		.mode == $mode and (.netns | contains($id12)) and
		(.processes | map(.comm)) == ["sockpop"])' "$T/json" >/dev/null ||
		fail "$m container (id $id12, netns inode ${INO[$m]}): $(jq -c --argjson ino "${INO[$m]}" '[.[] | select(.netns_inode == $ino)]' "$T/json")"
	LABEL[$m]=$(jq -r --argjson ino "${INO[$m]}" \
		'.[] | select(.netns_inode == $ino) | .netns' "$T/json")
	# The owner dualstat names lives in that namespace.
	owner=$(jq -r --argjson ino "${INO[$m]}" \
		'.[] | select(.netns_inode == $ino) | .processes[0].pid' "$T/json")
	[ "$(stat -L -c %i "/proc/$owner/ns/net")" = "${INO[$m]}" ] ||
		fail "$m: owner pid $owner is not in the container's namespace"
	echo "e2e_containers: $RUNTIME $m container ${ID[$m]:0:12}: label ${LABEL[$m]}"
done
[ "${LABEL[dual]}" != "${LABEL[v6only]}" ] || fail "both labelled ${LABEL[dual]}"

## 2. --metrics: the same labels.
run_ds /dev/null --all-netns -p --metrics="$T/m.prom"
expect_line() {
	grep -qxF "$1" "$T/m.prom" ||
		fail "the metrics lack '$1': $(grep -F "${LABEL[dual]}\|${LABEL[v6only]}" "$T/m.prom" | head -20)"
}
expect_line "dualstat_listener_info{netns=\"${LABEL[dual]}\",proto=\"tcp\",mode=\"dual\",address=\"::\",port=\"$PDUAL\",process=\"sockpop\"} 1"
expect_line "dualstat_sockets{netns=\"${LABEL[dual]}\",proto=\"tcp\",state=\"listening\",mode=\"dual\"} 1"
expect_line "dualstat_sockets{netns=\"${LABEL[v6only]}\",proto=\"tcp\",state=\"listening\",mode=\"v6only\"} 1"
expect_line "dualstat_sockets{netns=\"${LABEL[v6only]}\",proto=\"tcp\",state=\"listening\",mode=\"dual\"} 0"
! grep -q "^dualstat_listener_info{netns=\"${LABEL[v6only]}\"" "$T/m.prom" ||
	fail "the v6only container has a listener_info series"
[ "$(grep -c "^dualstat_bindv6only{netns=\"${LABEL[dual]}\"}" "$T/m.prom")" -eq 1 ] ||
	fail "the dual container's namespace is not exported exactly once"

## 3. A policy: no dual-stack listener on the test's ports.
cat >"$T/policy" <<EOP
# No dual-stack listener on the test's ports.
mode dual and (sport = :$PDUAL or sport = :$PV6)
EOP
rc=0
"$DUALSTAT" --all-netns --check -l -F "$T/policy" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--all-netns --check: exit $rc, not 1: $(cat "$T/err")"
# Other namespaces on the machine may match too: of ours, only the dual.
grep -F -e "${LABEL[dual]} " -e "${LABEL[v6only]} " "$T/out" >"$T/ours" || true
if [ "$(wc -l <"$T/ours")" -ne 1 ] ||
	! grep -q "^${LABEL[dual]} .*tcp .*dual .*\[::\]:$PDUAL " "$T/ours"; then
	fail "--all-netns --check found: $(cat "$T/out")"
fi
rc=0
"$DUALSTAT" -N "/proc/${PID[v6only]}/ns/net" --check -l -F "$T/policy" \
	>"$T/out" 2>"$T/err" || rc=$?
if [ "$rc" -ne 0 ] || grep -q ":$PV6 " "$T/out"; then
	fail "--check in the v6only container: exit $rc: $(cat "$T/out" "$T/err")"
fi
rc=0
"$DUALSTAT" -N "/proc/${PID[dual]}/ns/net" --check -q -l -F "$T/policy" \
	>"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "--check -q in the dual container: exit $rc, not 1"

echo "e2e_containers: $RUNTIME: all checks passed"
