/*
 * check_cli.c - the command line, from a table of argv cases (cli.c)
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "check_sock.h"
#include "check_suite.h"
#include "cli.h"
#include "ssfilter.h"

#define MAX_ARGS 16

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
	/* ss's port wildcard in the options too (issue 18.5). */
	{ { "-t", "--src", "127.0.0.0/8:*", "--sport", ":*", "--dport", "*",
	      NULL },
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
	/* Words after the options are the FILTER. */
	{ { "listen", NULL },
	    "filter: column 1: unknown term 'listen' (terms: sport, dport, "
	    "src, dst, dev, autobound, mode, v6only, cgroup, unit, container, uid, user, pid, process)" },
	{ { "-a", "--", "-l", NULL },
	    "filter: column 1: unknown term '-l' (terms: sport, dport, src, "
	    "dst, dev, autobound, mode, v6only, cgroup, unit, container, uid, user, pid, process)" },
	{ { "-j", "-H", NULL },
	    "-H/--no-header and -j/--json cannot be combined" },
	{ { "", NULL }, "filter: column 1: empty filter" },
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
	{ { "-m", NULL },
	    "option '-m' needs an argument (dualstat's -m is the mode: -m "
	    "dual; ss's -m, memory, has no equivalent here)" },
	/* Issue 18.5: the option is -m, not the word it ended. */
	{ { "-tm", NULL },
	    "option '-m' needs an argument (dualstat's -m is the mode: -m "
	    "dual; ss's -m, memory, has no equivalent here)" },
	{ { "-tN", NULL }, "option '-N' needs an argument" },
	/* Issue 18.12: a FILTER with newlines says the line too, and the
	 * end is where the last token ended. */
	{ { "sport = :22 or\n  dport = :x-nosuch", NULL },
	    "filter: line 2, column 11: ':x-nosuch' is neither a port number "
	    "nor a service name" },
	{ { "( sport = :22\n", NULL },
	    "filter: line 1, column 14: expected ')', not the end" },
	{ { "--state", "established,estab1", NULL },
	    "--state: unknown state 'estab1' (ss names: established, listen, "
	    "time-wait, connected, all...; or as the table shows them: ESTAB, "
	    "LISTEN, UNCONN...)" },
	{ { "--sport", "65536", NULL },
	    "--sport: '65536' is not a port number (0-65535) or a service "
	    "name" },
	{ { "--dport", "no-such-service", NULL },
	    "--dport: 'no-such-service' is not a port number (0-65535) or a "
	    "service name" },
	{ { "--sport", "22,", NULL },
	    "--sport: '' is not a port number (0-65535) or a service name" },
	{ { "--src", "10.0.0.0/8:x-no-such", NULL },
	    "--src: '10.0.0.0/8:x-no-such': bad port (a number 0-65535 or a "
	    "service name)" },
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
	/* The FILTER: the column of the token, and what was expected. */
	{ { "-l", "sport", "=", NULL },
	    "filter: column 8: expected a port after 'sport ='" },
	{ { "-l", "mode dual and not ( sport = :22 or sport = :https", NULL },
	    "filter: column 50: expected ')', not the end" },
	{ { "sport", ">", "70000", NULL },
	    "filter: column 9: port '70000' out of range (0-65535)" },
	{ { "sport", "=", "nosuchservice", NULL },
	    "filter: column 9: 'nosuchservice' is neither a port number nor a "
	    "service name" },
	{ { "src", "10.0.0.0/33", NULL },
	    "filter: column 5: '10.0.0.0/33': prefix length out of range (0-32 "
	    "for IPv4, 0-128 for IPv6)" },
	{ { "dst", "abc", NULL },
	    "filter: column 5: 'abc' is not an address, prefix or '*' (IPv6 "
	    "with a port goes in brackets: [::1]:22)" },
	/* "sport 22" is ss's "sport = 22" (issue 18.5). */
	{ { "sport", "(", NULL },
	    "filter: column 7: expected a comparison (=, !=, <, >, <=, >=) "
	    "or a port after 'sport'" },
	{ { "mode", "dual6", NULL },
	    "filter: column 6: unknown mode 'dual6' (modes: v4, v6, v6only, "
	    "dual, mapped)" },
	{ { "sport = :22 state listening", NULL },
	    "filter: column 13: 'state' must come before the expression" },
	{ { "state", "estab1", NULL },
	    "filter: column 7: unknown state 'estab1' (ss names: established, "
	    "listening, time-wait, connected, all...; or as the table shows "
	    "them: ESTAB, LISTEN, UNCONN...)" },
	{ { "sport = :22 or", NULL },
	    "filter: column 15: expected a term, not the end" },
	{ { "( sport = :22 ) )", NULL }, "filter: column 17: unexpected ')'" },
	{ { "src", "!=", NULL },
	    "filter: column 7: expected an address after 'src'" },
	{ { "mode < dual", NULL },
	    "filter: column 6: 'mode' takes = or !=, not '<'" },
	/* Who holds the socket: names that are not there, bad numbers. */
	{ { "user", "dualstat-no-such-user-19", NULL },
	    "filter: column 6: no user 'dualstat-no-such-user-19' on this "
	    "host (write 'user?' for one that may be absent)" },
	{ { "uid -1", NULL },
	    "filter: column 5: '-1' is not a uid (a number, 0-4294967294)" },
	{ { "uid 4294967295", NULL },
	    "filter: column 5: '4294967295' is not a uid (a number, "
	    "0-4294967294)" },
	{ { "pid 0", NULL },
	    "filter: column 5: '0' is not a pid (a number, 1-4194304)" },
	{ { "process", "a-name-of-16-chr", NULL },
	    "filter: column 9: process name 'a-name-of-16-chr' is longer than "
	    "the kernel's 15 bytes (TASK_COMM_LEN)" },
	{ { "uid? 0", NULL },
	    "filter: column 1: unknown term 'uid?' (terms: sport, dport, src, "
	    "dst, dev, autobound, mode, v6only, cgroup, unit, container, uid, "
	    "user, pid, process)" },
	{ { "process <", "x", NULL },
	    "filter: column 9: 'process' takes = or !=, not '<'" },
	{ { "--emit-policy", "--check", NULL },
	    "--emit-policy and --check cannot be combined" },
	{ { "--emit-policy", "-j", NULL },
	    "--emit-policy and -j/--json cannot be combined" },
	{ { "--replay", "/x", "process sshd", NULL },
	    "--replay and the pid and process filter terms cannot be combined "
	    "(a replay has no processes)" },
	{ { "-F", "/x", "sport = :22", NULL },
	    "-F/--filter-file and a FILTER argument cannot be combined (first "
	    "word: 'sport = :22')" },
	{ { "-F", "/nonexistent/policy", NULL },
	    "-F /nonexistent/policy: No such file or directory" },
	{ { "-F", "/", NULL }, "-F /: not a regular file or a pipe" },
	{ { "-F", "/dev/null", NULL },
	    "-F /dev/null: not a regular file or a pipe" },
	{ { "-F", "", NULL }, "-F/--filter-file needs a file name" },
	{ { "--dual", "-m", "v4", NULL },
	    "--dual and -m/--mode cannot be combined (--dual is -a -m "
	    "dual,mapped)" },
	{ { "--check", "-s", NULL },
	    "--check and -s/--summary cannot be combined" },
	{ { "-q", NULL }, "-q/--quiet needs --check" },
	/* Untrusted bytes are quoted: one line, no raw escape, bounded. */
	{ { "sport = :a\033[2J", NULL },
	    "filter: column 9: ':a\\x1b[2J' is neither a port number nor a "
	    "service name" },
	{ { "--x\033[2J", NULL }, "unknown or ambiguous option '--x\\x1b[2J'" },
	{ { "\xff\xfe", NULL },
	    "filter: column 1: unknown term '\\xff\\xfe' (terms: sport, "
	    "dport, src, dst, dev, autobound, mode, v6only, cgroup, unit, container, uid, user, pid, process)" },
	{ { "src", "a\\b", NULL },
	    "filter: column 5: 'a\\x5cb' is not an address, prefix or '*' "
	    "(IPv6 with a port goes in brackets: [::1]:22)" },
	{ { "-\x9b", NULL }, "unknown option '-\\x9b'" },
	{ { "--sport", "2\n2", NULL },
	    "--sport: '2\\x0a2' is not a port number (0-65535) or a service "
	    "name" },
	{ { "--all=\n", NULL }, "option '--all' takes no argument" },
	{ { "dst",
	      "0123456789012345678901234567890123456789012345678901234567890123"
	      "45",
	      NULL },
	    "filter: column 5: '0123456789012345678901234567890123456789...' "
	    "is not an address, prefix or '*' (IPv6 with a port goes in "
	    "brackets: [::1]:22)" },
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

/*
 * The filter and audit options, and the FILTER expression each is the
 * same query as (issue 9): both must select the same sockets.
 */
static const struct {
	const char *argv[MAX_ARGS];
	const char *same_as; /* NULL: no expression at all */
	uint32_t states;
	enum cli_view view;
	bool inet, inet6;
	bool unmap, summary, check, quiet;
} filters[] = {
	{ { "-m", "v4", NULL }, "mode v4", 0, CLI_VIEW_CONNECTED, true, true,
	    false, false, false, false },
	{ { "--mode", "dual", "-m", "mapped", "-l", NULL }, "mode dual,mapped",
	    0, CLI_VIEW_LISTENING, true, true, false, false, false, false },
	/* --dual is -a -m dual,mapped; a later -l still wins. */
	{ { "--dual", NULL }, "mode mapped or mode dual", 0, CLI_VIEW_ALL, true,
	    true, false, false, false, false },
	{ { "--dual", "-l", "-6", NULL }, "mode dual,mapped", 0,
	    CLI_VIEW_LISTENING, false, true, false, false, false, false },
	{ { "--state", "listen", "--state", "time-wait", NULL }, NULL,
	    BIT(10) | BIT(6), CLI_VIEW_CONNECTED, true, true, false, false,
	    false, false },
	/* The names the table prints (issue 11). */
	{ { "--state", "LISTEN,UNCONN", "--state", "Time-Wait", NULL }, NULL,
	    BIT(10) | BIT(7) | BIT(6), CLI_VIEW_CONNECTED, true, true, false,
	    false, false, false },
	{ { "--state", "ESTAB", NULL }, NULL, BIT(1), CLI_VIEW_CONNECTED, true,
	    true, false, false, false, false },
	{ { "--state", "established", "-m", "mapped", NULL }, "mode mapped",
	    BIT(1), CLI_VIEW_CONNECTED, true, true, false, false, false,
	    false },
	{ { "--sport", "22", "--sport=80", "--dport", "0", NULL },
	    "( sport = :22 or sport = :80 ) and dport = :0", 0,
	    CLI_VIEW_CONNECTED, true, true, false, false, false, false },
	{ { "--sport", "22", "--sport", "80", "--src", "10.0.0.0/8", NULL },
	    "( sport = :22 or sport = :80 ) and src 10.0.0.0/8", 0,
	    CLI_VIEW_CONNECTED, true, true, false, false, false, false },
	/* What an ss user types: lists, ":22", service names, brackets. */
	{ { "--sport", "22,:http", "--sport", "ssh", NULL },
	    "sport = :80 or sport = :22", 0, CLI_VIEW_CONNECTED, true, true,
	    false, false, false, false },
	{ { "--src", "[::1]", "--dst", "10.0.0.0/8:40000", NULL },
	    "src ::1 and dst 10.0.0.0/8:40000", 0, CLI_VIEW_CONNECTED, true,
	    true, false, false, false, false },
	{ { "--src", "10.0.0.0/8", "--dst", "2001:db8::/32", "--dst",
	      "::ffff:10.0.0.0/104", NULL },
	    "src 10.0.0.0/8 and ( dst 2001:db8::/32 or dst ::ffff:10.0.0.0/104 "
	    ")",
	    0, CLI_VIEW_CONNECTED, true, true, false, false, false, false },
	/* An IPv4 prefix can match mapped addresses: -6 is fine. */
	{ { "-6", "--src", "10.0.0.0/8", NULL }, "src 10.0.0.0/8", 0,
	    CLI_VIEW_CONNECTED, false, true, false, false, false, false },
	/* Options and a FILTER are ANDed; state words are --state's. */
	{ { "-m", "dual", "state", "listening", "sport", "!=", ":22", NULL },
	    "mode dual and not sport = :22", BIT(10), CLI_VIEW_CONNECTED, true,
	    true, false, false, false, false },
	{ { "exclude", "listening", "exclude", "syn-recv", NULL }, NULL,
	    0x1ffe & ~(BIT(10) | BIT(3) | BIT(12)), CLI_VIEW_CONNECTED, true,
	    true, false, false, false, false },
	{ { "-l", "mode dual and not ( sport = :22 or sport = :https )", NULL },
	    "mode dual && ! ( sport == 22 || sport eq 443 )", 0,
	    CLI_VIEW_LISTENING, true, true, false, false, false, false },
	/* -s counts every state unless -l, -a or --state narrows it. */
	{ { "--unmap", "-s", "-j", NULL }, NULL, 0, CLI_VIEW_ALL, true, true,
	    true, true, false, false },
	{ { "--summary", NULL }, NULL, 0, CLI_VIEW_ALL, true, true, false, true,
	    false, false },
	{ { "-s", "-l", NULL }, NULL, 0, CLI_VIEW_LISTENING, true, true, false,
	    true, false, false },
	{ { "--check", "-q", "-l", "-m", "dual", NULL }, "mode dual", 0,
	    CLI_VIEW_LISTENING, true, true, false, false, true, true },
	{ { "--check", "--quiet", NULL }, NULL, 0, CLI_VIEW_CONNECTED, true,
	    true, false, false, true, true },
};

/* Do f and g select the same sockets, among a varied few? */
static void
check_same(const struct filter *f, const struct filter *g, const char *what)
{
	struct sock_entry sks[] = {
		check_sock(
		    AF_INET, TCP_LISTEN, -1, "0.0.0.0", 22, "0.0.0.0", 0),
		check_sock(AF_INET, TCP_ESTABLISHED, -1, "10.1.2.3", 80,
		    "10.9.9.9", 40000),
		check_sock(AF_INET, TCP_ESTABLISHED, -1, "192.0.2.1", 22,
		    "10.0.0.9", 0),
		check_sock(AF_INET6, TCP_LISTEN, 0, "::", 22, "::", 0),
		check_sock(AF_INET6, TCP_LISTEN, 0, "::", 443, "::", 0),
		check_sock(AF_INET6, TCP_LISTEN, 1, "::", 80, "::", 0),
		check_sock(AF_INET6, TCP_LISTEN, -1, "::1", 22, "::", 0),
		check_sock(AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1", 22,
		    "::ffff:10.9.9.9", 40000),
		check_sock(AF_INET6, TCP_ESTABLISHED, -1, "2001:db8::1", 80,
		    "2001:db8::2", 40000),
		check_sock(AF_INET6, TCP_CLOSE, 0, "::", 53, "::", 0),
	};
	size_t i;

	for (i = 0; i < sizeof(sks) / sizeof(sks[0]); i++)
		ck_assert_msg(
		    filter_match(f, &sks[i]) == filter_match(g, &sks[i]),
		    "%s: socket %zu: options %d, expression %d", what, i,
		    filter_match(f, &sks[i]), filter_match(g, &sks[i]));
}

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
	struct ssfilter_error e;
	struct options o;
	static struct filter g;
	int argc = make_argv(filters[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_uint_eq(o.filter.states, filters[_i].states);
	ck_assert_int_eq(o.view, filters[_i].view);
	ck_assert_int_eq(o.inet, filters[_i].inet);
	ck_assert_int_eq(o.inet6, filters[_i].inet6);
	ck_assert_int_eq(o.unmap, filters[_i].unmap);
	ck_assert_int_eq(o.summary, filters[_i].summary);
	ck_assert_int_eq(o.check, filters[_i].check);
	ck_assert_int_eq(o.quiet, filters[_i].quiet);
	ck_assert_int_eq(o.filter.has_root, filters[_i].same_as != NULL);
	if (filters[_i].same_as == NULL)
		return;
	memset(&g, 0, sizeof(g));
	g.states = o.filter.states;
	ck_assert_msg(ssfilter_parse(&g, filters[_i].same_as, NULL, &e) == 0,
	    "%s", e.msg);
	check_same(&o.filter, &g, filters[_i].same_as);
}
END_TEST

/* The check is able to fail: different queries differ. */
START_TEST(test_filters_differ)
{
	const char *args[] = { "--sport", "22", "--src", "10.0.0.0/8", NULL };
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct ssfilter_error e;
	struct options o;
	static struct filter g;
	int argc = make_argv(args, argv);
	bool differ;
	struct sock_entry sk = check_sock(AF_INET6, TCP_ESTABLISHED, -1,
	    "::ffff:10.0.0.1", 22, "::ffff:10.9.9.9", 40000);

	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), 0);
	memset(&g, 0, sizeof(g));
	/* ORed, not ANDed: differs on a socket on port 22 outside 10/8. */
	ck_assert(
	    ssfilter_parse(&g, "sport = :22 or src 10.0.0.0/8", NULL, &e) == 0);
	ck_assert(filter_match(&o.filter, &sk) && filter_match(&g, &sk));
	sk.local_addr[15] = 1;
	sk.local_addr[12] = 192;
	differ = filter_match(&o.filter, &sk) != filter_match(&g, &sk);
	ck_assert(differ);
	ck_assert(!filter_match(&o.filter, &sk));
}
END_TEST

/*
 * The options are the same tree as FILTER: no limit of their own (issue
 * 18.5 removed "more than 16 ports"), only the arena's.
 */
START_TEST(test_filter_limit)
{
	enum { MANY = 300 };
	static char *argv[2 * MANY + 4];
	char err[256] = "";
	struct options o;
	int argc = 0, i;

	argv[argc++] = (char *)"dualstat";
	for (i = 0; i < MANY; i++) {
		argv[argc++] = (char *)"--sport";
		argv[argc++] = (char *)"22";
	}
	argv[argc] = NULL;
	/* 300 ports ORed: 599 nodes, past the arena's 512. */
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(
	    err, "--sport: more than 512 terms and operators in all");
	/* 200 (399 nodes) and one more: accepted. */
	argc = 1 + 2 * 200;
	argv[argc++] = (char *)"--dport";
	argv[argc++] = (char *)"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17";
	argv[argc] = NULL;
	ck_assert_msg(
	    cli_parse(argc, argv, &o, err, sizeof(err)) == 0, "%s", err);
	ck_assert(o.filter.has_root);
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
		"--metrics-listeners", "--filter-file" };
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
	tcase_add_test(tc, test_filters_differ);
	tcase_add_test(tc, test_filter_limit);
	suite_add_tcase(s, tc);
	check_add(s, "raw dump files", test_raw_files);
	check_add(s, "metrics", test_metrics);
	check_add(s, "usage", test_usage);
	return check_run(s);
}
