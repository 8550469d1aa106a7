/*
 * check_query.c - which dumps and idiag_states a command line asks for
 *
 * State numbers are those of include/net/tcp_states.h: ESTABLISHED 1,
 * SYN_SENT 2, SYN_RECV 3, FIN_WAIT1 4, FIN_WAIT2 5, TIME_WAIT 6, CLOSE 7,
 * CLOSE_WAIT 8, LAST_ACK 9, LISTEN 10, CLOSING 11, NEW_SYN_RECV 12.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "check_suite.h"
#include "protos.h"
#include "query.h"
#include "ssfilter.h"
#include "sock.h"

START_TEST(test_states)
{
	/* -l: TCP LISTEN alone, so the established hash is not walked. */
	ck_assert_uint_eq(
	    query_states(CLI_VIEW_LISTENING, IPPROTO_TCP), 1U << 10);
	ck_assert_uint_eq(
	    query_states(CLI_VIEW_LISTENING, IPPROTO_UDP), 1U << 7);
	/* -a: states 1 to 12; for TCP bound-inactive (bit 13) too, as ss. */
	ck_assert_uint_eq(query_states(CLI_VIEW_ALL, IPPROTO_TCP), 0x3ffe);
	ck_assert_uint_eq(query_states(CLI_VIEW_ALL, IPPROTO_UDP), 0x1ffe);
	ck_assert_uint_eq(
	    query_states(CLI_VIEW_ALL, SOCK_IPPROTO_MPTCP), 0x1ffe);
	/* -l: MPTCP listens as TCP does, SCTP endpoints listen or not. */
	ck_assert_uint_eq(
	    query_states(CLI_VIEW_LISTENING, SOCK_IPPROTO_MPTCP), 1U << 10);
	ck_assert_uint_eq(query_states(CLI_VIEW_LISTENING, IPPROTO_SCTP),
	    (1U << 10) | (1U << 7));
	ck_assert_uint_eq(
	    query_states(CLI_VIEW_LISTENING, IPPROTO_RAW), 1U << 7);
	/* Default: 1, 2, 4, 5, 8, 9, 11. */
	ck_assert_uint_eq(query_states(CLI_VIEW_CONNECTED, IPPROTO_TCP),
	    (1U << 1) | (1U << 2) | (1U << 4) | (1U << 5) | (1U << 8) |
		(1U << 9) | (1U << 11));
}
END_TEST

START_TEST(test_plan)
{
	struct options o = { .tcp = true,
		.udp = true,
		.inet = true,
		.inet6 = true,
		.view = CLI_VIEW_ALL };
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;

	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	ck_assert_int_eq(steps[0].protocol, IPPROTO_TCP);
	ck_assert_int_eq(steps[0].family, AF_INET);
	ck_assert_int_eq(steps[1].protocol, IPPROTO_TCP);
	ck_assert_int_eq(steps[1].family, AF_INET6);
	ck_assert_int_eq(steps[2].protocol, IPPROTO_UDP);
	ck_assert_int_eq(steps[2].family, AF_INET);
	ck_assert_int_eq(steps[3].protocol, IPPROTO_UDP);
	ck_assert_int_eq(steps[3].family, AF_INET6);
	ck_assert_ptr_null(steps[0].bytecode);

	o.tcp = false;
	o.inet = false;
	o.view = CLI_VIEW_LISTENING;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 1);
	ck_assert_int_eq(steps[0].protocol, IPPROTO_UDP);
	ck_assert_int_eq(steps[0].family, AF_INET6);
	ck_assert_uint_eq(steps[0].states, 1U << 7);
}
END_TEST

#define LISTEN_CLOSE ((1U << 10) | (1U << 7))

static void
parse(struct options *o, const char *text)
{
	struct ssfilter_error e;

	memset(&o->filter, 0, sizeof(o->filter));
	ck_assert_msg(ssfilter_parse(&o->filter, text, NULL, &e) == 0, "%s: %s",
	    text, e.msg);
}

/* The filters narrow families and states and bring bytecode. */
START_TEST(test_plan_filters)
{
	static struct options o = { .tcp = true,
		.udp = true,
		.inet = true,
		.inet6 = true,
		.view = CLI_VIEW_ALL };
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	size_t i;

	/* mode v4: no AF_INET6 dump, no program. */
	parse(&o, "mode v4");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(steps[i].family, AF_INET);
		ck_assert_ptr_null(steps[i].bytecode);
	}
	/* TCP with bound-inactive sockets (bit 13); UDP is ESTAB or CLOSE. */
	ck_assert_uint_eq(steps[0].states, 0x3ffe);
	ck_assert_uint_eq(steps[1].states, (1U << 1) | (1U << 7));

	/* mode dual: AF_INET6 only, LISTEN and CLOSE only, a program. */
	parse(&o, "mode dual");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
	/* TCP: LISTEN, CLOSE and bound-inactive; UDP: no LISTEN. */
	ck_assert_uint_eq(steps[0].states, LISTEN_CLOSE | (1U << 13));
	ck_assert_uint_eq(steps[1].states, 1U << 7);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(steps[i].family, AF_INET6);
		ck_assert_ptr_eq(steps[i].bytecode, bc.prog[1]);
		ck_assert_uint_eq(steps[i].bytecode_len, 48);
	}
	/* -l -t mode dual: the view narrows it further. */
	o.udp = false;
	o.view = CLI_VIEW_LISTENING;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 1);
	ck_assert_uint_eq(steps[0].states, 1U << 10);
	o.udp = true;

	/* mode dual,mapped: every state (mapped ones are anywhere). */
	o.view = CLI_VIEW_ALL;
	parse(&o, "mode dual,mapped");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
	ck_assert_uint_eq(steps[0].states, 0x3ffe);

	/* --state replaces the view; an IPv6 src drops AF_INET. */
	parse(&o, "src 2001:db8::/32");
	o.filter.states = 1U << 1;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(steps[i].family, AF_INET6);
		ck_assert_uint_eq(steps[i].states, 1U << 1);
		ck_assert_ptr_nonnull(steps[i].bytecode);
	}

	/* sport: a program for each family, the same for both protocols. */
	parse(&o, "sport = :22");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	ck_assert_ptr_eq(steps[0].bytecode, bc.prog[0]);
	ck_assert_ptr_eq(steps[1].bytecode, bc.prog[1]);
	ck_assert_ptr_eq(steps[2].bytecode, bc.prog[0]);
	ck_assert_uint_eq(steps[0].bytecode_len, 8);

	/*
	 * A peer port narrows no state: a UDP socket connected to port 0
	 * is ESTAB with peer port 0, a TCP socket whose connect() got a
	 * RST stays in CLOSE (bound-inactive) with its peer (issue 18.1).
	 */
	parse(&o, "dport = :22");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	ck_assert_uint_eq(steps[0].states, 0x3ffe);
	ck_assert_uint_eq(steps[2].states, (1U << 1) | (1U << 7));
	parse(&o, "dport = :0");
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	ck_assert_uint_eq(steps[0].states, 0x3ffe);
	ck_assert_uint_eq(steps[2].states, (1U << 1) | (1U << 7));

	/* Too long a program: none, user space filters alone. */
	{
		char text[8192] = "src ::1";
		int k;

		for (k = 0; k < 150; k++)
			snprintf(text + strlen(text),
			    sizeof(text) - strlen(text), " or src 2001:db8::%x",
			    k);
		parse(&o, text);
		ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
		ck_assert_ptr_null(steps[0].bytecode);
		ck_assert_int_eq(steps[0].family, AF_INET6);
	}

	/* mode v6only in the default view: nothing can match. */
	parse(&o, "mode v6only");
	o.view = CLI_VIEW_CONNECTED;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 0);
}
END_TEST

/*
 * MPTCP is dumped whole whatever the filter and -4/-6 (issue 18.3): a
 * subflow is hidden by its parent, which the kernel's program must not
 * drop while keeping the subflow.
 */
START_TEST(test_plan_mptcp_whole)
{
	static struct options o = { .tcp = true,
		.mptcp = true,
		.inet = true,
		.view = CLI_VIEW_LISTENING };
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	uint32_t all = protos_bit(IPPROTO_TCP, AF_INET) |
	    protos_bit(IPPROTO_TCP, AF_INET6) |
	    protos_bit(SOCK_IPPROTO_MPTCP, AF_INET) |
	    protos_bit(SOCK_IPPROTO_MPTCP, AF_INET6);
	size_t n;

	parse(&o, "sport = :8080");
	n = query_plan(&o, all, steps, &bc);
	/* MPTCP of both families (-4 notwithstanding), then TCP AF_INET. */
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(steps[0].protocol, SOCK_IPPROTO_MPTCP);
	ck_assert_int_eq(steps[0].family, AF_INET);
	ck_assert_int_eq(steps[1].protocol, SOCK_IPPROTO_MPTCP);
	ck_assert_int_eq(steps[1].family, AF_INET6);
	ck_assert_uint_eq(steps[0].states, 0x1ffe);
	ck_assert_uint_eq(steps[1].states, 0x1ffe);
	ck_assert_ptr_null(steps[0].bytecode);
	ck_assert_ptr_null(steps[1].bytecode);
	/* TCP is narrowed and filtered by the kernel as before. */
	ck_assert_int_eq(steps[2].protocol, IPPROTO_TCP);
	ck_assert_uint_eq(steps[2].states, 1U << 10);
	ck_assert_ptr_nonnull(steps[2].bytecode);
	/* What user space then lists of MPTCP: -l, and AF_INET only. */
	ck_assert_uint_eq(
	    query_step_states(&o, SOCK_IPPROTO_MPTCP, AF_INET), 1U << 10);
	ck_assert_uint_eq(
	    query_step_states(&o, SOCK_IPPROTO_MPTCP, AF_INET6), 0);
}
END_TEST

/*
 * Raw IPv6 is v6only in every state (issue 18.4): -w -6 -m v6only asks
 * for ESTAB too, and with no program, whose mode terms assume that a
 * mapped address means mapped.
 */
START_TEST(test_plan_raw6_modes)
{
	static struct options o = {
		.raw = true, .inet = true, .inet6 = true, .view = CLI_VIEW_ALL
	};
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	uint32_t raw = protos_bit(IPPROTO_RAW, AF_INET) |
	    protos_bit(IPPROTO_RAW, AF_INET6);

	parse(&o, "mode v6only");
	ck_assert_uint_eq(query_plan(&o, raw, steps, &bc), 1);
	ck_assert_int_eq(steps[0].family, AF_INET6);
	ck_assert_uint_eq(steps[0].states, (1U << 1) | (1U << 7));
	ck_assert_ptr_null(steps[0].bytecode);
	/* A program without mode terms is still the kernel's to run. */
	parse(&o, "sport = :58");
	ck_assert_uint_eq(query_plan(&o, raw, steps, &bc), 2);
	ck_assert_ptr_nonnull(steps[1].bytecode);
}
END_TEST

/* Every protocol asked for: only those the kernel has loaded are. */
START_TEST(test_plan_loaded)
{
	struct options o = { .tcp = true,
		.udp = true,
		.mptcp = true,
		.sctp = true,
		.raw = true,
		.inet = true,
		.inet6 = true,
		.view = CLI_VIEW_ALL };
	static const int order[] = { SOCK_IPPROTO_MPTCP, IPPROTO_TCP,
		IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_RAW };
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	uint32_t all = 0;
	size_t i;

	for (i = 0; i < 5; i++)
		all |= protos_bit(order[i], AF_INET) |
		    protos_bit(order[i], AF_INET6);
	/* MPTCP first (its inodes hide the TCP subflows), then the rest. */
	ck_assert_uint_eq(query_plan(&o, all, steps, &bc), 10);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(steps[i].protocol, order[i / 2]);
		ck_assert_int_eq(steps[i].family, i % 2 ? AF_INET6 : AF_INET);
	}
	/* Bit 13 for TCP alone. */
	ck_assert_uint_eq(steps[2].states, 0x3ffe);
	ck_assert_uint_eq(steps[0].states, 0x1ffe);
	ck_assert_uint_eq(steps[6].states, 0x1ffe);
	/* TCP and UDP loaded: nothing else is asked for. */
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	for (i = 0; i < 4; i++)
		ck_assert(steps[i].protocol == IPPROTO_TCP ||
		    steps[i].protocol == IPPROTO_UDP);
	/* SCTP loaded for IPv4 only (SCTPv6 missing): one SCTP step. */
	o.tcp = o.udp = o.mptcp = o.raw = false;
	ck_assert_uint_eq(
	    query_plan(&o, protos_bit(IPPROTO_SCTP, AF_INET), steps, &bc), 1);
	ck_assert_int_eq(steps[0].family, AF_INET);
	/* Nothing loaded that was asked for: an empty plan. */
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 0);
	/* --state bound-inactive asks TCP for bit 13, UDP for nothing. */
	o.tcp = o.udp = true;
	o.filter.states = 1U << 13;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 2);
	ck_assert_int_eq(steps[0].protocol, IPPROTO_TCP);
	ck_assert_uint_eq(steps[0].states, 1U << 13);
	/* Raw IPv6 is v6only by rule: -m dual asks raw for AF_INET6 never
	 * (issue 18, item 9), -m v6only does; AF_INET is left out by the
	 * family analysis as before. */
	memset(&o.filter, 0, sizeof(o.filter));
	o.tcp = o.udp = false;
	o.raw = true;
	o.view = CLI_VIEW_LISTENING;
	{
		struct filter_node mode = { .kind = FILTER_MODE_IN,
			.value = FILTER_MODE(SOCK_MODE_DUAL) };
		uint32_t raw = protos_bit(IPPROTO_RAW, AF_INET) |
		    protos_bit(IPPROTO_RAW, AF_INET6);

		ck_assert_int_ge(
		    filter_and_root(&o.filter, filter_add(&o.filter, &mode)),
		    0);
		ck_assert_uint_eq(query_plan(&o, raw, steps, &bc), 0);
		o.filter.nodes[o.filter.root].value =
		    FILTER_MODE(SOCK_MODE_V6ONLY);
		ck_assert_uint_eq(query_plan(&o, raw, steps, &bc), 1);
		ck_assert_int_eq(steps[0].family, AF_INET6);
		/* not dual: both families may pass. */
		memset(&o.filter, 0, sizeof(o.filter));
		ck_assert_int_ge(filter_and_root(&o.filter,
				     filter_add_op(&o.filter, FILTER_NOT,
					 filter_add(&o.filter, &mode), 0)),
		    0);
		ck_assert_uint_eq(query_plan(&o, raw, steps, &bc), 2);
	}
	memset(&o.filter, 0, sizeof(o.filter));
	o.raw = false;
	o.tcp = o.udp = true;
	o.view = CLI_VIEW_ALL;
	/* --state closed: CLOSE, and for TCP the bound-inactive ones. */
	o.filter.states = 1U << 7;
	ck_assert_uint_eq(query_plan(&o, protos_base(), steps, &bc), 4);
	ck_assert_uint_eq(steps[0].states, (1U << 7) | (1U << 13));
	ck_assert_uint_eq(steps[2].states, 1U << 7);
}
END_TEST

/*
 * Filters that can never match are refused, from the same analysis
 * (issue 9; issue 11: -l --dport 22, --dport 0 without -l, -u --state
 * time-wait, mode v4 and mode dual, -4 -m dual; -t --state unconn can
 * match since issue 12: bound-inactive TCP sockets are CLOSE).
 */
static const struct {
	const char *argv[8];
	const char *message; /* NULL: accepted */
} refusals[] = {
	/* Issue 18.1 reverses issue 11 here: the analysis excludes only
	 * what the kernel guarantees, and no state guarantees a peer port. */
	{ { "-l", "--dport", "22", NULL }, NULL },
	{ { "-l", "dport", "=", ":22", NULL }, NULL },
	{ { "--dport", "0", NULL }, NULL },
	{ { "-u", "--state", "time-wait", NULL },
	    "the filter can never match: no udp socket is ever in the states "
	    "asked for (TIME-WAIT)" },
	/* Bound-inactive TCP sockets are reported in CLOSE (issue 12). */
	{ { "-t", "--state", "unconn", NULL }, NULL },
	{ { "-u", "-l", "--state", "listen", NULL },
	    "the filter can never match: no udp socket is ever in the states "
	    "asked for (LISTEN)" },
	{ { "-a", "mode v4 and mode dual", NULL },
	    "the filter can never match: no AF_INET or AF_INET6 socket passes "
	    "it" },
	{ { "-4", "-m", "dual", "-l", NULL },
	    "the filter can never match: no AF_INET (-4) socket passes it" },
	{ { "--dual", "-4", NULL },
	    "the filter can never match: no AF_INET (-4) socket passes it" },
	{ { "-6", "-m", "v4", NULL },
	    "the filter can never match: no AF_INET6 (-6) socket passes it" },
	{ { "-4", "--src", "2001:db8::/32", NULL },
	    "the filter can never match: no AF_INET (-4) socket passes it" },
	{ { "-m", "dual", NULL },
	    "the filter can never match the connected sockets listed by "
	    "default (add -l or -a)" },
	{ { "--state", "established", "-m", "dual", NULL },
	    "the filter can never match in the states asked for (ESTAB)" },
	{ { "-t", "-a", "sport = :1 and v6only and autobound", NULL },
	    "filter: autobound cannot be combined with terms only dualstat "
	    "decides (mode, v6only, uid, user, pid, process), nor in a filter "
	    "too long for the kernel (only the kernel sees autobound's bind "
	    "lock)" },
	{ { "-t", "-a", "autobound or uid 0", NULL },
	    "filter: autobound cannot be combined with terms only dualstat "
	    "decides (mode, v6only, uid, user, pid, process), nor in a filter "
	    "too long for the kernel (only the kernel sees autobound's bind "
	    "lock)" },
	/* What can match is accepted. */
	{ { "-l", "--sport", "22", NULL }, NULL },
	{ { "--dport", "22", NULL }, NULL },
	{ { "-l", "--dport", "0", NULL }, NULL },
	{ { "-t", "--state", "time-wait", NULL }, NULL },
	{ { "-u", "--state", "unconn", NULL }, NULL },
	{ { "-a", "mode v4 or mode dual", NULL }, NULL },
	{ { "-6", "-l", "-m", "dual", NULL }, NULL },
	{ { "-l", "not dport = :22", NULL }, NULL },
	{ { "-a", "-tu", "autobound and sport >= :1024", NULL }, NULL },
	/* Issue 18.3: the kernel would test an MPTCP socket's bind lock,
	 * which its subflow carries; a replay has no kernel at all. */
	{ { "-a", "autobound", NULL },
	    "filter: autobound cannot judge MPTCP sockets (the kernel would "
	    "test the MPTCP socket's bind lock, which only its subflows "
	    "carry): name the protocols, e.g. -t -u" },
	{ { "-M", "-t", "not autobound", NULL },
	    "filter: autobound cannot judge MPTCP sockets (the kernel would "
	    "test the MPTCP socket's bind lock, which only its subflows "
	    "carry): name the protocols, e.g. -t -u" },
	{ { "-t", "--replay", "x.raw", "autobound", NULL },
	    "filter: autobound cannot be judged in a replay (the kernel "
	    "tests the socket's bind lock, which a recording does not "
	    "keep)" },
	/* Issue 18.1: a peer port may be anything in any state. */
	{ { "-u", "dport = :0", NULL }, NULL },
	{ { "-t", "--state", "bound-inactive", "dport = :9", NULL }, NULL },
	{ { "-t", "--state", "closed", "dst 10.0.0.1:9", NULL }, NULL },
	/* Issue 18.12: state bit 13 named, each name once. */
	{ { "-u", "--state", "bound-inactive", NULL },
	    "the filter can never match: no udp socket is ever in the states "
	    "asked for (BOUND-INACTIVE)" },
	{ { "-u", "--state", "bucket", NULL },
	    "the filter can never match: no udp socket is ever in the states "
	    "asked for (SYN-RECV, TIME-WAIT)" },
	{ { "--state", "bucket", "-m", "dual", NULL },
	    "the filter can never match in the states asked for (SYN-RECV, "
	    "TIME-WAIT)" },
	/* Issue 18.4: raw IPv6 is v6only in every state, ESTAB too. */
	{ { "-w", "-6", "-m", "v6only", NULL }, NULL },
	{ { "-w", "-6", "not mode v6only", NULL },
	    "the filter can never match: no AF_INET6 (-6) socket passes it" },
	{ { "-w", "-6", "-a", "mode dual", NULL },
	    "the filter can never match: no AF_INET6 (-6) socket passes it" },
};

START_TEST(test_refusals)
{
	char *argv[10], err[320] = "";
	struct options o;
	int argc = 0, ret;

	argv[argc++] = (char *)"dualstat";
	while (refusals[_i].argv[argc - 1] != NULL) {
		argv[argc] = (char *)refusals[_i].argv[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	ck_assert_msg(
	    cli_parse(argc, argv, &o, err, sizeof(err)) == 0, "%s", err);
	ret = query_check(&o, err, sizeof(err));
	if (refusals[_i].message == NULL) {
		ck_assert_msg(ret == 0, "case %d refused: %s", _i, err);
		return;
	}
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_str_eq(err, refusals[_i].message);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("query");

	check_add(s, "states", test_states);
	check_add(s, "plan", test_plan);
	check_add(s, "plan with filters", test_plan_filters);
	{
		TCase *tc = tcase_create("refusals");

		tcase_add_loop_test(tc, test_refusals, 0,
		    (int)(sizeof(refusals) / sizeof(refusals[0])));
		suite_add_tcase(s, tc);
	}
	check_add(s, "plan of loaded protocols", test_plan_loaded);
	check_add(s, "MPTCP dumped whole", test_plan_mptcp_whole);
	check_add(s, "raw IPv6 modes", test_plan_raw6_modes);
	return check_run(s);
}
