/*
 * check_metrics.c - unit tests for the --metrics writer
 *
 * The expected texts are written here from the Prometheus text format
 * 0.0.4 (HELP and TYPE before each metric's samples, label values with
 * \\, \" and \n escaped) and the man page's list of series, not copied
 * from the writer's output.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_mem.h"
#include "check_suite.h"
#include "output.h"

static struct sock_entry
entry(int family, int proto, int state, int v6only, const char *local,
    uint16_t lport, uint32_t inode)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)family;
	sk.protocol = (uint8_t)proto;
	sk.state = (uint8_t)state;
	sk.v6only = (int8_t)v6only;
	sk.local_port = lport;
	sk.inode = inode;
	ck_assert_int_eq(inet_pton(family, local, sk.local_addr), 1);
	sock_classify(&sk);
	return sk;
}

/* The run "ends" 1.25 s after it started at monotonic 100 s. */
static int
fake_gettime(clockid_t clock, struct timespec *ts)
{
	(void)clock;
	ts->tv_sec = 101;
	ts->tv_nsec = 250000000;
	return 0;
}

static struct out_opts
metrics_opts(bool all_listeners)
{
	struct out_opts oo;

	memset(&oo, 0, sizeof(oo));
	oo.metrics.all_listeners = all_listeners;
	oo.metrics.zeros[0] = oo.metrics.zeros[1] = true;
	oo.metrics.started_real.tv_sec = 1700000000;
	oo.metrics.started_real.tv_nsec = 500000000;
	oo.metrics.started_mono.tv_sec = 100;
	oo.metrics.gettime = fake_gettime;
	return oo;
}

static void
write_rows(struct writer *w, const struct sock_entry *sks, size_t n,
    const struct procmap *procs)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct out_row row = { .sk = &sks[i], .procs = procs };

		ck_assert_int_eq(writer_row(w, &row), 0);
	}
}

#define HELP_SOCKETS \
	"# HELP dualstat_sockets Sockets per network namespace, protocol, " \
	"state group and mode, as dualstat -s counts them.\n" \
	"# TYPE dualstat_sockets gauge\n"
#define HELP_LISTENERS \
	"# HELP dualstat_listener_info Listening TCP and unconnected UDP " \
	"sockets (dual-stack ones only, unless --metrics-listeners=all), by " \
	"address and port; the value is their number.\n" \
	"# TYPE dualstat_listener_info gauge\n"
#define HELP_BINDV6ONLY \
	"# HELP dualstat_bindv6only net.ipv6.bindv6only of each network " \
	"namespace: 1 if IPv6 sockets are v6only unless they say " \
	"otherwise.\n" \
	"# TYPE dualstat_bindv6only gauge\n"
/* How complete the run was: dualstat_complete, then the counts. */
#define COMPLETENESS(complete, failed, unreadable, missing) \
	"# HELP dualstat_complete 1 if the run saw everything it was asked " \
	"to (every namespace entered, every process's namespace read, every " \
	"protocol dumped), else 0.\n" \
	"# TYPE dualstat_complete gauge\n" \
	"dualstat_complete " complete "\n" \
	"# HELP dualstat_namespace_errors Network namespaces that could not " \
	"be inspected.\n" \
	"# TYPE dualstat_namespace_errors gauge\n" \
	"dualstat_namespace_errors " failed "\n" \
	"# HELP dualstat_unreadable_processes Processes whose network " \
	"namespace could not be read and is not known to be one inspected: " \
	"their sockets may be missing.\n" \
	"# TYPE dualstat_unreadable_processes gauge\n" \
	"dualstat_unreadable_processes " unreadable "\n" \
	"# HELP dualstat_protocols_missing Protocol and family dumps the " \
	"kernel could not serve.\n" \
	"# TYPE dualstat_protocols_missing gauge\n" \
	"dualstat_protocols_missing " missing "\n"
#define HELP_MISSING \
	"# HELP dualstat_protocol_missing 1 for each protocol and family " \
	"the kernel could not dump (diag module not loaded).\n" \
	"# TYPE dualstat_protocol_missing gauge\n"
/* Timestamp 1700000000.5 s, duration 101.25 - 100 s. */
#define RUN_TAIL \
	"# HELP dualstat_last_run_timestamp_seconds When the run that wrote " \
	"these metrics started, in seconds since the Epoch.\n" \
	"# TYPE dualstat_last_run_timestamp_seconds gauge\n" \
	"dualstat_last_run_timestamp_seconds 1700000000.500\n" \
	"# HELP dualstat_run_duration_seconds How long the run took, in " \
	"seconds.\n" \
	"# TYPE dualstat_run_duration_seconds gauge\n" \
	"dualstat_run_duration_seconds 1.250000\n" \
	"# HELP dualstat_build_info Always 1; the version of dualstat that " \
	"wrote these metrics.\n" \
	"# TYPE dualstat_build_info gauge\n" \
	"dualstat_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"

/*
 * A plain run: one dual and one v6only TCP listener, an IPv4 client and
 * the mapped connection it made, a TIME-WAIT socket.  No UDP socket: its
 * listening dual and v6only series are there, at 0.
 */
START_TEST(test_metrics_plain)
{
	struct out_opts oo = metrics_opts(false);
	struct out_netns ns = { .bindv6only = 0 };
	struct out_status st = { .complete = true };
	struct sock_entry sks[5];
	struct writer w;

	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, TCP_LISTEN, SOCK_V6ONLY_NO, "::", 8080, 1);
	sks[1] = entry(
	    AF_INET6, IPPROTO_TCP, TCP_LISTEN, SOCK_V6ONLY_YES, "::", 8081, 2);
	sks[2] = entry(AF_INET, IPPROTO_TCP, TCP_ESTABLISHED,
	    SOCK_V6ONLY_UNKNOWN, "127.0.0.1", 40000, 3);
	sks[3] = entry(AF_INET6, IPPROTO_TCP, TCP_ESTABLISHED,
	    SOCK_V6ONLY_UNKNOWN, "::ffff:127.0.0.1", 8080, 4);
	sks[4] = entry(AF_INET, IPPROTO_TCP, TCP_TIME_WAIT, SOCK_V6ONLY_UNKNOWN,
	    "127.0.0.1", 40001, 0);
	open_mem();
	metrics_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	write_rows(&w, sks, 5, NULL);
	ck_assert_int_eq(writer_netns_end(&w, &st), 0);
	ck_assert_int_eq(writer_end(&w, &st), 0);
	ck_assert_str_eq(close_mem(),
	    HELP_SOCKETS
	    "dualstat_sockets{netns=\"\",proto=\"tcp\",state=\"listening\","
	    "mode=\"v6only\"} 1\n"
	    "dualstat_sockets{netns=\"\",proto=\"tcp\",state=\"listening\","
	    "mode=\"dual\"} 1\n"
	    "dualstat_sockets{netns=\"\",proto=\"tcp\",state=\"connected\","
	    "mode=\"v4\"} 1\n"
	    "dualstat_sockets{netns=\"\",proto=\"tcp\",state=\"connected\","
	    "mode=\"mapped\"} 1\n"
	    "dualstat_sockets{netns=\"\",proto=\"tcp\",state=\"time-wait\","
	    "mode=\"v4\"} 1\n"
	    "dualstat_sockets{netns=\"\",proto=\"udp\",state=\"listening\","
	    "mode=\"v6only\"} 0\n"
	    "dualstat_sockets{netns=\"\",proto=\"udp\",state=\"listening\","
	    "mode=\"dual\"} 0\n" HELP_LISTENERS
	    "dualstat_listener_info{netns=\"\",proto=\"tcp\",mode=\"dual\","
	    "address=\"::\",port=\"8080\",process=\"\"} 1\n" HELP_BINDV6ONLY
	    "dualstat_bindv6only{netns=\"\"} 0\n" COMPLETENESS(
		"1", "0", "0", "0") HELP_MISSING RUN_TAIL);
	done_mem();
}
END_TEST

/*
 * The hostile namespace name, byte by byte: n s " 1 \ x LF y ESC, U+202E
 * (RIGHT-TO-LEFT OVERRIDE, e2 80 ae), U+00E9 (c3 a9, printable), and 0xff
 * (never valid UTF-8).
 */
static const char hostile_ns[] = "ns\"1\\x\ny\x1b\xe2\x80\xae\xc3\xa9\xff";
/* As a label value: \" \\ \n as the format says, the rest as \\xHH. */
#define HOSTILE_NS_LABEL \
	"ns\\\"1\\\\x\\ny\\\\x1b\\\\xe2\\\\x80\\\\xae\xc3\xa9\\\\xff"

/*
 * --all-netns -p --metrics-listeners=all: two namespaces, one of which
 * (the hostile one) has no AF_INET6 TCP dump (so no TCP zeros there) and
 * a UDP v6only socket held by three processes, two of them with one name
 * and one with a quote and a newline in its; a third namespace could not
 * be entered.
 */
START_TEST(test_metrics_netns_hostile)
{
	struct out_opts oo = metrics_opts(true);
	struct out_netns a = { hostile_ns, 4026532000ULL, 1, NULL, 0 };
	struct out_netns b = { "blue", 4026532001ULL, -1, NULL, 0 };
	struct out_status st_a = { .complete = false, .nmissing = 1 };
	struct out_status st_b = { .complete = true };
	struct out_status st_end = {
		.complete = false,
		.nmissing = 1,
		.ns_total = 3,
		.ns_failed = 1,
		.ns_unreadable = 7,
	};
	struct sock_entry ska, skb;
	struct procmap *m;
	struct writer w;

	st_a.missing[0].family = AF_INET6;
	st_a.missing[0].protocol = IPPROTO_TCP;
	st_end.missing[0] = st_a.missing[0];
	m = procmap_new();
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 111), 0);
	ck_assert_int_eq(procmap_add(m, 111, 900, 3, "zz", 2), 0);
	ck_assert_int_eq(procmap_add(m, 111, 901, 3, "ng\"x\n", 5), 0);
	ck_assert_int_eq(procmap_add(m, 111, 902, 4, "zz", 2), 0);
	ska = entry(
	    AF_INET6, IPPROTO_UDP, TCP_CLOSE, SOCK_V6ONLY_YES, "::", 53, 111);
	skb = entry(AF_INET, IPPROTO_TCP, TCP_LISTEN, SOCK_V6ONLY_UNKNOWN,
	    "0.0.0.0", 22, 222);
	oo.netns = true;
	oo.processes = true;
	open_mem();
	metrics_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &a), 0);
	write_rows(&w, &ska, 1, m);
	ck_assert_int_eq(writer_netns_end(&w, &st_a), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &b), 0);
	write_rows(&w, &skb, 1, m);
	ck_assert_int_eq(writer_netns_end(&w, &st_b), 0);
	ck_assert_int_eq(writer_end(&w, &st_end), 0);
	ck_assert_str_eq(close_mem(),
	    HELP_SOCKETS
	    "dualstat_sockets{netns=\"" HOSTILE_NS_LABEL
	    "\",proto=\"udp\",state=\"listening\",mode=\"v6only\"} 1\n"
	    "dualstat_sockets{netns=\"" HOSTILE_NS_LABEL
	    "\",proto=\"udp\",state=\"listening\",mode=\"dual\"} 0\n"
	    "dualstat_sockets{netns=\"blue\",proto=\"tcp\","
	    "state=\"listening\",mode=\"v4\"} 1\n"
	    "dualstat_sockets{netns=\"blue\",proto=\"tcp\","
	    "state=\"listening\",mode=\"v6only\"} 0\n"
	    "dualstat_sockets{netns=\"blue\",proto=\"tcp\","
	    "state=\"listening\",mode=\"dual\"} 0\n"
	    "dualstat_sockets{netns=\"blue\",proto=\"udp\","
	    "state=\"listening\",mode=\"v6only\"} 0\n"
	    "dualstat_sockets{netns=\"blue\",proto=\"udp\","
	    "state=\"listening\",mode=\"dual\"} 0\n" HELP_LISTENERS
	    "dualstat_listener_info{netns=\"blue\",proto=\"tcp\","
	    "mode=\"v4\",address=\"0.0.0.0\",port=\"22\","
	    "process=\"\"} 1\n"
	    "dualstat_listener_info{netns=\"" HOSTILE_NS_LABEL
	    "\",proto=\"udp\",mode=\"v6only\",address=\"::\","
	    "port=\"53\",process=\"ng\\\"x\\n,zz\"} 1\n" HELP_BINDV6ONLY
	    "dualstat_bindv6only{netns=\"" HOSTILE_NS_LABEL
	    "\"} 1\n" COMPLETENESS("0", "1", "7", "1") HELP_MISSING
	    "dualstat_protocol_missing{proto=\"tcp\",family=\"inet6\"} "
	    "1\n" RUN_TAIL);
	done_mem();
	procmap_free(m);
}
END_TEST

/*
 * Two SO_REUSEPORT listeners (and a second, connected socket on the same
 * port) are one series of value 2: a series is never written twice.  -N's
 * argument is the netns label.
 */
START_TEST(test_metrics_reuseport)
{
	struct out_opts oo = metrics_opts(false);
	struct out_netns ns = { .bindv6only = 0 };
	struct out_status st = { .complete = true };
	struct sock_entry sks[3];
	struct writer w;
	const char *p;

	oo.metrics.netns = "web";
	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, TCP_LISTEN, SOCK_V6ONLY_NO, "::", 443, 1);
	sks[1] = sks[0];
	sks[1].inode = 2;
	sks[2] = entry(AF_INET6, IPPROTO_TCP, TCP_ESTABLISHED,
	    SOCK_V6ONLY_UNKNOWN, "::ffff:10.0.0.1", 443, 3);
	open_mem();
	metrics_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	write_rows(&w, sks, 3, NULL);
	ck_assert_int_eq(writer_netns_end(&w, &st), 0);
	ck_assert_int_eq(writer_end(&w, &st), 0);
	close_mem();
	ck_assert_ptr_nonnull(strstr(text,
	    "\ndualstat_listener_info{netns=\"web\",proto=\"tcp\","
	    "mode=\"dual\",address=\"::\",port=\"443\",process=\"\"} 2\n"));
	p = strstr(text, "dualstat_listener_info{");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(strstr(p + 1, "dualstat_listener_info{"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\ndualstat_sockets{netns=\"web\",proto=\"tcp\","
	    "state=\"listening\",mode=\"dual\"} 2\n"));
	done_mem();
}
END_TEST

/*
 * Without the zeros (a filter hid listeners) and with nothing listed, no
 * dualstat_sockets sample is written: "0 dual listeners" would be a lie.
 */
START_TEST(test_metrics_no_zeros)
{
	struct out_opts oo = metrics_opts(false);
	struct out_netns ns = { .bindv6only = -1 };
	struct out_status st = { .complete = true };
	struct writer w;

	oo.metrics.zeros[0] = oo.metrics.zeros[1] = false;
	open_mem();
	metrics_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_netns_end(&w, &st), 0);
	ck_assert_int_eq(writer_end(&w, &st), 0);
	ck_assert_str_eq(close_mem(),
	    HELP_SOCKETS HELP_LISTENERS HELP_BINDV6ONLY COMPLETENESS(
		"1", "0", "0", "0") HELP_MISSING RUN_TAIL);
	done_mem();
}
END_TEST

/* The label escaping alone, on the bytes the format treats specially. */
START_TEST(test_metrics_label)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{ "plain", 5, "plain" },
		{ "a\\b", 3, "a\\\\b" },
		{ "q\"q", 3, "q\\\"q" },
		{ "l\nl", 3, "l\\nl" },
		{ "t\tr\r", 4, "t\\\\x09r\\\\x0d" },
		{ "del\x7f", 4, "del\\\\x7f" },
		{ "c1\xc2\x85", 4, "c1\\\\xc2\\\\x85" },
		{ "lri\xe2\x81\xa6", 6, "lri\\\\xe2\\\\x81\\\\xa6" },
		{ "\xce\xbb", 2, "\xce\xbb" },
		{ "cut\xe2\x82", 5, "cut\\\\xe2\\\\x82" },
		{ "nul\0x", 5, "nul\\\\x00x" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		open_mem();
		metrics_write_label(mem, cases[i].in, cases[i].n);
		ck_assert_str_eq(close_mem(), cases[i].out);
		done_mem();
	}
}
END_TEST

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");

	check_add(s, "plain", test_metrics_plain);
	check_add(s, "netns_hostile", test_metrics_netns_hostile);
	check_add(s, "reuseport", test_metrics_reuseport);
	check_add(s, "no_zeros", test_metrics_no_zeros);
	check_add(s, "label", test_metrics_label);
	return s;
}

int
main(void)
{
	return check_run(metrics_suite());
}
