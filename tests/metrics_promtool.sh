#!/bin/bash
# metrics_promtool.sh - --metrics output passes promtool check metrics
# (root, private network namespace), and the alerting rules pass promtool
# test rules.
#
# The listener is held by a copy of sockpop whose name holds a double
# quote, a backslash and a newline, so the process label is escaped for
# real; promtool must then parse the file and find the series.  Skips (77)
# where promtool is not installed (Debian: prometheus).
set -eu

: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
: "${RULES:?RULES must name the contrib/prometheus directory}"
RELPOP=unused
# shellcheck source=tests/itest_lib.sh
. "$(dirname "$0")/itest_lib.sh"

# configure's choice, else one installed since configure ran.
[ -n "${PROMTOOL:-}" ] || PROMTOOL=$(command -v promtool || true)
[ -n "$PROMTOOL" ] && [ -x "$PROMTOOL" ] ||
	skip "promtool not installed (Debian: apt-get install prometheus)"

# The rules first: they need no root.
(cd "$RULES" && "$PROMTOOL" test rules dualstat.rules.test.yml) \
	>"$T/rules.out" 2>&1 || fail "promtool test rules: $(cat "$T/rules.out")"

itest_enter_netns "$@"

evil="$T/e\"v\\i
l"
cp "$SOCKPOP" "$evil"
mkfifo "$T/hold"
"$evil" 'tcp-dual:[::]:8080' 'tcp-v6only:[::]:8081' \
	connect:127.0.0.1:8080 <"$T/hold" >"$T/ready" &
exec 3>"$T/hold"
for _ in $(seq 100); do
	grep -q ready "$T/ready" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$T/ready" || fail "sockpop did not start"

"$DUALSTAT" --metrics=$T/out.prom -p --metrics-listeners=all 2>"$T/err" ||
	fail "dualstat --metrics failed: $(cat "$T/err")"
"$PROMTOOL" check metrics <"$T/out.prom" >"$T/check" 2>&1 ||
	fail "promtool check metrics: $(cat "$T/check")"
# The comm is the first 15 bytes of the name: e"v\i<LF>l.
grep -qxF 'dualstat_listener_info{netns="",proto="tcp",mode="dual",address="::",port="8080",process="e\"v\\i\nl"} 1' \
	"$T/out.prom" || fail "no escaped dual listener: $(grep listener "$T/out.prom")"
grep -qxF 'dualstat_sockets{netns="",proto="tcp",state="connected",mode="mapped"} 1' \
	"$T/out.prom" || fail "no mapped connection: $(cat "$T/out.prom")"
exec 3>&-

# --all-netns with a namespace named by ip netns add with a quote, a
# backslash, a newline and an escape sequence; in a private pid and mount
# namespace, so only the test's namespaces are listed and the host's
# /run/netns is neither seen nor touched.
# shellcheck disable=SC2016 # expanded by the inner bash
unshare --pid --mount --fork --mount-proc "$BASH" -c '
	set -e
	mkdir -p /run/netns
	mount -t tmpfs tmpfs /run/netns
	ip netns add "$(printf "ev\"il\\\\n\nx\033[31m")"
	"$1" --metrics --all-netns >"$2/all.prom"' sh "$DUALSTAT" "$T" \
	2>"$T/err" || fail "--metrics --all-netns: $(cat "$T/err")"
"$PROMTOOL" check metrics <"$T/all.prom" >"$T/check" 2>&1 ||
	fail "promtool check metrics (--all-netns): $(cat "$T/check")"
grep -qxF 'dualstat_bindv6only{netns="ev\"il\\n\nx\\x1b[31m"} 0' "$T/all.prom" ||
	fail "no escaped namespace: $(grep bindv6only "$T/all.prom")"
grep -qxF 'dualstat_namespace_errors 0' "$T/all.prom" ||
	fail "namespace errors: $(grep errors "$T/all.prom")"

# The exit status of --metrics=FILE says whether FILE was written (issue
# 17): an incomplete run (an entry under /run/netns that is no namespace)
# writes it, says how incomplete in it, and exits 0; one that cannot
# write it exits 2.  Without FILE, an incomplete listing still exits 2.
# shellcheck disable=SC2016 # expanded by the inner bash
rc=0
unshare --pid --mount --fork --mount-proc "$BASH" -c '
	mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns &&
	: >/run/netns/bogus || exit 99
	rc=0; "$1" --metrics --all-netns >/dev/null 2>&1 || rc=$?
	echo "$rc" >"$2/rc.stdout"
	exec "$1" --metrics="$2/inc.prom" --all-netns' sh "$DUALSTAT" "$T" \
	2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "incomplete --metrics=FILE: exit $rc, not 0: $(cat "$T/err")"
[ "$(cat "$T/rc.stdout")" = 2 ] ||
	fail "incomplete --metrics to stdout: exit $(cat "$T/rc.stdout"), not 2"
grep -q 'could not enter 1 of .*bogus' "$T/err" || fail "no warning: $(cat "$T/err")"
"$PROMTOOL" check metrics <"$T/inc.prom" >"$T/check" 2>&1 ||
	fail "promtool check metrics (incomplete): $(cat "$T/check")"
for want in 'dualstat_complete 0' 'dualstat_namespace_errors 1' \
	'dualstat_unreadable_processes 0' 'dualstat_protocols_missing 0'; do
	grep -qxF "$want" "$T/inc.prom" || fail "incomplete: no '$want': $(grep -v '^#' "$T/inc.prom")"
done
expect_error 2 "metrics .*no-such-dir/x.prom" \
	"$DUALSTAT" --metrics="$T/no-such-dir/x.prom"
echo "metrics_promtool: all checks passed"
