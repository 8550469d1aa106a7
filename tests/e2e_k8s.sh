#!/bin/bash
# e2e_k8s.sh - the Kubernetes DaemonSet's pod, run under podman, read by
# the real node_exporter (issue 17; root; run by .ci/containers.sh)
#
# Usage: CONTEXT=DIR SOCKPOP=... e2e_k8s.sh
#   CONTEXT   a clean copy of the tree (make distdir), the build context
#   BASE_TAR  optional: a tar of a Debian bookworm root file system to seed
#             the base images with, instead of debootstrap
#
# No registry is reachable, so the base images the Containerfile names,
# debian:bookworm and debian:bookworm-slim, are seeded locally: one
# debootstrap --variant=minbase bookworm root (from the Debian mirror),
# imported under both names.  Then:
#  1. podman builds contrib/kubernetes/Containerfile from CONTEXT, as a
#     user would (its stages install their packages from the mirror);
#  2. a population: a podman container (root) with a dual listener, and a
#     process of uid 1000 in a network namespace of its own with another;
#  3. the DaemonSet's pod runs under podman with the pid namespace, user,
#     capabilities, read-only root, seccomp and AppArmor settings, mount,
#     environment, memory limit and command read from the manifest by
#     tests/k8s_manifest.py (so they cannot drift), the hostPath being a
#     directory of the test's: it is the only place the pod can write;
#  4. node_exporter's textfile collector reads that directory: its /metrics
#     has both listeners, each with its owner, the container's labelled
#     with (a label containing) the first 12 hex digits of its id;
#  5. each of SYS_ADMIN, SYS_PTRACE, DAC_READ_SEARCH and hostPID taken away
#     in turn loses one of those facts: none of them is more than needed.
# podman keeps its state under the test's directory.  Each wait is
# bounded.  Skips (77) with the reason where something cannot run.
set -eu

: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
: "${CONTEXT:?CONTEXT must name a clean copy of the tree (make distdir)}"
TESTS=$(cd "$(dirname "$0")" && pwd)
MANIFEST=$CONTEXT/contrib/kubernetes/dualstat-daemonset.yaml
NODE_EXPORTER=${NODE_EXPORTER:-prometheus-node-exporter}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

skip() {
	echo "SKIP: e2e_k8s: $*" >&2
	exit 77
}
fail() {
	echo "FAIL: e2e_k8s: $*" >&2
	exit 1
}
say() { echo "e2e_k8s: $* ($SECONDS s)"; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
for tool in podman "$NODE_EXPORTER" curl unshare nsenter setpriv ldd; do
	command -v "$tool" >/dev/null ||
		skip "no $tool (Debian: podman runc prometheus-node-exporter curl util-linux)"
done
[ -n "${BASE_TAR:-}" ] || command -v debootstrap >/dev/null ||
	skip "no debootstrap (Debian: debootstrap)"
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import yaml' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || skip "no python3 with the yaml module (Debian: python3-yaml)"
[ -f "$CONTEXT/contrib/kubernetes/Containerfile" ] ||
	fail "CONTEXT $CONTEXT has no contrib/kubernetes/Containerfile"

T=$(mktemp -d)
containers=()
pids=()
cleanup() {
	local c pid
	# sockpop and the loop's sh are PID 1 there: kill at once.
	for c in "${containers[@]}"; do
		pm rm -f -t 0 "$c" >/dev/null 2>&1 || true
	done
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	# conmon runs "podman container cleanup" as each container exits.
	for ((i = 0; i < 50; i++)); do
		pgrep -f -- "--root $T/podman/root" >/dev/null || break
		sleep 0.2
	done
	grep -o " $T/[^ ]*" /proc/self/mounts | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT

# podman with its state under $T: runc and cgroupfs need no systemd.
PODMAN=(podman --root "$T/podman/root" --runroot "$T/podman/run"
	--tmpdir "$T/podman/tmp" --storage-driver overlay
	--runtime runc --cgroup-manager cgroupfs --events-backend none)
pm() { "${PODMAN[@]}" "$@"; }

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
	fail "$what: not within $limit s"
}

# Limits for every container: on some machines (this one) runc may not
# set podman's defaults (1048576 open files, the caller's process limit)
# and the container does not start.  Kubernetes sets no limits of its own;
# these are only the test machine's.
cat >"$T/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
EOF
export CONTAINERS_CONF=$T/containers.conf
mkdir -p "$T/podman"
pm info >"$T/info" 2>&1 || skip "podman cannot run here: $(tail -n 1 "$T/info")"

## The base images, seeded locally.
if [ -z "${BASE_TAR:-}" ]; then
	timeout 600 debootstrap --variant=minbase bookworm "$T/base" \
		"$MIRROR" >"$T/debootstrap.log" 2>&1 ||
		skip "debootstrap from $MIRROR failed: $(tail -n 1 "$T/debootstrap.log")"
	BASE_TAR=$T/base.tar
	tar -C "$T/base" -cf "$BASE_TAR" .
	rm -rf "$T/base"
	say "debootstrap done"
fi
pm import "$BASE_TAR" docker.io/library/debian:bookworm >/dev/null ||
	fail "podman import of the base"
pm tag docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim

## 1. The image, built as a user builds it (the stages fetch their
## packages from the mirror, hence the host's network for the build).
IMAGE=localhost/dualstat-e2e:$$
timeout 900 "${PODMAN[@]}" build --pull=never --network=host \
	-f "$CONTEXT/contrib/kubernetes/Containerfile" -t "$IMAGE" "$CONTEXT" \
	>"$T/build.log" 2>&1 ||
	fail "podman build: $(tail -n 20 "$T/build.log")"
say "image built"
pm run --rm --network=none "$IMAGE" --version >"$T/version" 2>&1 ||
	fail "the image does not run dualstat: $(cat "$T/version")"
grep -q '^dualstat ' "$T/version" || fail "dualstat --version: $(cat "$T/version")"

## 2. The population.
PC=$((20000 + $$ % 20000))
PU=$((PC + 1))
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"/{proc,sys,dev,etc,tmp}
for f in "$SOCKPOP" $(ldd "$SOCKPOP" | grep -o '/[^ ]*'); do
	mkdir -p "$ROOTFS$(dirname "$f")"
	cp -L "$f" "$ROOTFS$f"
done
ln -s "${SOCKPOP#/}" "$ROOTFS/sockpop"
cid=$(pm run -d -i --network none --rootfs "$ROOTFS" /sockpop \
	"tcp-dual:[::]:$PC" 2>"$T/run.err") ||
	fail "the population container: $(cat "$T/run.err")"
containers+=("$cid")
logs_ready() { pm logs "$1" 2>/dev/null | grep -q '^ready'; }
wait_for 20 "the population container ready" logs_ready "$cid"
[[ $cid =~ ^[0-9a-f]{64}$ ]] || fail "podman run: id '$cid'"
[ "$(pm inspect -f '{{.Id}}' "$cid")" = "$cid" ] || fail "podman inspect: another id"
ID12=${cid:0:12}
# uid 1000's process, holding its socket while its standard input is open.
cp "$SOCKPOP" "$T/usersock"
chmod 755 "$T" "$T/usersock"
mkfifo "$T/hold"
unshare -n setpriv --reuid 1000 --regid 1000 --clear-groups \
	"$T/usersock" "tcp-dual:[::]:$PU" <"$T/hold" >"$T/user.out" 2>&1 &
pids+=($!)
exec 3>"$T/hold"
wait_for 10 "uid 1000's listener ready" grep -q ready "$T/user.out"

## 3. The DaemonSet's pod, as the manifest has it.
# pod_args DIR [--without WHAT]...: the pod's podman options in OPTS and
# its command's arguments in ARGS, its hostPath being DIR.
pod_args() {
	local dir=$1 w seen=
	shift
	OPTS=()
	ARGS=()
	mkdir -p "$dir"
	"$PY" "$TESTS/k8s_manifest.py" podman "$MANIFEST" "$dir" "$@" \
		>"$T/podargs" || fail "k8s_manifest.py podman $*"
	while IFS= read -r -d '' w; do
		if [ -n "$seen" ]; then
			ARGS+=("$w")
		elif [ "$w" = IMAGE ]; then
			seen=1
		else
			OPTS+=("$w")
		fi
	done <"$T/podargs"
}
# run_pod DIR [--without WHAT]...: the pod writing into DIR until its
# file appears.
run_pod() {
	local dir=$1 name
	pod_args "$@"
	shift
	name=dualstat-pod-$$-${#containers[@]}
	pm run -d --name "$name" "${OPTS[@]}" "$IMAGE" "${ARGS[@]}" \
		>"$T/pod.id" 2>"$T/pod.err" ||
		fail "the pod ($*): $(cat "$T/pod.err")"
	containers+=("$(cat "$T/pod.id")")
	wait_for 30 "the pod's metrics file ($*)" test -s "$dir/dualstat.prom"
	# One run is enough: stop the loop before the next.
	pm rm -f -t 0 "$name" >/dev/null 2>&1
}
# The textfile directory is the pod's only writable place.
pod_args "$T/probe"
# shellcheck disable=SC2016 # run by the pod's sh -c
pm run --rm "${OPTS[@]}" "$IMAGE" 'for d in / /tmp /run /var /textfile; do
	touch "$d/probe" 2>/dev/null && echo "$d"; done; true' \
	>"$T/writable" 2>&1 || fail "the write probe: $(cat "$T/writable")"
[ "$(cat "$T/writable")" = /textfile ] ||
	fail "writable in the pod: $(tr '\n' ' ' <"$T/writable")"
[ -e "$T/probe/probe" ] || fail "the probe is not in the textfile directory"
run_pod "$T/textfile"
[ "$(ls -A "$T/textfile")" = dualstat.prom ] ||
	fail "left in the textfile directory: $(ls -A "$T/textfile")"
say "the pod wrote its file"

## 4. node_exporter reads the directory, on a loopback of its own.
NE=127.0.0.1:19100
# shellcheck disable=SC2016 # expanded by the inner sh
unshare -n sh -c 'ip link set lo up && exec "$0" "$@"' "$NODE_EXPORTER" \
	--web.listen-address="$NE" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$T/textfile" \
	>"$T/ne.log" 2>&1 3>&- &
ne=$!
pids+=("$ne")
scrape() { nsenter -t "$ne" -n curl -fsS "http://$NE/metrics"; }
wait_for 20 "node_exporter ready" scrape
scrape >"$T/ne.txt"
grep -q '^node_textfile_scrape_error 0$' "$T/ne.txt" ||
	fail "node_exporter could not read the file: $(grep textfile "$T/ne.txt")"
# node_exporter sorts the labels by name.
listener() { # FILE PORT: the listener_info series of PORT
	grep "^dualstat_listener_info{address=\"::\",mode=\"dual\",netns=\"[^\"]*\",port=\"$2\",process=\"[^\"]*\",proto=\"tcp\"} 1$" "$1" || true
}
complete() { # FILE: both listeners, each with its owner, one labelled ID12
	[ "$(listener "$1" "$PC" | grep -c "netns=\"[^\"]*${ID12}[^\"]*\".*process=\"sockpop\"")" -eq 1 ] &&
		[ "$(listener "$1" "$PU" | grep -c 'process="usersock"')" -eq 1 ]
}
complete "$T/ne.txt" ||
	fail "node_exporter's /metrics lacks a listener or its owner (container $ID12): $(grep '^dualstat_listener_info' "$T/ne.txt")"
say "node_exporter serves both listeners, container $ID12's as: $(listener "$T/ne.txt" "$PC")"

## 5. Each privilege the manifest grants is needed.  The runs write
## directly (node_exporter read this same format above).
for what in SYS_ADMIN SYS_PTRACE DAC_READ_SEARCH hostPID; do
	run_pod "$T/without-$what" --without "$what"
	# node_exporter would serve these lines sorted the same way.
	sed -E 's/^dualstat_listener_info\{netns="([^"]*)",proto="([^"]*)",mode="([^"]*)",address="([^"]*)",port="([^"]*)",process="([^"]*)"\}/dualstat_listener_info{address="\4",mode="\3",netns="\1",port="\5",process="\6",proto="\2"}/' \
		"$T/without-$what/dualstat.prom" >"$T/without-$what.txt"
	if complete "$T/without-$what.txt"; then
		fail "without $what the pod still sees both listeners and their owners: $what is not needed"
	fi
	say "without $what: $(grep -c '^dualstat_listener_info' "$T/without-$what.txt") listener series, one of ours or its owner missing"
done
exec 3>&-
say "all checks passed"
