#!/bin/bash
# .ci/fleet.sh - issue 10 in CI: dualstat --metrics through the real
# node_exporter and Prometheus, and the Debian package built, linted,
# installed, run and removed
# apt: prometheus prometheus-node-exporter curl jq bash-completion systemd debhelper dpkg-dev lintian man-db
#
# Assumes the tree is configured, built and checked (.ci/run); runs as
# root.  The package is built from make dist's tarball in a directory of
# its own, so this tree stays configured for the distcheck after.  Its
# tests are not run again (DEB_BUILD_OPTIONS=nocheck): make check just
# ran them on the same sources.
set -eu
make tests/sockpop

echo "=== end to end: node_exporter and Prometheus"
rc=0
DUALSTAT=$PWD/src/dualstat SOCKPOP=$PWD/tests/sockpop \
	bash tests/e2e_fleet.sh || rc=$?
if [ "$rc" = 77 ]; then
	echo ".ci/fleet.sh: end-to-end test skipped (see above)"
elif [ "$rc" != 0 ]; then
	exit "$rc"
fi

echo "=== Debian package"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make dist
version=$(sed -n 's/^PACKAGE_VERSION = //p' Makefile)
tar -C "$T" -xzf "dualstat-$version.tar.gz"
rm -f "dualstat-$version.tar.gz"
(cd "$T/dualstat-$version" &&
	DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b -Pnocheck)
deb=$(ls "$T"/dualstat_"$version"_*.deb)
# What the build left in debian/ is ignored by git, so a developer's
# dpkg-buildpackage leaves no untracked file in the work tree.
(cd "$T/dualstat-$version" && find debian -mindepth 1 -maxdepth 1 \
	\( -type d -printf '%p/\n' -o -printf '%p\n' \)) >"$T/left"
while read -r f; do
	git ls-files --error-unmatch "${f%/}" >/dev/null 2>&1 && continue
	git check-ignore -q --no-index "$f" ||
		{ echo "FAIL: dpkg-buildpackage leaves $f, not in .gitignore"; exit 1; }
done <"$T/left"
dpkg-deb -c "$deb"
lintian --fail-on error "$deb"
# --path-include: a minimal image may exclude man pages from dpkg.
dpkg --path-include='/usr/share/man/man8/dualstat.8.gz' -i "$deb"
/usr/sbin/dualstat -l
man -w dualstat
# The units are valid, and installing enabled nothing.
systemd-analyze verify /lib/systemd/system/dualstat-metrics.service \
	/lib/systemd/system/dualstat-metrics.timer
if [ -e /etc/systemd/system/timers.target.wants/dualstat-metrics.timer ]; then
	echo "FAIL: installing the package enabled dualstat-metrics.timer"
	exit 1
fi
# The installed completion, where bash-completion loads it on demand.
# shellcheck disable=SC2016 # expanded by the inner bash
bash --norc -c '. /usr/share/bash-completion/bash_completion
	_completion_loader dualstat
	COMP_WORDS=(dualstat --all-n); COMP_CWORD=1
	COMP_LINE="dualstat --all-n"; COMP_POINT=${#COMP_LINE}
	_comp_dualstat dualstat --all-n dualstat
	[ "${COMPREPLY[*]}" = --all-netns ]' ||
	{ echo "FAIL: the installed completion"; exit 1; }
dpkg -r dualstat
if [ -e /usr/sbin/dualstat ]; then
	echo "FAIL: dpkg -r left /usr/sbin/dualstat"
	exit 1
fi
echo ".ci/fleet.sh: all checks passed"
