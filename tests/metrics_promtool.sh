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

[ -n "${PROMTOOL:-}" ] && [ -x "$PROMTOOL" ] ||
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
echo "metrics_promtool: all checks passed"
