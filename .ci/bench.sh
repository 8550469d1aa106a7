#!/bin/bash
# .ci/bench.sh - keep the benchmark from rotting (issue 5)
# apt: iproute2 net-tools
#
# Builds the benchmark tools and runs them once at 1,000 sockets in a
# private network namespace: it checks that popgen, the raw floor and
# every timed command run and agree on the socket count.  No timing is
# judged.  Assumes the tree is configured and built; runs as root.
set -eu
make bench-smoke
