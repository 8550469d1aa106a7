/*
 * check_cli.c - the command line, from a table of argv cases (cli.c)
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "check_suite.h"
#include "cli.h"

#define MAX_ARGS 8

/* What a good command line must produce. */
struct want {
	enum cli_action action;
	bool tcp, udp, inet, inet6;
	enum cli_view view;
	bool extended, header, json;
};

static const struct {
	const char *argv[MAX_ARGS];
	struct want want;
} good[] = {
	{ { NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-t", NULL },
	    { CLI_LIST, true, false, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "--udp", "-6", NULL },
	    { CLI_LIST, false, true, false, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "-tu46", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-4", NULL },
	    { CLI_LIST, true, true, true, false, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "-l", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_LISTENING, false, true,
		false } },
	{ { "--listening", "--all", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_ALL, false, true,
		false } },
	{ { "-al", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_LISTENING, false, true,
		false } },
	{ { "-tlne", NULL },
	    { CLI_LIST, true, false, true, true, CLI_VIEW_LISTENING, true, true,
		false } },
	{ { "-H", "--extended", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, true, false,
		false } },
	{ { "--json", "--ipv4", "--tcp", NULL },
	    { CLI_LIST, true, false, true, false, CLI_VIEW_CONNECTED, false,
		true, true } },
	{ { "--numeric", "--no-header", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false,
		false, false } },
	{ { "-h", NULL },
	    { CLI_HELP, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-a", "--help", NULL },
	    { CLI_HELP, true, true, true, true, CLI_VIEW_ALL, false, true,
		false } },
	{ { "-V", NULL },
	    { CLI_VERSION, true, true, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "--version", NULL },
	    { CLI_VERSION, true, true, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	/* --metrics counts every state, as -s does, unless narrowed. */
	{ { "--metrics", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_ALL, false, true,
		false } },
	{ { "--metrics=/tmp/m.prom", "-lt", NULL },
	    { CLI_LIST, true, false, true, true, CLI_VIEW_LISTENING, false,
		true, false } },
};

static const struct {
	const char *argv[MAX_ARGS];
	const char *message;
} bad[] = {
	{ { "-x", NULL }, "unknown option '-x'" },
	{ { "-tz", NULL }, "unknown option '-z'" },
	{ { "--tpc", NULL }, "unknown or ambiguous option '--tpc'" },
	{ { "--n", NULL }, "unknown or ambiguous option '--n'" },
	{ { "--all=yes", NULL }, "option '--all' takes no argument" },
	{ { "listen", NULL }, "unexpected argument 'listen'" },
	{ { "-a", "--", "-l", NULL }, "unexpected argument '-l'" },
	{ { "-j", "-H", NULL },
	    "-H/--no-header and -j/--json cannot be combined" },
	{ { "", NULL }, "unexpected argument ''" },
	{ { "-N", NULL }, "option '-N' needs an argument" },
	{ { "--netns", NULL }, "option '--netns' needs an argument" },
	{ { "-N", "", NULL }, "-N/--netns needs a namespace name or path" },
	{ { "-N", "blue", "--all-netns", NULL },
	    "-N/--netns and --all-netns cannot be combined" },
	{ { "--all-netns=1", NULL }, "option '--all-netns' takes no argument" },
	{ { "-p", "-s", NULL },
	    "-p/--processes shows nothing with -s/--summary" },
	{ { "--check", "-qp", NULL },
	    "-p/--processes shows nothing with -q/--quiet" },
	/* -A. */
	{ { "-A", "tcp,icmp", NULL },
	    "-A/--query: unknown protocol 'icmp' (tcp, udp, mptcp, sctp, "
	    "raw, all)" },
	{ { "-A", "", NULL },
	    "-A/--query: unknown protocol '' (tcp, udp, mptcp, sctp, raw, "
	    "all)" },
	{ { "-A", "tcp,", NULL },
	    "-A/--query: unknown protocol '' (tcp, udp, mptcp, sctp, raw, "
	    "all)" },
	{ { "-A", "all,!all", NULL },
	    "-A/--query 'all,!all' leaves no protocol to list" },
	{ { "--query", NULL }, "option '--query' needs an argument" },
	/* Filters. */
	{ { "-m", "v4,dual6", NULL },
	    "-m/--mode: unknown mode 'dual6' (modes: v4, v6, v6only, dual, "
	    "mapped)" },
	{ { "-m", "", NULL },
	    "-m/--mode: unknown mode '' (modes: v4, v6, v6only, dual, "
	    "mapped)" },
	{ { "-m", NULL }, "option '-m' needs an argument" },
	{ { "--state", "established,estab", NULL },
	    "--state: unknown state 'estab' (ss names: established, listen, "
	    "time-wait, connected, all...)" },
	{ { "--sport", "65536", NULL },
	    "--sport: '65536' is not a port number (0-65535)" },
	{ { "--dport", "http", NULL },
	    "--dport: 'http' is not a port number (0-65535)" },
	{ { "--src", "10.0.0.0/33", NULL },
	    "--src: '10.0.0.0/33': prefix length out of range (0-32 for IPv4, "
	    "0-128 for IPv6)" },
	{ { "--dst", "::ffff:1.2.3.4/200", NULL },
	    "--dst: '::ffff:1.2.3.4/200': prefix length out of range (0-32 "
	    "for IPv4, 0-128 for IPv6)" },
	{ { "--src", "abc", NULL },
	    "--src: 'abc' is not an IPv4 or IPv6 address or prefix" },
	{ { "--dst", "10.0.0.0/8/8", NULL },
	    "--dst: '10.0.0.0/8/8' is not an IPv4 or IPv6 address or prefix" },
	{ { "-4", "-m", "dual", "-l", NULL },
	    "-4 and -m dual can never match: those sockets are AF_INET6 (use "
	    "-6 or drop -4)" },
	{ { "-4", "-m", "v6,mapped", NULL },
	    "-4 and -m v6,mapped can never match: those sockets are AF_INET6 "
	    "(use -6 or drop -4)" },
	{ { "--dual", "-4", NULL },
	    "-4 and --dual can never match: those sockets are AF_INET6 (use -6 "
	    "or drop -4)" },
	{ { "-4", "--src", "2001:db8::/32", NULL },
	    "-4 and IPv6 --src/--dst prefixes can never match" },
	{ { "-6", "-m", "v4", NULL },
	    "-6 and -m v4 can never match: v4 sockets are AF_INET" },
	{ { "-m", "dual", NULL },
	    "-m dual matches only listening or unconnected sockets: add -l or "
	    "-a" },
	{ { "-m", "v6only,dual", NULL },
	    "-m v6only,dual matches only listening or unconnected sockets: add "
	    "-l or -a" },
	{ { "--state", "established", "-m", "dual", NULL },
	    "--state and -m dual can never match: dual and v6only sockets are "
	    "listening or unconnected" },
	{ { "--dual", "-m", "v4", NULL },
	    "--dual and -m/--mode cannot be combined (--dual is -a -m "
	    "dual,mapped)" },
	{ { "--check", "-s", NULL },
	    "--check and -s/--summary cannot be combined" },
	{ { "-q", NULL }, "-q/--quiet needs --check" },
	/* Untrusted bytes are quoted: one line, no raw escape, bounded. */
	{ { "a\nforged: line", NULL },
	    "unexpected argument 'a\\x0aforged: line'" },
	{ { "--x\033[2J", NULL }, "unknown or ambiguous option '--x\\x1b[2J'" },
	{ { "\xff\xfe", NULL }, "unexpected argument '\\xff\\xfe'" },
	{ { "a\\b", NULL }, "unexpected argument 'a\\x5cb'" },
	{ { "-\x9b", NULL }, "unknown option '-\\x9b'" },
	{ { "--sport", "2\n2", NULL },
	    "--sport: '2\\x0a2' is not a port number (0-65535)" },
	{ { "--all=\n", NULL }, "option '--all' takes no argument" },
	{ { "0123456789012345678901234567890123456789012345678901234567890123"
	    "45",
	      NULL },
	    "unexpected argument "
	    "'0123456789012345678901234567890123456789012345678901234567890123"
	    "...'" },
	/* Raw dumps. */
	{ { "--replay", NULL }, "option '--replay' needs an argument" },
	{ { "--replay", "", NULL }, "--replay needs a file name" },
	{ { "--dump-raw=", NULL }, "--dump-raw needs a file name" },
	{ { "--dump-raw", "a", "--replay", "b", NULL },
	    "--dump-raw and --replay cannot be combined" },
	{ { "--replay", "a", "-p", NULL },
	    "--replay and -p/--processes cannot be combined (a replay has no "
	    "processes or namespaces to read)" },
	{ { "--replay", "a", "-N", "x", NULL },
	    "--replay and -N/--netns cannot be combined (a replay has no "
	    "processes or namespaces to read)" },
	{ { "--replay", "a", "--all-netns", NULL },
	    "--replay and --all-netns cannot be combined (a replay has no "
	    "processes or namespaces to read)" },
	{ { "--dump-raw", "a", "--all-netns", NULL },
	    "--dump-raw and --all-netns cannot be combined (a dump holds one "
	    "namespace: use -N)" },
	{ { "--metrics=", NULL }, "--metrics=FILE needs a file name" },
	{ { "--metrics", "-j", NULL },
	    "--metrics and -j/--json cannot be combined" },
	{ { "--metrics", "-s", NULL },
	    "--metrics and -s/--summary cannot be combined" },
	{ { "--metrics", "--check", NULL },
	    "--metrics and --check cannot be combined" },
	{ { "--metrics-listeners=all", NULL },
	    "--metrics-listeners needs --metrics" },
	{ { "--metrics", "--metrics-listeners=some\n", NULL },
	    "--metrics-listeners: 'some\\x0a' is not dual or all" },
	{ { "--metrics=a", "--dump-raw=a", NULL },
	    "--metrics and --dump-raw cannot write the same file" },
};

#define BIT(n) (1U << (n))

/* The filter and audit options. */
static const struct {
	const char *argv[MAX_ARGS];
	unsigned int modes;
	uint32_t states;
	enum cli_view view;
	bool inet, inet6;
	unsigned int nsports, ndports, nsrcs, ndsts;
	bool unmap, summary, check, quiet;
} filters[] = {
	{ { "-m", "v4", NULL }, BIT(SOCK_MODE_V4), 0, CLI_VIEW_CONNECTED, true,
	    true, 0, 0, 0, 0, false, false, false, false },
	{ { "--mode", "dual", "-m", "mapped", "-l", NULL },
	    BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED), 0, CLI_VIEW_LISTENING,
	    true, true, 0, 0, 0, 0, false, false, false, false },
	/* --dual is -a -m dual,mapped; a later -l still wins. */
	{ { "--dual", NULL }, BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED), 0,
	    CLI_VIEW_ALL, true, true, 0, 0, 0, 0, false, false, false, false },
	{ { "--dual", "-l", "-6", NULL },
	    BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED), 0, CLI_VIEW_LISTENING,
	    false, true, 0, 0, 0, 0, false, false, false, false },
	{ { "--state", "listen", "--state", "time-wait", NULL }, 0,
	    BIT(10) | BIT(6), CLI_VIEW_CONNECTED, true, true, 0, 0, 0, 0, false,
	    false, false, false },
	{ { "--state", "established", "-m", "mapped", NULL },
	    BIT(SOCK_MODE_MAPPED), BIT(1), CLI_VIEW_CONNECTED, true, true, 0, 0,
	    0, 0, false, false, false, false },
	{ { "--sport", "22", "--sport=80", "--dport", "0", NULL }, 0, 0,
	    CLI_VIEW_CONNECTED, true, true, 2, 1, 0, 0, false, false, false,
	    false },
	{ { "--src", "10.0.0.0/8", "--dst", "2001:db8::/32", "--dst",
	      "::ffff:10.0.0.0/104", NULL },
	    0, 0, CLI_VIEW_CONNECTED, true, true, 0, 0, 1, 2, false, false,
	    false, false },
	/* An IPv4 prefix can match mapped addresses: -6 is fine. */
	{ { "-6", "--src", "10.0.0.0/8", NULL }, 0, 0, CLI_VIEW_CONNECTED,
	    false, true, 0, 0, 1, 0, false, false, false, false },
	/* -s counts every state unless -l, -a or --state narrows it. */
	{ { "--unmap", "-s", "-j", NULL }, 0, 0, CLI_VIEW_ALL, true, true, 0, 0,
	    0, 0, true, true, false, false },
	{ { "--summary", NULL }, 0, 0, CLI_VIEW_ALL, true, true, 0, 0, 0, 0,
	    false, true, false, false },
	{ { "-s", "-l", NULL }, 0, 0, CLI_VIEW_LISTENING, true, true, 0, 0, 0,
	    0, false, true, false, false },
	{ { "--check", "-q", "-l", "-m", "dual", NULL }, BIT(SOCK_MODE_DUAL), 0,
	    CLI_VIEW_LISTENING, true, true, 0, 0, 0, 0, false, false, true,
	    true },
	{ { "--check", "--quiet", NULL }, 0, 0, CLI_VIEW_CONNECTED, true, true,
	    0, 0, 0, 0, false, false, true, true },
};

/* -p, -N and --all-netns, which the table above does not cover. */
static const struct {
	const char *argv[MAX_ARGS];
	bool processes;
	const char *netns;
	bool all_netns;
} scope[] = {
	{ { NULL }, false, NULL, false },
	{ { "-p", NULL }, true, NULL, false },
	{ { "-lp", NULL }, true, NULL, false },
	{ { "--processes", "-N", "blue", NULL }, true, "blue", false },
	{ { "-Nblue", NULL }, false, "blue", false },
	{ { "--netns=/proc/1/ns/net", NULL }, false, "/proc/1/ns/net", false },
	{ { "--all-netns", "-p", NULL }, true, NULL, true },
};

static int
make_argv(const char *const args[], char *argv[MAX_ARGS + 1])
{
	int argc = 0;

	argv[argc++] = (char *)"dualstat";
	while (args[argc - 1] != NULL)
		argv[argc] = (char *)args[argc - 1], argc++;
	argv[argc] = NULL;
	return argc;
}

START_TEST(test_good)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	const struct want *w = &good[_i].want;
	struct options o;
	int argc = make_argv(good[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_int_eq(o.action, w->action);
	ck_assert_int_eq(o.tcp, w->tcp);
	ck_assert_int_eq(o.udp, w->udp);
	ck_assert_int_eq(o.inet, w->inet);
	ck_assert_int_eq(o.inet6, w->inet6);
	ck_assert_int_eq(o.view, w->view);
	ck_assert_int_eq(o.extended, w->extended);
	ck_assert_int_eq(o.header, w->header);
	ck_assert_int_eq(o.json, w->json);
}
END_TEST

/* -t -u -M -S -w -A and the defaults: which protocols are listed. */
static const struct {
	const char *argv[MAX_ARGS];
	bool tcp, udp, mptcp, sctp, raw;
} protocols[] = {
	/* Default: TCP, UDP, MPTCP. */
	{ { NULL }, true, true, true, false, false },
	/* --dual and --check: every protocol carrying IPv4 on IPv6. */
	{ { "--dual", NULL }, true, true, true, true, false },
	{ { "--check", NULL }, true, true, true, true, false },
	{ { "-M", NULL }, false, false, true, false, false },
	{ { "--mptcp", "-t", NULL }, true, false, true, false, false },
	{ { "-S", "--dual", NULL }, false, false, false, true, false },
	{ { "-w", NULL }, false, false, false, false, true },
	{ { "--sctp", "--raw", NULL }, false, false, false, true, true },
	{ { "-A", "all", NULL }, true, true, true, true, true },
	{ { "-A", "all,!raw", NULL }, true, true, true, true, false },
	/* A list that starts with '!' takes from all of them, as in ss. */
	{ { "-A", "!udp", NULL }, true, false, true, true, true },
	{ { "--query=udp,sctp", NULL }, false, true, false, true, false },
	/* Left to right, and -t adds to -A. */
	{ { "-A", "tcp,!tcp,udp", "-t", NULL }, true, true, false, false,
	    false },
	{ { "-A", "inet", "-A", "!mptcp", NULL }, true, true, false, true,
	    true },
};

START_TEST(test_protocols)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct options o;
	int argc = make_argv(protocols[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_msg(o.tcp == protocols[_i].tcp &&
		o.udp == protocols[_i].udp && o.mptcp == protocols[_i].mptcp &&
		o.sctp == protocols[_i].sctp && o.raw == protocols[_i].raw,
	    "case %d: tcp %d udp %d mptcp %d sctp %d raw %d", _i, o.tcp, o.udp,
	    o.mptcp, o.sctp, o.raw);
}
END_TEST

START_TEST(test_bad)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct options o, before;
	int argc = make_argv(bad[_i].argv, argv);

	memset(&o, 0x5a, sizeof(o));
	before = o;
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, bad[_i].message);
	/* Nothing is written on error. */
	ck_assert_mem_eq(&o, &before, sizeof(o));
}
END_TEST

START_TEST(test_scope)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct options o;
	int argc = make_argv(scope[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_int_eq(o.processes, scope[_i].processes);
	ck_assert_int_eq(o.all_netns, scope[_i].all_netns);
	if (scope[_i].netns == NULL)
		ck_assert_ptr_null(o.netns);
	else
		ck_assert_str_eq(o.netns, scope[_i].netns);
}
END_TEST

START_TEST(test_filters)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct options o;
	int argc = make_argv(filters[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_uint_eq(o.filter.modes, filters[_i].modes);
	ck_assert_uint_eq(o.filter.states, filters[_i].states);
	ck_assert_int_eq(o.view, filters[_i].view);
	ck_assert_int_eq(o.inet, filters[_i].inet);
	ck_assert_int_eq(o.inet6, filters[_i].inet6);
	ck_assert_uint_eq(o.filter.nsports, filters[_i].nsports);
	ck_assert_uint_eq(o.filter.ndports, filters[_i].ndports);
	ck_assert_uint_eq(o.filter.nsrcs, filters[_i].nsrcs);
	ck_assert_uint_eq(o.filter.ndsts, filters[_i].ndsts);
	ck_assert_int_eq(o.unmap, filters[_i].unmap);
	ck_assert_int_eq(o.summary, filters[_i].summary);
	ck_assert_int_eq(o.check, filters[_i].check);
	ck_assert_int_eq(o.quiet, filters[_i].quiet);
}
END_TEST

/* The values behind the counts. */
START_TEST(test_filter_values)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	const char *args[] = { "--sport", "22", "--sport", "65535", "--src",
		"10.1.2.3/8", NULL };
	struct options o;
	int argc = make_argv(args, argv);

	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.filter.sports[0], 22);
	ck_assert_uint_eq(o.filter.sports[1], 65535);
	ck_assert_int_eq(o.filter.srcs[0].family, AF_INET);
	ck_assert_uint_eq(o.filter.srcs[0].len, 8);
	ck_assert_uint_eq(o.filter.srcs[0].addr[0], 10);
	ck_assert_uint_eq(o.filter.srcs[0].addr[1], 0);
}
END_TEST

/* At most FILTER_MAX values of one kind. */
START_TEST(test_filter_limit)
{
	char *argv[2 * FILTER_MAX + 4], err[256] = "";
	struct options o;
	int argc = 0, i;

	argv[argc++] = (char *)"dualstat";
	for (i = 0; i <= FILTER_MAX; i++) {
		argv[argc++] = (char *)"--sport";
		argv[argc++] = (char *)"22";
	}
	argv[argc] = NULL;
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "--sport: more than 16 ports");
	argc--;
	argc--;
	argv[argc] = NULL;
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.filter.nsports, FILTER_MAX);
}
END_TEST

START_TEST(test_raw_files)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	const char *rec[] = { "-a", "--dump-raw", "/tmp/x.raw", NULL };
	const char *rep[] = { "--replay=x.raw", "-j", NULL };
	struct options o;
	int argc;

	argc = make_argv(rec, argv);
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(o.dump_raw, "/tmp/x.raw");
	ck_assert_ptr_null(o.replay);
	argc = make_argv(rep, argv);
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert_ptr_null(o.dump_raw);
	ck_assert_str_eq(o.replay, "x.raw");
}
END_TEST

START_TEST(test_metrics)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	const char *file[] = { "--metrics=/tmp/m.prom",
		"--metrics-listeners=all", "-p", NULL };
	const char *plain[] = { "--metrics", "--metrics-listeners", "dual",
		NULL };
	struct options o;
	int argc;

	argc = make_argv(file, argv);
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert(o.metrics);
	ck_assert_str_eq(o.metrics_file, "/tmp/m.prom");
	ck_assert(o.metrics_all_listeners);
	ck_assert(o.processes);
	argc = make_argv(plain, argv);
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	ck_assert(o.metrics);
	ck_assert_ptr_null(o.metrics_file);
	ck_assert(!o.metrics_all_listeners);
}
END_TEST

/* The help text names every long option the parser accepts. */
START_TEST(test_usage)
{
	static const char *const longs[] = { "--tcp", "--udp", "--ipv4",
		"--ipv6", "--listening", "--all", "--extended", "--numeric",
		"--no-header", "--json", "--help", "--version", "--mode",
		"--dual", "--state", "--sport", "--dport", "--src", "--dst",
		"--unmap", "--summary", "--check", "--quiet", "--processes",
		"--netns", "--all-netns", "--dump-raw", "--replay", "--metrics",
		"--metrics-listeners" };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	cli_usage(f);
	fclose(f);
	ck_assert(strncmp(text, "Usage: dualstat ", 16) == 0);
	for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
		ck_assert_msg(strstr(text, longs[i]) != NULL, "%s", longs[i]);
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("good command lines");
	tcase_add_loop_test(
	    tc, test_good, 0, (int)(sizeof(good) / sizeof(good[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("bad command lines");
	tcase_add_loop_test(
	    tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("protocols");
	tcase_add_loop_test(tc, test_protocols, 0,
	    (int)(sizeof(protocols) / sizeof(protocols[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("processes and namespaces");
	tcase_add_loop_test(
	    tc, test_scope, 0, (int)(sizeof(scope) / sizeof(scope[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("filter options");
	tcase_add_loop_test(
	    tc, test_filters, 0, (int)(sizeof(filters) / sizeof(filters[0])));
	tcase_add_test(tc, test_filter_values);
	tcase_add_test(tc, test_filter_limit);
	suite_add_tcase(s, tc);
	check_add(s, "raw dump files", test_raw_files);
	check_add(s, "metrics", test_metrics);
	check_add(s, "usage", test_usage);
	return check_run(s);
}
