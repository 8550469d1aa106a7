/*
 * check_filter.c - unit tests for the filters (filter.c): parsing of modes,
 * states, ports, prefixes and host conditions, the user-space matcher, and
 * the state analysis that narrows requests and refuses filters
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_sock.h"
#include "check_suite.h"
#include "bc.h"
#include "filter.h"
#include "ssfilter.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BIT(s) (1U << (s))

START_TEST(test_modes)
{
	unsigned int m = 0;
	char bad[16];

	ck_assert_int_eq(filter_parse_modes("v4", &m, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(m, BIT(SOCK_MODE_V4));
	ck_assert_int_eq(
	    filter_parse_modes("dual,mapped", &m, bad, sizeof(bad)), 0);
	/* ORed into what was there. */
	ck_assert_uint_eq(
	    m, BIT(SOCK_MODE_V4) | BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED));
	m = 0;
	ck_assert_int_eq(filter_parse_modes(
			     "v4,v6,v6only,dual,mapped", &m, bad, sizeof(bad)),
	    0);
	ck_assert_uint_eq(m, FILTER_MODES_ALL);

	m = 0;
	ck_assert_int_eq(
	    filter_parse_modes("v4,dual6,v6", &m, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "dual6");
	ck_assert_uint_eq(m, 0); /* nothing written on error */
	ck_assert_int_eq(
	    filter_parse_modes("V4", &m, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "V4");
	ck_assert_int_eq(
	    filter_parse_modes("v4,", &m, bad, sizeof(bad)), -EINVAL);
	ck_assert_str_eq(bad, "");
	ck_assert_int_eq(filter_parse_modes("", &m, bad, sizeof(bad)), -EINVAL);
	/* A long bad name is cut to fit. */
	ck_assert_int_eq(filter_parse_modes("abcdefghijklmnopqrstuvwxyz", &m,
			     bad, sizeof(bad)),
	    -EINVAL);
	ck_assert_str_eq(bad, "abcdefghijklmno");
}
END_TEST

START_TEST(test_states)
{
	uint32_t s = 0;
	char bad[16];

	ck_assert_int_eq(
	    filter_parse_states("established", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, BIT(TCP_ESTABLISHED));
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("listen,time-wait", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, BIT(TCP_LISTEN) | BIT(TCP_TIME_WAIT));
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("listening,closed", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, BIT(TCP_LISTEN) | BIT(TCP_CLOSE));
	/* SYN-RECV covers the request sockets (TCP_NEW_SYN_RECV, 12). */
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("syn-recv", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, BIT(TCP_SYN_RECV) | BIT(12));
	/* ss's groups. */
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("connected", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, 0x1ffeU & ~(BIT(TCP_LISTEN) | BIT(TCP_CLOSE)));
	s = 0;
	ck_assert_int_eq(filter_parse_states("all", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, 0x1ffeU);
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("bucket", &s, bad, sizeof(bad)), 0);
	ck_assert_uint_eq(s, BIT(TCP_SYN_RECV) | BIT(12) | BIT(TCP_TIME_WAIT));
	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("synchronized", &s, bad, sizeof(bad)), 0);
	ck_assert(!(s & BIT(TCP_SYN_SENT)) && (s & BIT(TCP_ESTABLISHED)));

	s = 0;
	ck_assert_int_eq(
	    filter_parse_states("established,estab1", &s, bad, sizeof(bad)),
	    -EINVAL);
	ck_assert_str_eq(bad, "estab1");
	ck_assert_uint_eq(s, 0);
}
END_TEST

/* The names the table prints, in any case (issue 11). */
START_TEST(test_states_as_printed)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} cases[] = {
		{ "LISTEN", BIT(TCP_LISTEN) },
		{ "ESTAB", BIT(TCP_ESTABLISHED) },
		{ "estab", BIT(TCP_ESTABLISHED) },
		{ "UNCONN", BIT(TCP_CLOSE) },
		{ "TIME-WAIT", BIT(TCP_TIME_WAIT) },
		{ "SYN-RECV", BIT(TCP_SYN_RECV) | BIT(12) },
		{ "SYN-SENT", BIT(TCP_SYN_SENT) },
		{ "FIN-WAIT-1", BIT(TCP_FIN_WAIT1) },
		{ "FIN-WAIT-2", BIT(TCP_FIN_WAIT2) },
		{ "CLOSE-WAIT", BIT(TCP_CLOSE_WAIT) },
		{ "LAST-ACK", BIT(TCP_LAST_ACK) },
		{ "CLOSING", BIT(TCP_CLOSING) },
		{ "Listening", BIT(TCP_LISTEN) },
		{ "Time-Wait", BIT(TCP_TIME_WAIT) },
	};
	unsigned int i;
	char bad[16];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t s = 0;

		ck_assert_msg(filter_parse_states(
				  cases[i].name, &s, bad, sizeof(bad)) == 0,
		    "%s refused", cases[i].name);
		ck_assert_msg(s == cases[i].bits, "%s: %#x", cases[i].name, s);
		/* And what the table prints is one of them. */
		if (strcmp(cases[i].name, "Listening") != 0 &&
		    strcmp(cases[i].name, "Time-Wait") != 0 &&
		    strcmp(cases[i].name, "estab") != 0) {
			unsigned int st = (unsigned int)__builtin_ctz(s);

			ck_assert_str_eq(sock_state_name(st), cases[i].name);
		}
	}
}
END_TEST

static const struct {
	const char *text;
	int ret;
	uint16_t port;
} port_cases[] = {
	{ ":22", 0, 22 },
	{ ":", -EINVAL, 0 },
	{ "ssh", 0, 22 }, /* /etc/services (netbase) */
	{ ":https", 0, 443 },
	{ "domain", 0, 53 },
	{ "no-such-service", -EINVAL, 0 },
	{ "22,80", -EINVAL, 0 },
	{ "0", 0, 0 },
	{ "22", 0, 22 },
	{ "65535", 0, 65535 },
	{ "065535", 0, 65535 },
	{ "65536", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+22", -EINVAL, 0 },
	{ " 22", -EINVAL, 0 },
	{ "22x", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
};

START_TEST(test_port)
{
	uint16_t port = 4242;
	int ret = filter_parse_port(port_cases[_i].text, "tcp", &port);

	ck_assert_msg(ret == port_cases[_i].ret, "'%s': %d, want %d",
	    port_cases[_i].text, ret, port_cases[_i].ret);
	if (ret == 0)
		ck_assert_uint_eq(port, port_cases[_i].port);
	else
		ck_assert_uint_eq(port, 4242);
}
END_TEST

static const struct {
	const char *text;
	int ret;
	int family;
	unsigned int len;
	const char *addr; /* what the prefix holds after masking */
} prefix_cases[] = {
	{ "10.0.0.0/8", 0, AF_INET, 8, "10.0.0.0" },
	{ "10.1.2.3/8", 0, AF_INET, 8, "10.0.0.0" },
	{ "10.1.2.3/13", 0, AF_INET, 13, "10.0.0.0" },
	{ "10.15.2.3/12", 0, AF_INET, 12, "10.0.0.0" },
	{ "10.16.2.3/12", 0, AF_INET, 12, "10.16.0.0" },
	{ "192.168.1.7", 0, AF_INET, 32, "192.168.1.7" },
	{ "0.0.0.0/0", 0, AF_INET, 0, "0.0.0.0" },
	{ "1.2.3.4/0", 0, AF_INET, 0, "0.0.0.0" },
	{ "10.0.0.0/32", 0, AF_INET, 32, "10.0.0.0" },
	{ "2001:db8::/32", 0, AF_INET6, 32, "2001:db8::" },
	{ "2001:db8:ffff::1/33", 0, AF_INET6, 33, "2001:db8:8000::" },
	{ "::1", 0, AF_INET6, 128, "::1" },
	{ "::/0", 0, AF_INET6, 0, "::" },
	{ "::ffff:10.0.0.0/104", 0, AF_INET6, 104, "::ffff:10.0.0.0" },
	{ "::ffff:10.9.8.7/104", 0, AF_INET6, 104, "::ffff:10.0.0.0" },
	{ "::ffff:1.2.3.4/128", 0, AF_INET6, 128, "::ffff:1.2.3.4" },
	{ "10.0.0.0/33", -ERANGE, 0, 0, NULL },
	{ "::ffff:1.2.3.4/200", -ERANGE, 0, 0, NULL },
	{ "::/129", -ERANGE, 0, 0, NULL },
	{ "1.2.3.4/99999999999", -ERANGE, 0, 0, NULL },
	{ "abc", -EINVAL, 0, 0, NULL },
	{ "", -EINVAL, 0, 0, NULL },
	{ "/8", -EINVAL, 0, 0, NULL },
	{ "10.0.0.0/", -EINVAL, 0, 0, NULL },
	{ "10.0.0.0/-1", -EINVAL, 0, 0, NULL },
	{ "10.0.0.0/8/8", -EINVAL, 0, 0, NULL },
	/* iproute2's short form, as ss takes it (issue 18.5). */
	{ "10.0.0/8", 0, AF_INET, 8, "10.0.0.0" },
	{ "10.0.0.0.0", -EINVAL, 0, 0, NULL },
	{ "1234", -EINVAL, 0, 0, NULL },
	{ "10.0.0.256", -EINVAL, 0, 0, NULL },
	{ "[::1]", -EINVAL, 0, 0, NULL },
	{ "1:2:3:4:5:6:7:8:9", -EINVAL, 0, 0, NULL },
	{ "0000:0000:0000:0000:0000:ffff:255.255.255.255:1", -EINVAL, 0, 0,
	    NULL },
};

START_TEST(test_prefix)
{
	struct filter_prefix p, before;
	uint8_t want[16] = { 0 };
	int ret;

	memset(&p, 0x5a, sizeof(p));
	before = p;
	ret = filter_parse_prefix(prefix_cases[_i].text, &p);
	ck_assert_msg(ret == prefix_cases[_i].ret, "'%s': %d, want %d",
	    prefix_cases[_i].text, ret, prefix_cases[_i].ret);
	if (ret != 0) {
		ck_assert(memcmp(&p, &before, sizeof(p)) == 0);
		return;
	}
	ck_assert_int_eq(p.family, prefix_cases[_i].family);
	ck_assert_uint_eq(p.len, prefix_cases[_i].len);
	ck_assert_int_eq(inet_pton(p.family, prefix_cases[_i].addr, want), 1);
	ck_assert_msg(memcmp(p.addr, want, 16) == 0, "'%s': address bits",
	    prefix_cases[_i].text);
}
END_TEST

static struct filter_prefix
prefix(const char *text)
{
	struct filter_prefix p;

	ck_assert_int_eq(filter_parse_prefix(text, &p), 0);
	return p;
}

static const struct {
	const char *prefix;
	int family;
	const char *addr;
	bool match;
} pm_cases[] = {
	{ "10.0.0.0/8", AF_INET, "10.200.0.1", true },
	{ "10.0.0.0/8", AF_INET, "11.0.0.1", false },
	/* An IPv4 prefix matches the IPv4 part of a mapped address... */
	{ "10.0.0.0/8", AF_INET6, "::ffff:10.200.0.1", true },
	{ "10.0.0.0/8", AF_INET6, "::ffff:11.0.0.1", false },
	/* ... and nothing else of an AF_INET6 socket. */
	{ "10.0.0.0/8", AF_INET6, "::10.200.0.1", false },
	{ "10.0.0.0/8", AF_INET6, "a00::", false },
	{ "0.0.0.0/0", AF_INET6, "::ffff:1.2.3.4", true },
	{ "0.0.0.0/0", AF_INET6, "::", false },
	{ "0.0.0.0/0", AF_INET6, "2001:db8::1", false },
	{ "0.0.0.0/0", AF_INET, "0.0.0.0", true },
	{ "127.0.0.1", AF_INET, "127.0.0.1", true },
	{ "127.0.0.1", AF_INET, "127.0.0.2", false },
	/* An IPv6 prefix never matches an AF_INET socket. */
	{ "::/0", AF_INET, "1.2.3.4", false },
	{ "::ffff:10.0.0.0/104", AF_INET, "10.0.0.1", false },
	{ "::ffff:10.0.0.0/104", AF_INET6, "::ffff:10.0.0.1", true },
	{ "::ffff:10.0.0.0/104", AF_INET6, "::ffff:11.0.0.1", false },
	{ "2001:db8::/32", AF_INET6, "2001:db8:1::5", true },
	{ "2001:db8::/32", AF_INET6, "2001:db9::5", false },
	{ "2001:db8::/31", AF_INET6, "2001:db9::5", true },
	{ "::/0", AF_INET6, "::ffff:1.2.3.4", true },
	{ "::", AF_INET6, "::", true },
	{ "::", AF_INET6, "::1", false },
};

START_TEST(test_prefix_match)
{
	struct filter_prefix p = prefix(pm_cases[_i].prefix);
	uint8_t addr[16] = { 0 };

	ck_assert_int_eq(
	    inet_pton(pm_cases[_i].family, pm_cases[_i].addr, addr), 1);
	ck_assert_msg(filter_prefix_match(&p, pm_cases[_i].family, addr) ==
		pm_cases[_i].match,
	    "%s vs %s: want %d", pm_cases[_i].prefix, pm_cases[_i].addr,
	    pm_cases[_i].match);
}
END_TEST

/* The protocol table's one rule for which states carry which mode. */
START_TEST(test_mode_states)
{
	/* LISTEN, CLOSE and bound-inactive (bit 13, reported as CLOSE). */
	const uint32_t lc = BIT(TCP_LISTEN) | BIT(TCP_CLOSE) | BIT(13);
	const uint32_t dgram = BIT(TCP_ESTABLISHED) | BIT(TCP_CLOSE);

	ck_assert_uint_eq(sock_mode_states(IPPROTO_TCP, AF_INET6, 0), 0);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_TCP, AF_INET6, BIT(SOCK_MODE_DUAL)), lc);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_TCP, AF_INET6, BIT(SOCK_MODE_V6ONLY)), lc);
	ck_assert_uint_eq(sock_mode_states(IPPROTO_TCP, AF_INET6,
			      BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED)),
	    0x3ffeU);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_TCP, AF_INET6, BIT(SOCK_MODE_V4)), 0);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_TCP, AF_INET, BIT(SOCK_MODE_V4)), 0x3ffeU);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_TCP, AF_INET, BIT(SOCK_MODE_DUAL)), 0);
	/* UDP: connected or not; dual and v6only only unconnected. */
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_UDP, AF_INET6, BIT(SOCK_MODE_V6)), dgram);
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_UDP, AF_INET6, BIT(SOCK_MODE_DUAL)),
	    BIT(TCP_CLOSE));
	/* Raw IPv6 is v6only in every state, and nothing else (18.4). */
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_RAW, AF_INET6, BIT(SOCK_MODE_V6ONLY)),
	    dgram);
	ck_assert_uint_eq(sock_mode_states(IPPROTO_RAW, AF_INET6,
			      BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_V6) |
				  BIT(SOCK_MODE_MAPPED)),
	    0);
	ck_assert_uint_eq(
	    sock_proto_modes(IPPROTO_RAW, AF_INET6), BIT(SOCK_MODE_V6ONLY));
	ck_assert_uint_eq(
	    sock_mode_states(IPPROTO_ICMP, AF_INET6, BIT(SOCK_MODE_V6ONLY)), 0);
}
END_TEST

/* Host conditions: ss's "*", brackets, ports. */
static const struct {
	const char *text;
	int ret;
	int family, len;
	const char *addr;
	int port;
} host_cases[] = {
	{ "*", 0, AF_UNSPEC, 0, NULL, -1 },
	{ "*:22", 0, AF_UNSPEC, 0, NULL, 22 },
	{ ":ssh", 0, AF_UNSPEC, 0, NULL, 22 },
	{ "10.0.0.0/8", 0, AF_INET, 8, "10.0.0.0", -1 },
	{ "10.0.0.0/8:22", 0, AF_INET, 8, "10.0.0.0", 22 },
	{ "10.1.2.3:https", 0, AF_INET, 32, "10.1.2.3", 443 },
	{ "[::1]", 0, AF_INET6, 128, "::1", -1 },
	{ "[::1]:443", 0, AF_INET6, 128, "::1", 443 },
	{ "[2001:db8::]/32", 0, AF_INET6, 32, "2001:db8::", -1 },
	{ "[2001:db8::/32]:80", 0, AF_INET6, 32, "2001:db8::", 80 },
	{ "[2001:db8::]/32:80", 0, AF_INET6, 32, "2001:db8::", 80 },
	/* Unbracketed IPv6 takes no port: the last group is address. */
	{ "2001:db8::22", 0, AF_INET6, 128, "2001:db8::22", -1 },
	{ "::ffff:10.0.0.0/104", 0, AF_INET6, 104, "::ffff:10.0.0.0", -1 },
	{ "10.0.0.0/33", -ERANGE, 0, 0, NULL, 0 },
	{ "10.0.0.0/8:99999", -ENOENT, 0, 0, NULL, 0 },
	{ "10.0.0.0/8:", -ENOENT, 0, 0, NULL, 0 },
	{ "[::1]:nosuch", -ENOENT, 0, 0, NULL, 0 },
	{ "[::1", -EINVAL, 0, 0, NULL, 0 },
	{ "[::1]x", -EINVAL, 0, 0, NULL, 0 },
	{ "", -EINVAL, 0, 0, NULL, 0 },
	{ "abc", -EINVAL, 0, 0, NULL, 0 },
	{ "[10.0.0.1]", 0, AF_INET, 32, "10.0.0.1", -1 },
	/* Issue 18.5: ss's forms.  "*" as a port: any port. */
	{ "127.0.0.0/8:*", 0, AF_INET, 8, "127.0.0.0", -1 },
	{ "[::1]:*", 0, AF_INET6, 128, "::1", -1 },
	{ "*:*", 0, AF_UNSPEC, 0, NULL, -1 },
	{ "[10.0.0.1]:22", 0, AF_INET, 32, "10.0.0.1", 22 },
	/* Family prefixes say the address's family. */
	{ "inet:127.0.0.1", 0, AF_INET, 32, "127.0.0.1", -1 },
	{ "inet6:[::1]:22", 0, AF_INET6, 128, "::1", 22 },
	{ "inet:*", 0, AF_INET, 0, "0.0.0.0", -1 },
	{ "inet6:*:22", 0, AF_INET6, 0, "::", 22 },
	{ "inet:[::1]", -EINVAL, 0, 0, NULL, 0 },
	{ "inet6:10.0.0.1", -EINVAL, 0, 0, NULL, 0 },
	{ "inet:", 0, AF_INET, 0, "0.0.0.0", -1 },
	/* iproute2's short IPv4 forms. */
	{ "0/0", 0, AF_INET, 0, "0.0.0.0", -1 },
	{ "10/8", 0, AF_INET, 8, "10.0.0.0", -1 },
	{ "192.168/16:22", 0, AF_INET, 16, "192.168.0.0", 22 },
	{ "10.256/16", -EINVAL, 0, 0, NULL, 0 },
	{ "10..1", -EINVAL, 0, 0, NULL, 0 },
};

START_TEST(test_host)
{
	struct filter_prefix p;
	int32_t port = 4242;
	uint8_t want[16] = { 0 };
	int ret = filter_parse_host(host_cases[_i].text, "tcp", &p, &port);

	ck_assert_msg(ret == host_cases[_i].ret, "'%s': %d, want %d",
	    host_cases[_i].text, ret, host_cases[_i].ret);
	if (ret != 0) {
		ck_assert_int_eq(port, 4242);
		return;
	}
	ck_assert_int_eq(p.family, host_cases[_i].family);
	ck_assert_int_eq(p.len, host_cases[_i].len);
	ck_assert_int_eq(port, host_cases[_i].port);
	if (host_cases[_i].addr != NULL) {
		ck_assert_int_eq(
		    inet_pton(p.family, host_cases[_i].addr, want), 1);
		ck_assert(memcmp(p.addr, want, 16) == 0);
	}
}
END_TEST

static void
parse(struct filter *f, const char *text)
{
	struct ssfilter_error e;

	memset(f, 0, sizeof(f[0]));
	ck_assert_msg(ssfilter_parse(f, text, NULL, &e) == 0,
	    "'%s': column %u: %s", text, e.column, e.msg);
}

/* Bound-inactive TCP sockets (bit 13) are unconnected too. */
#define LC (BIT(TCP_LISTEN) | BIT(TCP_CLOSE) | BIT(13))
#define ALL 0x3ffeU

#define DGRAM (BIT(TCP_ESTABLISHED) | BIT(TCP_CLOSE))

/*
 * The states an expression can hold in, per protocol and family: what
 * query.c asks for and what decides that a filter can never match.
 */
static const struct {
	const char *text;
	int protocol;
	uint32_t inet, inet6;
} states_cases[] = {
	{ "sport = :22", IPPROTO_TCP, ALL, ALL },
	/*
	 * A peer port may be anything in any state (issue 18.1): a UDP
	 * socket connected to port 0 is ESTAB, a TCP socket refused by a
	 * RST stays in CLOSE with its peer.
	 */
	{ "dport = :22", IPPROTO_TCP, ALL, ALL },
	{ "dport = :0", IPPROTO_TCP, ALL, ALL },
	{ "dport = :0", IPPROTO_UDP, ALL, ALL },
	{ "dport != :0", IPPROTO_TCP, ALL, ALL },
	{ "dport >= :1", IPPROTO_TCP, ALL, ALL },
	{ "dport < :1", IPPROTO_TCP, ALL, ALL },
	{ "dst *:22", IPPROTO_TCP, ALL, ALL },
	{ "not dst *:22", IPPROTO_TCP, ALL, ALL },
	{ "mode v4", IPPROTO_TCP, ALL, 0 },
	{ "mode dual", IPPROTO_TCP, 0, LC },
	{ "mode v6only or mode dual", IPPROTO_TCP, 0, LC },
	{ "mode dual or sport = :22", IPPROTO_TCP, ALL, ALL },
	{ "mode dual and dport = :22", IPPROTO_TCP, 0, LC },
	{ "mode v4 and mode dual", IPPROTO_TCP, 0, 0 },
	{ "not mode v4", IPPROTO_TCP, 0, ALL },
	{ "not mode dual", IPPROTO_TCP, ALL, ALL },
	{ "not not mode dual", IPPROTO_TCP, 0, LC },
	{ "mode mapped", IPPROTO_TCP, 0, ALL },
	{ "v6only", IPPROTO_TCP, 0, LC },
	{ "not v6only", IPPROTO_TCP, ALL, ALL },
	{ "src 2001:db8::/32", IPPROTO_TCP, 0, ALL },
	{ "src 10.0.0.0/8", IPPROTO_TCP, ALL, ALL },
	{ "not src 2001:db8::/32", IPPROTO_TCP, ALL, ALL },
	{ "mode v4,v6,v6only,dual,mapped", IPPROTO_TCP, ALL, ALL },
	/* Raw IPv6: v6only in every state, never anything else (18.4). */
	{ "mode v6only", IPPROTO_RAW, 0, DGRAM },
	{ "not mode v6only", IPPROTO_RAW, DGRAM, 0 },
	{ "mode dual or mode mapped or mode v6", IPPROTO_RAW, 0, 0 },
	/* UDP has no LISTEN: an unconnected socket is v6only or dual. */
	{ "mode v6only", IPPROTO_UDP, 0, BIT(TCP_CLOSE) },
};

START_TEST(test_states_analysis)
{
	struct filter f;
	int proto = states_cases[_i].protocol;

	parse(&f, states_cases[_i].text);
	ck_assert_msg(
	    filter_states(&f, proto, AF_INET) == states_cases[_i].inet,
	    "%s (AF_INET): %#x", states_cases[_i].text,
	    filter_states(&f, proto, AF_INET));
	ck_assert_msg(
	    filter_states(&f, proto, AF_INET6) == states_cases[_i].inet6,
	    "%s (AF_INET6): %#x", states_cases[_i].text,
	    filter_states(&f, proto, AF_INET6));
}
END_TEST

START_TEST(test_match)
{
	struct sock_entry l4 = check_sock(AF_INET, TCP_LISTEN, -1, "0.0.0.0",
			      22, "0.0.0.0", 0),
			  dual = check_sock(
			      AF_INET6, TCP_LISTEN, 0, "::", 3128, "::", 0),
			  only = check_sock(
			      AF_INET6, TCP_LISTEN, 1, "::", 443, "::", 0),
			  mapped = check_sock(AF_INET6, TCP_ESTABLISHED, -1,
			      "::ffff:10.0.0.1", 3128, "::ffff:10.9.9.9",
			      40000),
			  v6 = check_sock(AF_INET6, TCP_ESTABLISHED, -1,
			      "2001:db8::1", 443, "2001:db8::2", 50000),
			  req = check_sock(AF_INET6, TCP_SYN_RECV, -1,
			      "::ffff:10.0.0.1", 3128, "::ffff:10.1.1.1",
			      40001);
	struct filter f;

	memset(&f, 0, sizeof(f));
	ck_assert(filter_match(&f, &l4) && filter_match(&f, &mapped));

	parse(&f, "mode dual,mapped");
	ck_assert(!filter_match(&f, &l4));
	ck_assert(filter_match(&f, &dual));
	ck_assert(!filter_match(&f, &only));
	ck_assert(filter_match(&f, &mapped));
	ck_assert(!filter_match(&f, &v6));

	/* States; SYN-RECV request sockets come under bit 12 too. */
	memset(&f, 0, sizeof(f));
	f.states = BIT(TCP_LISTEN);
	ck_assert(filter_match(&f, &l4) && filter_match(&f, &dual));
	ck_assert(!filter_match(&f, &mapped));
	f.states = BIT(12);
	ck_assert(filter_match(&f, &req));
	ck_assert(!filter_match(&f, &mapped));

	parse(&f, "( sport = :22 or sport = :3128 )");
	ck_assert(filter_match(&f, &l4) && filter_match(&f, &dual));
	ck_assert(filter_match(&f, &mapped) && !filter_match(&f, &only));
	parse(&f, "( sport = :22 or sport = :3128 ) and dport = :40000");
	ck_assert(filter_match(&f, &mapped));
	ck_assert(!filter_match(&f, &l4) && !filter_match(&f, &req));

	/* An IPv4 dst finds the IPv4 clients of the dual listener. */
	parse(&f, "dst 10.9.0.0/16");
	ck_assert(filter_match(&f, &mapped));
	ck_assert(!filter_match(&f, &req) && !filter_match(&f, &v6));
	parse(&f, "dst 10.9.0.0/16 or dst 2001:db8::/32");
	ck_assert(filter_match(&f, &mapped) && filter_match(&f, &v6));
	ck_assert(!filter_match(&f, &l4));
	parse(&f, "( dst 10.9.0.0/16 or dst 2001:db8::/32 ) src 10.0.0.1");
	ck_assert(filter_match(&f, &mapped) && !filter_match(&f, &v6));

	/* The policy of the README: dual, except on 22 and 443. */
	parse(&f, "mode dual and not ( sport = :22 or sport = :https )");
	ck_assert(filter_match(&f, &dual));
	ck_assert(!filter_match(&f, &only) && !filter_match(&f, &l4));
	dual.local_port = 443;
	ck_assert(!filter_match(&f, &dual));
	/* Ranges, v6only. */
	parse(&f, "sport < :1024");
	ck_assert(filter_match(&f, &l4) && !filter_match(&f, &mapped));
	parse(&f, "sport > :443");
	ck_assert(!filter_match(&f, &only) && filter_match(&f, &mapped));
	parse(&f, "v6only");
	ck_assert(filter_match(&f, &only) && !filter_match(&f, &dual));
	ck_assert(!filter_match(&f, &l4) && !filter_match(&f, &v6));
}
END_TEST

/* A state or an expression makes the filter non-empty. */
/*
 * ss's forms (issue 18.5), each beside a form dualstat took before: the
 * two must select the same sockets, in user space and in the kernel's
 * program.
 */
static const struct {
	const char *ss, *plain;
} ss_forms[] = {
	{ "sport 22", "sport = :22" },
	{ "sport :22", "sport = :22" },
	{ "dport ssh", "dport = :22" },
	{ "sport geq :1024", "sport >= :1024" },
	{ "sport leq 3128", "sport <= :3128" },
	{ "sport = :*", "src *" },
	{ "dport != :*", "not dst *" },
	{ "src 127.0.0.0/8:*", "src 127.0.0.0/8" },
	{ "dst [::1]:*", "dst ::1" },
	{ "src *:*", "src *" },
	{ "src inet:10.0.0.1", "src 10.0.0.1" },
	{ "src inet6:[2001:db8::1]:443", "src [2001:db8::1]:443" },
	{ "dst 0/0", "dst 0.0.0.0/0" },
	{ "src 10/8", "src 10.0.0.0/8" },
	{ "dev 1", "dev = if1" },
	{ "excl all state established sport = :22",
	    "state established sport = :22" },
	{ "state unconnected sport = :22", "state closed sport = :22" },
};

START_TEST(test_ss_forms)
{
	const struct sock_entry socks[] = {
		check_sock(
		    AF_INET, TCP_LISTEN, -1, "0.0.0.0", 22, "0.0.0.0", 0),
		check_sock(AF_INET, TCP_ESTABLISHED, -1, "10.0.0.1", 22,
		    "127.0.0.1", 40000),
		check_sock(
		    AF_INET, TCP_CLOSE, -1, "127.0.0.1", 4444, "127.0.0.1", 9),
		check_sock(AF_INET6, TCP_LISTEN, 0, "::", 3128, "::", 0),
		check_sock(AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1",
		    3128, "::ffff:10.9.9.9", 40000),
		check_sock(AF_INET6, TCP_ESTABLISHED, -1, "2001:db8::1", 443,
		    "::1", 1024),
	};
	struct sock_entry sk;
	struct filter a, b;
	uint8_t pa[BC_MAX_LEN], pb[BC_MAX_LEN];
	int fam, la, lb;
	size_t k;

	parse(&a, ss_forms[_i].ss);
	parse(&b, ss_forms[_i].plain);
	ck_assert_uint_eq(a.states, b.states);
	for (k = 0; k < sizeof(socks) / sizeof(socks[0]); k++) {
		sk = socks[k];
		sk.ifindex = k % 2;
		ck_assert_msg(filter_match(&a, &sk) == filter_match(&b, &sk),
		    "%s vs %s: socket %zu", ss_forms[_i].ss, ss_forms[_i].plain,
		    k);
	}
	for (fam = AF_INET; fam <= AF_INET6; fam += AF_INET6 - AF_INET) {
		la = bc_compile(&a, fam, pa, sizeof(pa), NULL);
		lb = bc_compile(&b, fam, pb, sizeof(pb), NULL);
		ck_assert_int_eq(la, lb);
		ck_assert(la <= 0 || memcmp(pa, pb, (size_t)la) == 0);
	}
}
END_TEST

/*
 * autobound's user-space half (issue 18.2): the local port within
 * net.ipv4.ip_local_port_range, as ss checks it; the kernel's half (the
 * bind lock) is in the program.  Without an env it is left to the kernel.
 */
START_TEST(test_autobound_env)
{
	const struct filter_env env = { 32768, 60999 };
	struct sock_entry client = check_sock(AF_INET, TCP_ESTABLISHED, -1,
			      "127.0.0.1", 40000, "127.0.0.1", 9200),
			  accepted = check_sock(AF_INET6, TCP_ESTABLISHED, -1,
			      "::ffff:127.0.0.1", 9200, "::ffff:127.0.0.1",
			      40000),
			  bound = check_sock(AF_INET, TCP_TIME_WAIT, -1,
			      "127.0.0.1", 1022, "127.0.0.1", 9200),
			  edge_lo = client, edge_hi = client;
	struct filter f;

	edge_lo.local_port = 32768;
	edge_hi.local_port = 60999;
	parse(&f, "autobound");
	ck_assert(filter_match_env(&f, &env, &client));
	ck_assert(filter_match_env(&f, &env, &edge_lo));
	ck_assert(filter_match_env(&f, &env, &edge_hi));
	ck_assert(!filter_match_env(&f, &env, &accepted));
	ck_assert(!filter_match_env(&f, &env, &bound));
	edge_hi.local_port = 61000;
	ck_assert(!filter_match_env(&f, &env, &edge_hi));
	ck_assert(filter_match(&f, &accepted)); /* the kernel's to judge */
	parse(&f, "not autobound");
	ck_assert(!filter_match_env(&f, &env, &client));
	ck_assert(filter_match_env(&f, &env, &accepted));
}
END_TEST

/* What ss's forms still refuse: a wildcard port compared by order. */
START_TEST(test_ss_forms_refused)
{
	struct ssfilter_error e;
	struct filter f;

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(ssfilter_parse(&f, "sport < :*", NULL, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "the port wildcard '*' takes = or !=");
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(ssfilter_parse(&f, "exclude all", NULL, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "the state and exclude words leave no state");
	/* Service names for tcp and udp only: nbp is AppleTalk's (ddp). */
	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(ssfilter_parse(&f, "sport = :nbp", NULL, &e), -EINVAL);
}
END_TEST

START_TEST(test_is_empty)
{
	struct filter f;

	memset(&f, 0, sizeof(f));
	ck_assert(filter_is_empty(&f));
	f.states = 1U << 10;
	ck_assert(!filter_is_empty(&f));
	parse(&f, "sport = :1");
	ck_assert(!filter_is_empty(&f));
}
END_TEST

/* "Namespace" of the test: ds0 is 7 and ds1 is 9; nothing else. */
static unsigned int
fake_index(const char *name)
{
	return strcmp(name, "ds0") == 0 ? 7 : strcmp(name, "ds1") == 0 ? 9 : 0;
}

/* dev NAME is looked up again in each namespace; absent, it is no index. */
START_TEST(test_resolve_devs)
{
	struct sock_entry on7 = check_sock(AF_INET, TCP_LISTEN, -1, "0.0.0.0",
			      22, "0.0.0.0", 0),
			  unbound = on7;
	const char *missing = "x";
	struct filter f;

	on7.ifindex = 7;
	parse(&f, "dev ds0 or not dev ds2");
	ck_assert(filter_resolve_devs(&f, fake_index, &missing));
	ck_assert_str_eq(missing, "ds2");
	ck_assert(filter_match(&f, &on7) && filter_match(&f, &unbound));
	ck_assert(!filter_resolve_devs(&f, fake_index, &missing));
	parse(&f, "dev ds1");
	filter_resolve_devs(&f, fake_index, &missing);
	ck_assert_ptr_null(missing);
	ck_assert(!filter_match(&f, &on7));
	/* A namespace with no such device: an unbound socket (index 0) is
	 * not bound to it either. */
	parse(&f, "dev ds2");
	filter_resolve_devs(&f, fake_index, NULL);
	ck_assert(!filter_match(&f, &unbound) && !filter_match(&f, &on7));
	parse(&f, "not dev ds2");
	filter_resolve_devs(&f, fake_index, NULL);
	ck_assert(filter_match(&f, &unbound) && filter_match(&f, &on7));
}
END_TEST

/* The arena is bounded: filter_add() says when it is full. */
START_TEST(test_arena)
{
	struct filter f;
	struct filter_node n;
	int i, last = 0;

	memset(&f, 0, sizeof(f));
	memset(&n, 0, sizeof(n));
	n.kind = FILTER_V6ONLY;
	for (i = 0; i < FILTER_MAX_NODES; i++) {
		last = filter_add(&f, &n);
		ck_assert_int_eq(last, i);
	}
	ck_assert_int_eq(filter_add(&f, &n), -ENOSPC);
	ck_assert_int_eq(filter_add_op(&f, FILTER_NOT, last, 0), -ENOSPC);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("filter");
	TCase *tc;

	tc = tcase_create("modes");
	tcase_add_test(tc, test_modes);
	suite_add_tcase(s, tc);
	tc = tcase_create("states");
	tcase_add_test(tc, test_states);
	tcase_add_test(tc, test_states_as_printed);
	suite_add_tcase(s, tc);
	tc = tcase_create("ports");
	tcase_add_loop_test(tc, test_port, 0, N(port_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("prefixes");
	tcase_add_loop_test(tc, test_prefix, 0, N(prefix_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("prefix_match");
	tcase_add_loop_test(tc, test_prefix_match, 0, N(pm_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("mode_states");
	tcase_add_test(tc, test_mode_states);
	suite_add_tcase(s, tc);
	tc = tcase_create("hosts");
	tcase_add_loop_test(tc, test_host, 0, N(host_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("states_analysis");
	tcase_add_loop_test(tc, test_states_analysis, 0, N(states_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("match");
	tcase_add_test(tc, test_match);
	tcase_add_loop_test(tc, test_ss_forms, 0, N(ss_forms));
	tcase_add_test(tc, test_ss_forms_refused);
	tcase_add_test(tc, test_autobound_env);
	suite_add_tcase(s, tc);
	check_add(s, "is_empty", test_is_empty);
	check_add(s, "arena", test_arena);
	check_add(s, "resolve_devs", test_resolve_devs);
	return check_run(s);
}
