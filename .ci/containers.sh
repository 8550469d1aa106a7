#!/bin/bash
# .ci/containers.sh - issue 17 in CI: dualstat against real podman and
# docker containers, and the Kubernetes DaemonSet's image built and run
# apt: podman runc conmon docker.io containerd debootstrap debian-archive-keyring prometheus-node-exporter python3-yaml curl jq util-linux iproute2
#
# Assumes the tree is configured and built (.ci/run); runs as root.  CI
# installs every runtime, so a test that skips (77) fails here: a skipped
# end-to-end test would hide the very regressions it is for.  The image is
# built from make distdir's copy, as a user builds it from a release.
set -eu
make tests/sockpop

# must CMD...: runs a test; a skip (77) is a failure here.
must() {
	local rc=0
	"$@" || rc=$?
	if [ "$rc" -eq 77 ]; then
		echo ".ci/containers.sh: $* skipped (see above): CI must run it"
	fi
	[ "$rc" -eq 0 ] || exit 1
}

for runtime in podman docker; do
	echo "=== end to end: $runtime"
	must env DUALSTAT="$PWD/src/dualstat" SOCKPOP="$PWD/tests/sockpop" \
		bash tests/e2e_containers.sh "$runtime"
done

echo "=== end to end: the Kubernetes DaemonSet under podman"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make distdir distdir="$T/dualstat" >/dev/null
must env CONTEXT="$T/dualstat" SOCKPOP="$PWD/tests/sockpop" bash tests/e2e_k8s.sh
