#!/bin/bash
# .ci/containers.sh - issue 17 in CI: dualstat against real podman and
# docker containers, and the Kubernetes DaemonSet's image built and run
# apt: podman runc conmon docker.io containerd jq util-linux iproute2
#
# Assumes the tree is configured and built (.ci/run); runs as root.  CI
# installs every runtime, so a test that skips (77) fails here: a skipped
# end-to-end test would hide the very regressions it is for.
set -eu
make tests/sockpop

for runtime in podman docker; do
	echo "=== end to end: $runtime"
	DUALSTAT=$PWD/src/dualstat SOCKPOP=$PWD/tests/sockpop \
		bash tests/e2e_containers.sh "$runtime"
done
