/*
 * check_classify.c - unit tests for the mode rules (classify.c)
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_suite.h"
#include "sock.h"

static struct sock_entry
entry(int family, int state, int v6only, const char *local, const char *peer)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)family;
	sk.state = (uint8_t)state;
	sk.v6only = (int8_t)v6only;
	ck_assert_int_eq(inet_pton(family, local, sk.local_addr), 1);
	ck_assert_int_eq(inet_pton(family, peer, sk.peer_addr), 1);
	return sk;
}

/* One row per rule of the table in classify.c, and its edge cases. */
static const struct {
	int family, state, v6only;
	const char *local, *peer;
	enum sock_mode mode;
} cases[] = {
	/* v4: any AF_INET socket, whatever else it says. */
	{ AF_INET, 10, SOCK_V6ONLY_UNKNOWN, "0.0.0.0", "0.0.0.0",
	    SOCK_MODE_V4 },
	{ AF_INET, 1, SOCK_V6ONLY_UNKNOWN, "10.0.0.7", "10.0.0.8",
	    SOCK_MODE_V4 },
	/* mapped: local or peer in ::ffff:0:0/96, before any v6only rule. */
	{ AF_INET6, 1, SOCK_V6ONLY_UNKNOWN, "::ffff:10.0.0.7",
	    "::ffff:10.0.0.8", SOCK_MODE_MAPPED },
	{ AF_INET6, 10, SOCK_V6ONLY_NO, "::ffff:127.0.0.1",
	    "::", SOCK_MODE_MAPPED },
	{ AF_INET6, 1, SOCK_V6ONLY_UNKNOWN, "::", "::ffff:1.2.3.4",
	    SOCK_MODE_MAPPED },
	{ AF_INET6, 6, SOCK_V6ONLY_UNKNOWN, "::ffff:0.0.0.0",
	    "::", SOCK_MODE_MAPPED },
	/* Not mapped: IPv4-compatible and ffff in the wrong word. */
	{ AF_INET6, 1, SOCK_V6ONLY_UNKNOWN, "::1.2.3.4", "::5.6.7.8",
	    SOCK_MODE_V6 },
	{ AF_INET6, 1, SOCK_V6ONLY_UNKNOWN, "::ffff:0:1:2", "::1",
	    SOCK_MODE_V6 },
	/* v6only: the kernel says so, on "::" or a specific address. */
	{ AF_INET6, 10, SOCK_V6ONLY_YES, "::", "::", SOCK_MODE_V6ONLY },
	{ AF_INET6, 7, SOCK_V6ONLY_YES, "::1", "::", SOCK_MODE_V6ONLY },
	{ AF_INET6, 10, SOCK_V6ONLY_YES, "2001:db8::1",
	    "::", SOCK_MODE_V6ONLY },
	/* dual: v6only reported 0 and bound to "::". */
	{ AF_INET6, 10, SOCK_V6ONLY_NO, "::", "::", SOCK_MODE_DUAL },
	{ AF_INET6, 7, SOCK_V6ONLY_NO, "::", "::", SOCK_MODE_DUAL },
	/* v6: v6only not reported (connected, TIME-WAIT, SYN-RECV)... */
	{ AF_INET6, 1, SOCK_V6ONLY_UNKNOWN, "2001:db8::1", "2001:db8::2",
	    SOCK_MODE_V6 },
	{ AF_INET6, 6, SOCK_V6ONLY_UNKNOWN, "::1", "::1", SOCK_MODE_V6 },
	/* ... even on "::": unknown is not "no". */
	{ AF_INET6, 3, SOCK_V6ONLY_UNKNOWN, "::", "::", SOCK_MODE_V6 },
	/* ... and v6only 0 away from "::" (cannot be dual). */
	{ AF_INET6, 10, SOCK_V6ONLY_NO, "2001:db8::1", "::", SOCK_MODE_V6 },
};

START_TEST(test_rules)
{
	struct sock_entry sk = entry(cases[_i].family, cases[_i].state,
	    cases[_i].v6only, cases[_i].local, cases[_i].peer);

	ck_assert_msg(sock_classify(&sk) == cases[_i].mode,
	    "case %d (%s -> %s): got %s, want %s", _i, cases[_i].local,
	    cases[_i].peer, sock_mode_name(sk.mode),
	    sock_mode_name(cases[_i].mode));
	ck_assert_int_eq(sk.mode, cases[_i].mode);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_V4), "v4");
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_V6), "v6");
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_V6ONLY), "v6only");
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_DUAL), "dual");
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_MAPPED), "mapped");
	ck_assert_str_eq(sock_mode_name(SOCK_MODE_COUNT), "unknown");
	/* ss's names for the TCP states (include/net/tcp_states.h). */
	ck_assert_str_eq(sock_state_name(1), "ESTAB");
	ck_assert_str_eq(sock_state_name(3), "SYN-RECV");
	ck_assert_str_eq(sock_state_name(6), "TIME-WAIT");
	ck_assert_str_eq(sock_state_name(7), "UNCONN");
	ck_assert_str_eq(sock_state_name(10), "LISTEN");
	ck_assert_str_eq(sock_state_name(12), "SYN-RECV");
	ck_assert_str_eq(sock_state_name(200), "UNKNOWN");
}
END_TEST

START_TEST(test_addr_predicates)
{
	uint8_t a[16];

	ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:1.2.3.4", a), 1);
	ck_assert(sock_addr_is_mapped(a));
	ck_assert(!sock_addr_is_any6(a));
	ck_assert_int_eq(inet_pton(AF_INET6, "::", a), 1);
	ck_assert(sock_addr_is_any6(a));
	ck_assert(!sock_addr_is_mapped(a));
	ck_assert_int_eq(inet_pton(AF_INET6, "1::ffff:1.2.3.4", a), 1);
	ck_assert(!sock_addr_is_mapped(a));
}
END_TEST

/* IPv6 raw sockets never receive IPv4 (net/ipv4/raw.c delivers it to
 * AF_INET raw sockets only): v6only, whatever the flag and address. */
START_TEST(test_raw)
{
	struct sock_entry sk = entry(AF_INET6, 7, SOCK_V6ONLY_NO, "::", "::");

	sk.protocol = IPPROTO_RAW;
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_V6ONLY);
	sk.v6only = SOCK_V6ONLY_UNKNOWN;
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_V6ONLY);
	/* The same socket as UDP would take IPv4 too. */
	sk.protocol = IPPROTO_UDP;
	sk.v6only = SOCK_V6ONLY_NO;
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_DUAL);
	sk = entry(AF_INET, 7, SOCK_V6ONLY_UNKNOWN, "0.0.0.0", "0.0.0.0");
	sk.protocol = IPPROTO_RAW;
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_V4);
}
END_TEST

/* An owner is what a descriptor gives: inode 0 is none, whatever the
 * state (FIN-WAIT-2 after close() is dumped as state 5, inode 0, uid 0;
 * an orphan or a connection not yet accepted as ESTAB with inode 0). */
START_TEST(test_owner)
{
	struct sock_entry sk =
	    entry(AF_INET, 5, SOCK_V6ONLY_UNKNOWN, "127.0.0.1", "127.0.0.1");

	sk.inode = 0;
	ck_assert(!sock_has_owner(&sk));
	sk.state = 1; /* ESTAB */
	sk.uid = 1000;
	ck_assert(!sock_has_owner(&sk));
	sk.inode = 4242;
	ck_assert(sock_has_owner(&sk));
	sk.state = 10; /* LISTEN, owned by root */
	sk.uid = 0;
	ck_assert(sock_has_owner(&sk));
}
END_TEST

/* SCTP: a mapped address anywhere in the lists makes the socket mapped. */
START_TEST(test_sctp_lists)
{
	struct sock_entry sk =
	    entry(AF_INET6, 19, SOCK_V6ONLY_NO, "2001:db8::1", "2001:db8::2");

	sk.protocol = IPPROTO_SCTP;
	sk.nlocal = 1;
	memcpy(sk.local_addrs[0], sk.local_addr, 16);
	sk.npeer = 2;
	memcpy(sk.peer_addrs[0], sk.peer_addr, 16);
	ck_assert_int_eq(
	    inet_pton(AF_INET6, "2001:db8::3", sk.peer_addrs[1]), 1);
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_V6);
	ck_assert_int_eq(
	    inet_pton(AF_INET6, "::ffff:192.0.2.9", sk.peer_addrs[1]), 1);
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_MAPPED);
	/* Only the first npeer count. */
	sk.npeer = 1;
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_V6);
	sk.nlocal = 2;
	ck_assert_int_eq(
	    inet_pton(AF_INET6, "::ffff:10.1.1.1", sk.local_addrs[1]), 1);
	ck_assert_int_eq(sock_classify(&sk), SOCK_MODE_MAPPED);
}
END_TEST

/* The idiag_states bits a reported state answers to. */
START_TEST(test_state_bits)
{
	struct sock_entry sk =
	    entry(AF_INET, 7, SOCK_V6ONLY_UNKNOWN, "0.0.0.0", "0.0.0.0");

	/* A TCP socket in CLOSE is bound-inactive (bit 13). */
	sk.protocol = IPPROTO_TCP;
	ck_assert_uint_eq(sock_state_bits(&sk), (1U << 7) | (1U << 13));
	sk.protocol = IPPROTO_UDP;
	ck_assert_uint_eq(sock_state_bits(&sk), 1U << 7);
	sk.protocol = SOCK_IPPROTO_MPTCP;
	ck_assert_uint_eq(sock_state_bits(&sk), 1U << 7);
	/* Request sockets: selected by 12, reported as 3. */
	sk.protocol = IPPROTO_TCP;
	sk.state = 3;
	ck_assert_uint_eq(sock_state_bits(&sk), (1U << 3) | (1U << 12));
	/* SCTP association states: ESTAB, COOKIE-WAIT, SHUTDOWN-SENT. */
	sk.protocol = IPPROTO_SCTP;
	sk.state = SOCK_STATE_SCTP_BASE + 3;
	ck_assert_uint_eq(sock_state_bits(&sk), 1U << 1);
	ck_assert_str_eq(sock_state_name(sk.state), "ESTAB");
	sk.state = SOCK_STATE_SCTP_BASE + 1;
	ck_assert_uint_eq(sock_state_bits(&sk), 1U << 2);
	ck_assert_str_eq(sock_state_name(sk.state), "COOKIE-WAIT");
	sk.state = SOCK_STATE_SCTP_BASE + 5;
	ck_assert_uint_eq(sock_state_bits(&sk), 1U << 4);
	ck_assert_str_eq(sock_state_name(sk.state), "SHUTDOWN-SENT");
	ck_assert_str_eq(sock_state_name(13), "UNKNOWN");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(
	    tc, test_rules, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	check_add(s, "names", test_names);
	check_add(s, "addresses", test_addr_predicates);
	check_add(s, "raw", test_raw);
	check_add(s, "owner", test_owner);
	check_add(s, "sctp lists", test_sctp_lists);
	check_add(s, "state bits", test_state_bits);
	return check_run(s);
}
