#!/bin/bash
# e2e_fleet.sh - dualstat --metrics through the real node_exporter and
# Prometheus, end to end (issue 10; root; run by .ci/fleet.sh)
#
# Everything happens in a private network namespace, so the ports are the
# test's own and a node_exporter or Prometheus that installing the Debian
# packages may have started elsewhere is neither reached nor disturbed:
#  1. a dual listener (port 8080), a v6only one (8081) and IPv4 clients of
#     the first, held by a process named "webd"; dualstat --metrics=FILE -p;
#  2. node_exporter's textfile collector serves FILE: its /metrics has the
#     series with the right values;
#  3. Prometheus scrapes node_exporter every second: the HTTP API answers
#     dualstat_listener_info{mode="dual"} with port 8080 and process webd,
#     the rules file is loaded and DualstatDualStackListener fires;
#  4. with the dual listener closed, a second run drops the series from the
#     file, node_exporter and Prometheus; a failing run (a namespace that
#     does not exist) exits 2 with one line and leaves FILE as it was;
#  5. an incomplete run (--all-netns with a namespace it cannot enter)
#     still writes FILE and exits 0, as the timer's unit needs; FILE says
#     dualstat_complete 0 and why, Prometheus has it, and
#     DualstatIncomplete is pending (it fires after 15 minutes: promtool's
#     rule tests check that).
# Each wait is bounded.  Skips (77) without root or the Debian packages.
set -eu

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
RULES=${RULES:-$(cd "$(dirname "$0")/../contrib/prometheus" && pwd)}
RELPOP=unused
# shellcheck source=tests/itest_lib.sh
. "$(dirname "$0")/itest_lib.sh"

NODE_EXPORTER=${NODE_EXPORTER:-prometheus-node-exporter}
PROMETHEUS=${PROMETHEUS:-prometheus}
for tool in "$NODE_EXPORTER" "$PROMETHEUS" curl jq; do
	command -v "$tool" >/dev/null ||
		skip "no $tool (Debian: prometheus prometheus-node-exporter curl jq)"
done
itest_enter_netns "$@"

NE=127.0.0.1:19100
PROM=127.0.0.1:19090
DIR=$T/textfile
FILE=$DIR/dualstat.prom
mkdir "$DIR"
pids=()
cleanup() {
	local pid
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	umount "$DIR" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

# wait_for SECONDS WHAT CMD...: runs CMD every 0.2 s until it succeeds.
wait_for() {
	local limit=$1 what=$2 i
	shift 2
	for ((i = 0; i < limit * 5; i++)); do
		if "$@" >/dev/null 2>&1; then
			echo "e2e_fleet: $what after $((i / 5)) s"
			return 0
		fi
		sleep 0.2
	done
	fail "$what: not within $limit s"
}

# The sockets, held by "webd" (a copy of sockpop) until fd 3 closes (the
# servers are started without fd 3, so they do not keep it open).
hold() {
	cp "$SOCKPOP" "$T/webd"
	rm -f "$T/hold" "$T/ready"
	mkfifo "$T/hold"
	"$T/webd" "$@" <"$T/hold" >"$T/ready" &
	webd=$!
	exec 3>"$T/hold"
	wait_for 10 "webd $*" grep -q ready "$T/ready"
}

hold 'tcp-dual:[::]:8080' 'tcp-v6only:[::]:8081' connect:127.0.0.1:8080 \
	connect:127.0.0.1:8080

# 1. The first run.
"$DUALSTAT" --metrics="$FILE" -p 2>"$T/err" ||
	fail "dualstat --metrics=FILE -p: $(cat "$T/err")"
grep -qxF 'dualstat_listener_info{netns="",proto="tcp",mode="dual",address="::",port="8080",process="webd"} 1' \
	"$FILE" || fail "no dual listener in FILE: $(grep listener "$FILE")"
[ "$(ls -A "$DIR")" = dualstat.prom ] || fail "left in DIR: $(ls -A "$DIR")"

# 2. node_exporter, textfile collector only.
"$NODE_EXPORTER" --web.listen-address="$NE" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$DIR" \
	>"$T/ne.log" 2>&1 3>&- &
pids+=($!)
wait_for 20 "node_exporter ready" curl -fsS "http://$NE/metrics"
curl -fsS "http://$NE/metrics" >"$T/ne.txt"
# node_exporter sorts the labels by name.
expect_sample() {
	grep -qxF "$1" "$T/ne.txt" || fail "node_exporter lacks '$1': $(grep dualstat_ "$T/ne.txt")"
}
expect_sample 'dualstat_listener_info{address="::",mode="dual",netns="",port="8080",process="webd",proto="tcp"} 1'
expect_sample 'dualstat_sockets{mode="dual",netns="",proto="tcp",state="listening"} 1'
expect_sample 'dualstat_sockets{mode="v6only",netns="",proto="tcp",state="listening"} 1'
expect_sample 'dualstat_sockets{mode="v4",netns="",proto="tcp",state="connected"} 2'
expect_sample 'dualstat_sockets{mode="mapped",netns="",proto="tcp",state="connected"} 2'
expect_sample 'dualstat_sockets{mode="dual",netns="",proto="udp",state="listening"} 0'
expect_sample 'dualstat_bindv6only{netns=""} 0'
expect_sample 'dualstat_namespace_errors 0'
expect_sample 'dualstat_complete 1'
expect_sample 'dualstat_unreadable_processes 0'
expect_sample 'dualstat_protocols_missing 0'
! grep -q 'dualstat_listener_info{.*port="8081"' "$T/ne.txt" ||
	fail "the v6only listener has a listener_info series"
grep -q '^node_textfile_scrape_error 0$' "$T/ne.txt" ||
	fail "node_exporter could not read FILE: $(grep textfile "$T/ne.txt")"

# 3. Prometheus, scraping and evaluating every second, with the rules.
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $RULES/dualstat.rules.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['$NE']
EOF
"$PROMETHEUS" --config.file="$T/prometheus.yml" \
	--storage.tsdb.path="$T/tsdb" --web.listen-address="$PROM" \
	>"$T/prom.log" 2>&1 3>&- &
pids+=($!)
wait_for 60 "Prometheus ready" curl -fsS "http://$PROM/-/ready"

query() {
	curl -fsS "http://$PROM/api/v1/query" --data-urlencode "query=$1"
}
has_dual_listener() {
	query 'dualstat_listener_info{mode="dual"}' | jq -e \
		'.data.result | length == 1 and .[0].metric.port == "8080"
		and .[0].metric.process == "webd" and .[0].value[1] == "1"'
}
wait_for 30 "Prometheus answers dualstat_listener_info{mode=\"dual\"}" \
	has_dual_listener
curl -fsS "http://$PROM/api/v1/rules" | jq -e '[.data.groups[] |
	select(.name == "dualstat") | .rules[].name] | sort ==
	["DualstatDualStackListener", "DualstatIncomplete",
	 "DualstatMetricsStale", "DualstatNamespaceErrors"]' >/dev/null ||
	fail "the rules are not loaded: $(curl -fsS "http://$PROM/api/v1/rules")"
alert_fires() {
	curl -fsS "http://$PROM/api/v1/alerts" | jq -e '[.data.alerts[] |
		select(.labels.alertname == "DualstatDualStackListener" and
		.state == "firing" and .labels.port == "8080" and
		.labels.process == "webd")] | length == 1'
}
wait_for 30 "DualstatDualStackListener firing" alert_fires
# The other alerts must not fire on a healthy run.
curl -fsS "http://$PROM/api/v1/alerts" | jq -e '[.data.alerts[] |
	select(.labels.alertname != "DualstatDualStackListener")] |
	length == 0' >/dev/null || fail "other alerts fire: $(curl -fsS "http://$PROM/api/v1/alerts")"

# 4. The dual listener closes; the second run drops its series.
exec 3>&-
kill "$webd" 2>/dev/null || true
wait "$webd" 2>/dev/null || true
hold 'tcp-v6only:[::]:8081'
"$DUALSTAT" --metrics="$FILE" -p 2>"$T/err" ||
	fail "second run: $(cat "$T/err")"
! grep -q '^dualstat_listener_info{' "$FILE" ||
	fail "a listener_info series is left: $(grep listener "$FILE")"
grep -qxF 'dualstat_sockets{netns="",proto="tcp",state="listening",mode="dual"} 0' \
	"$FILE" || fail "no zero dual count: $(cat "$FILE")"
curl -fsS "http://$NE/metrics" >"$T/ne.txt"
! grep -q '^dualstat_listener_info{' "$T/ne.txt" ||
	fail "node_exporter still serves a listener"
expect_sample 'dualstat_sockets{mode="dual",netns="",proto="tcp",state="listening"} 0'
no_dual_listener() {
	query 'dualstat_listener_info{mode="dual"}' |
		jq -e '.data.result | length == 0'
}
wait_for 30 "the series gone from Prometheus" no_dual_listener

# A run that fails leaves the file as it was, and no temporary file.
cp -p "$FILE" "$T/before"
expect_error 2 'network namespace .*no-such-ns' \
	"$DUALSTAT" --metrics="$FILE" -p -N no-such-ns
cmp -s "$FILE" "$T/before" || fail "a failed run changed FILE"
[ "$(ls -A "$DIR")" = dualstat.prom ] || fail "left in DIR: $(ls -A "$DIR")"
# So does one that fails after it began writing: a full file system.
if mount -t tmpfs -o size=16k tmpfs "$DIR" 2>/dev/null; then
	cp "$T/before" "$FILE"
	head -c 65536 /dev/zero >"$DIR/filler" 2>/dev/null || true
	rc=0
	"$DUALSTAT" --metrics="$FILE" -p --metrics-listeners=all \
		>"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "full file system: exit $rc, not 2"
	grep -q -- "--metrics $FILE: write error: No space left" "$T/err" ||
		fail "full file system: $(cat "$T/err")"
	cmp -s "$FILE" "$T/before" || fail "a failed write changed FILE"
	[ "$(ls -A "$DIR" | tr '\n' ' ')" = "dualstat.prom filler " ] ||
		fail "left in DIR: $(ls -A "$DIR")"
	umount "$DIR"
fi
exec 3>&-

# 5. An incomplete run: --all-netns with an entry under /run/netns that is
#    no namespace (in a mount namespace of its own, so the host's /run is
#    not touched).  The file is written and the status is 0; the file says
#    how incomplete it is, and the rules see it.
rc=0
unshare -m sh -c 'mount -t tmpfs tmpfs /run && mkdir /run/netns &&
	: >/run/netns/not-a-namespace && exec "$@"' sh \
	"$DUALSTAT" --all-netns --metrics="$FILE" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 0 ] || fail "incomplete --metrics=FILE run: exit $rc, not 0: $(cat "$T/err")"
grep -q 'could not enter 1 of .*not-a-namespace' "$T/err" ||
	fail "incomplete run: no warning: $(cat "$T/err")"
grep -qx 'dualstat_complete 0' "$FILE" || fail "FILE says complete: $(grep -v '^#' "$FILE")"
grep -qx 'dualstat_namespace_errors 1' "$FILE" || fail "FILE: no namespace error"
incomplete() {
	query 'dualstat_complete == 0 and dualstat_namespace_errors == 1' |
		jq -e '.data.result | length == 1'
}
wait_for 30 "Prometheus sees the incomplete run" incomplete
pending() {
	curl -fsS "http://$PROM/api/v1/alerts" | jq -e '[.data.alerts[] |
		select(.labels.alertname == "DualstatIncomplete" and
		.state == "pending")] | length == 1'
}
wait_for 30 "DualstatIncomplete pending" pending
echo "e2e_fleet: all checks passed"
