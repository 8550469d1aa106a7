/*
 * check_bc.c - unit tests for the bytecode compiler (bc.c)
 *
 * Small programs are checked byte for byte.  Every program is also run
 * through a validator and an evaluator written here from the rules in
 * include/uapi/linux/inet_diag.h and the behaviour of net/ipv4/inet_diag.c
 * (inet_diag_bc_audit(), inet_diag_bc_run()), over a table of sockets that
 * includes IPv4-mapped ones, and the evaluator must agree with
 * filter_match() on every socket.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "bc.h"
#include "bc_audit.h"
#include "check_suite.h"
#include "filter.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define BIT(s) (1U << (s))

/* A u16 as it lies in memory: the "no" field and the ports are host order. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define U16(v) (uint8_t)((v)&0xff), (uint8_t)((v) >> 8)
#else
#define U16(v) (uint8_t)((v) >> 8), (uint8_t)((v)&0xff)
#endif
/* struct inet_diag_bc_op {code, yes, no} */
#define OP(code, yes, no) (code), (yes), U16(no)
/* The op after S_EQ/D_EQ carries the port in its "no" field. */
#define PORT(p) 0, 0, U16(p)
/* struct inet_diag_hostcond {family, prefix_len, 2 pad, port = -1} */
#define HOSTCOND(family, len) (family), (len), 0, 0, 0xff, 0xff, 0xff, 0xff
/* Addresses follow the hostcond in network byte order. */
#define ADDR4(a, b, c, d) (a), (b), (c), (d)
#define ZERO4 0, 0, 0, 0
#define ZERO16 ZERO4, ZERO4, ZERO4, ZERO4

enum {
	NOP = INET_DIAG_BC_NOP,
	JMP = INET_DIAG_BC_JMP,
	S_COND = INET_DIAG_BC_S_COND,
	D_COND = INET_DIAG_BC_D_COND,
	S_EQ = INET_DIAG_BC_S_EQ,
	D_EQ = INET_DIAG_BC_D_EQ,
};

/* ---- evaluator: runs a program on one socket ---- */

static bool
prefix_bits(const uint8_t *a, const uint8_t *b, int bits)
{
	int i;

	for (i = 0; i < bits; i++) {
		int mask = 0x80 >> (i % 8);

		if ((a[i / 8] & mask) != (b[i / 8] & mask))
			return false;
	}
	return true;
}

static bool
cond_holds(const uint8_t *op, const struct sock_entry *sk)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	bool src = op[0] == S_COND;
	const uint8_t *addr = src ? sk->local_addr : sk->peer_addr;
	int family = op[4], bits = op[5];
	int32_t port;

	memcpy(&port, op + 8, 4);
	if (port != -1 && port != (src ? sk->local_port : sk->peer_port))
		return false;
	if (family == AF_UNSPEC)
		return true;
	if (family == sk->family)
		return prefix_bits(addr, op + 12, bits);
	/* AF_INET condition, AF_INET6 socket: the IPv4 part of a mapped
	 * address. */
	if (family == AF_INET && sk->family == AF_INET6)
		return memcmp(addr, mapped, 12) == 0 &&
		    prefix_bits(addr + 12, op + 12, bits);
	return false;
}

static bool
run(const uint8_t *bc, int len, const struct sock_entry *sk)
{
	int pos = 0;

	while (pos < len) {
		const uint8_t *op = bc + pos;
		bool yes;

		switch (op[0]) {
		case NOP:
			yes = true;
			break;
		case JMP:
			yes = false;
			break;
		case S_EQ:
			yes = sk->local_port == bc_audit_no(op + 4);
			break;
		case D_EQ:
			yes = sk->peer_port == bc_audit_no(op + 4);
			break;
		case S_COND:
		case D_COND:
			yes = cond_holds(op, sk);
			break;
		default:
			ck_abort_msg("evaluator: op %d at %d", op[0], pos);
			return false;
		}
		pos += yes ? op[1] : bc_audit_no(op);
	}
	return pos == len;
}

/* ---- the validator and evaluator can say no ---- */

START_TEST(test_validator_rejects)
{
	static const struct {
		uint8_t bc[16];
		int len;
	} bad[] = {
		/* yes not a multiple of 4 */
		{ { OP(S_EQ, 6, 12), PORT(22) }, 8 },
		/* yes shorter than the op */
		{ { OP(S_EQ, 4, 12), PORT(22) }, 8 },
		/* no past end + 4 */
		{ { OP(S_EQ, 8, 16), PORT(22) }, 8 },
		/* no into the middle of the next op */
		{ { OP(JMP, 4, 8), OP(S_EQ, 8, 12), PORT(22) }, 12 },
		/* unknown op */
		{ { OP(99, 4, 8) }, 4 },
		/* truncated condition */
		{ { OP(S_COND, 12, 16), HOSTCOND(AF_INET6, 0) }, 12 },
		/* prefix longer than the address */
		{ { OP(S_COND, 16, 20), HOSTCOND(AF_INET, 33), 0, 0, 0, 0 },
		    16 },
	};
	int i;

	for (i = 0; i < N(bad); i++)
		ck_assert_msg(bc_audit(bad[i].bc, bad[i].len) != NULL,
		    "bad program %d passed the validator", i);
}
END_TEST

/* ---- the sockets ---- */

struct sock_spec {
	int family, state, v6only;
	const char *local;
	uint16_t lport;
	const char *peer;
	uint16_t pport;
};

static const struct sock_spec socks[] = {
	{ AF_INET, TCP_LISTEN, -1, "0.0.0.0", 22, "0.0.0.0", 0 },
	{ AF_INET, TCP_LISTEN, -1, "10.0.0.1", 80, "0.0.0.0", 0 },
	{ AF_INET, TCP_ESTABLISHED, -1, "10.0.0.1", 22, "10.9.9.9", 40000 },
	{ AF_INET, TCP_TIME_WAIT, -1, "192.0.2.1", 22, "198.51.100.7", 51000 },
	{ AF_INET, TCP_CLOSE, -1, "127.0.0.1", 53, "0.0.0.0", 0 },
	{ AF_INET6, TCP_LISTEN, 0, "::", 3128, "::", 0 },
	{ AF_INET6, TCP_LISTEN, 1, "::", 443, "::", 0 },
	{ AF_INET6, TCP_LISTEN, 1, "2001:db8::1", 22, "::", 0 },
	{ AF_INET6, TCP_CLOSE, 0, "::", 53, "::", 0 },
	{ AF_INET6, TCP_CLOSE, 1, "::1", 53, "::", 0 },
	/* bound to a mapped address */
	{ AF_INET6, TCP_LISTEN, 0, "::ffff:127.0.0.1", 8080, "::", 0 },
	/* v6only 0 on a specific address: mode v6 */
	{ AF_INET6, TCP_CLOSE, 0, "2001:db8::7", 5353, "::", 0 },
	/* accepted from the dual listener */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1", 3128,
	    "::ffff:10.9.9.9", 40001 },
	{ AF_INET6, TCP_SYN_RECV, -1, "::ffff:10.0.0.1", 3128,
	    "::ffff:172.16.0.5", 40002 },
	{ AF_INET6, TCP_TIME_WAIT, -1, "::ffff:192.0.2.1", 3128,
	    "::ffff:198.51.100.7", 51001 },
	/* UDP connected from "::" to a mapped peer */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1", 9000,
	    "::ffff:10.0.0.2", 53 },
	{ AF_INET6, TCP_ESTABLISHED, -1, "2001:db8::1", 443, "2001:db8::2",
	    50000 },
	{ AF_INET6, TCP_ESTABLISHED, -1, "::1", 53, "::1", 40000 },
	{ AF_INET6, TCP_TIME_WAIT, -1, "2001:db8:1::1", 22, "2001:db8::9",
	    51002 },
	/* only the peer mapped (classify.c takes either end) */
	{ AF_INET6, TCP_SYN_SENT, -1, "::", 40010, "::ffff:10.9.9.9", 80 },
	/* not mapped: IPv4-compatible, and ffff elsewhere */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::10.0.0.1", 22, "::ffff:0:a00:1",
	    40003 },
};

static struct sock_entry
make_sock(const struct sock_spec *s)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)s->family;
	sk.protocol = 6;
	sk.state = (uint8_t)s->state;
	sk.v6only = (int8_t)s->v6only;
	ck_assert_int_eq(inet_pton(s->family, s->local, sk.local_addr), 1);
	ck_assert_int_eq(inet_pton(s->family, s->peer, sk.peer_addr), 1);
	sk.local_port = s->lport;
	sk.peer_port = s->pport;
	sock_classify(&sk);
	return sk;
}

/* ---- the filters ---- */

struct filter_spec {
	const char *modes, *sports, *dports, *srcs, *dsts; /* comma lists */
};

static void
add_prefixes(struct filter_prefix *p, unsigned int *n, const char *list)
{
	char buf[256], *tok, *save = NULL;

	if (list == NULL)
		return;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		ck_assert_int_eq(filter_parse_prefix(tok, &p[(*n)++]), 0);
}

static void
add_ports(uint16_t *p, unsigned int *n, const char *list)
{
	char buf[256], *tok, *save = NULL;

	if (list == NULL)
		return;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		ck_assert_int_eq(filter_parse_port(tok, &p[(*n)++]), 0);
}

static struct filter
make_filter(const struct filter_spec *s)
{
	struct filter f;
	char bad[32];

	memset(&f, 0, sizeof(f));
	if (s->modes != NULL)
		ck_assert_int_eq(
		    filter_parse_modes(s->modes, &f.modes, bad, sizeof(bad)),
		    0);
	add_ports(f.sports, &f.nsports, s->sports);
	add_ports(f.dports, &f.ndports, s->dports);
	add_prefixes(f.srcs, &f.nsrcs, s->srcs);
	add_prefixes(f.dsts, &f.ndsts, s->dsts);
	return f;
}

static const struct filter_spec filters[] = {
	{ NULL, "22", NULL, NULL, NULL },
	{ NULL, "22,80,3128", NULL, NULL, NULL },
	{ NULL, NULL, "40000,53", NULL, NULL },
	{ NULL, "22", "40000", NULL, NULL },
	{ NULL, NULL, NULL, "10.0.0.0/8", NULL },
	{ NULL, NULL, NULL, NULL, "10.9.0.0/16,198.51.100.0/24" },
	{ NULL, NULL, NULL, "2001:db8::/32", NULL },
	{ NULL, NULL, NULL, "::ffff:10.0.0.0/104", NULL },
	{ NULL, NULL, NULL, "0.0.0.0/0", NULL },
	{ NULL, NULL, NULL, "::/0", NULL },
	{ NULL, NULL, NULL, "::", NULL },
	{ NULL, NULL, NULL, "2001:db8::/32,10.0.0.1", "::/0,0.0.0.0/0" },
	{ "mapped", NULL, NULL, NULL, NULL },
	{ "dual", NULL, NULL, NULL, NULL },
	{ "dual,mapped", NULL, NULL, NULL, NULL },
	{ "v6", NULL, NULL, NULL, NULL },
	{ "v6only", NULL, NULL, NULL, NULL },
	{ "v4", NULL, NULL, NULL, NULL },
	{ "v4,mapped", "3128,22", NULL, "10.0.0.0/8", NULL },
	{ "dual,mapped", "3128", NULL, NULL, "10.9.9.9" },
	{ "v6,v6only", NULL, "40000", NULL, NULL },
	{ "v4,v6,v6only,dual,mapped", "53", NULL, NULL, NULL },
	{ "dual,v6only", "443,53", NULL, NULL, NULL },
	{ "mapped", NULL, NULL, "2001:db8::/32", NULL },
};

/*
 * What the kernel should select: the bytecode cannot see v6only, so a
 * socket passes if some value of v6only would make filter_match() take
 * it.  States are left out: they go into idiag_states, not the program.
 */
static bool
kernel_should_pass(const struct filter *f, const struct sock_entry *sk)
{
	static const int values[] = { SOCK_V6ONLY_UNKNOWN, SOCK_V6ONLY_NO,
		SOCK_V6ONLY_YES };
	struct sock_entry alt = *sk;
	int i;

	if (sk->family == AF_INET)
		return filter_match(f, sk);
	for (i = 0; i < N(values); i++) {
		alt.v6only = (int8_t)values[i];
		sock_classify(&alt);
		if (filter_match(f, &alt))
			return true;
	}
	return false;
}

static void
check_program(const struct filter *f, const char *what)
{
	static const int families[] = { AF_INET, AF_INET6 };
	uint8_t bc[BC_MAX_LEN];
	int fi, si, len, pos;

	for (fi = 0; fi < N(families); fi++) {
		const char *why;

		len = bc_compile(f, families[fi], bc, sizeof(bc));
		ck_assert_msg(len >= 0, "%s: bc_compile %d", what, len);
		if (len > 0) {
			why = bc_audit(bc, len);
			ck_assert_msg(why == NULL, "%s (family %d): %s", what,
			    families[fi], why);
			/* Our own rule: every yes is the op's length. */
			for (pos = 0; pos < len; pos += bc[pos + 1])
				ck_assert_int_eq(bc[pos + 1],
				    bc_audit_op_len(bc + pos, len - pos));
		}
		for (si = 0; si < N(socks); si++) {
			struct sock_entry sk = make_sock(&socks[si]);
			bool got, want;

			if (sk.family != families[fi])
				continue;
			got = len == 0 || run(bc, len, &sk);
			want = kernel_should_pass(f, &sk);
			ck_assert_msg(got == want,
			    "%s: socket %d (%s:%u -> %s:%u, %s): program "
			    "says %d, filter_match %d",
			    what, si, socks[si].local, socks[si].lport,
			    socks[si].peer, socks[si].pport,
			    sock_mode_name(sk.mode), got, want);
			/* Only the v6only-blind modes may differ. */
			if (!(f->modes &
				(BIT(SOCK_MODE_V6) | BIT(SOCK_MODE_V6ONLY) |
				    BIT(SOCK_MODE_DUAL))))
				ck_assert(got == filter_match(f, &sk));
		}
	}
}

START_TEST(test_table)
{
	struct filter f = make_filter(&filters[_i]);
	char what[64];

	snprintf(what, sizeof(what), "filter %d", _i);
	check_program(&f, what);
}
END_TEST

/* Every set of modes, alone and with ports and prefixes. */
START_TEST(test_every_mode_set)
{
	static const struct filter_spec extra[] = {
		{ NULL, NULL, NULL, NULL, NULL },
		{ NULL, "3128,53", NULL, NULL, NULL },
		{ NULL, NULL, NULL, "10.0.0.0/8,::/0", "10.9.9.9" },
	};
	struct filter f = make_filter(&extra[_i % N(extra)]);
	char what[64];

	f.modes = (unsigned int)(_i / N(extra));
	snprintf(
	    what, sizeof(what), "modes %#x extra %d", f.modes, _i % N(extra));
	check_program(&f, what);
}
END_TEST

/* ---- exact bytes ---- */

static void
check_bytes(
    const struct filter_spec *s, int family, const uint8_t *want, int wantlen)
{
	struct filter f = make_filter(s);
	uint8_t bc[BC_MAX_LEN];
	int len, i;

	len = bc_compile(&f, family, bc, sizeof(bc));
	ck_assert_int_eq(len, wantlen);
	for (i = 0; i < len; i++)
		ck_assert_msg(bc[i] == want[i], "byte %d: %#x, want %#x", i,
		    bc[i], want[i]);
	if (len > 0)
		ck_assert_ptr_null(bc_audit(bc, len));
}

START_TEST(test_bytes_empty)
{
	static const struct filter_spec s = { NULL, NULL, NULL, NULL, NULL };
	static const struct filter_spec all = { "v4,v6,v6only,dual,mapped",
		NULL, NULL, NULL, NULL };

	check_bytes(&s, AF_INET, NULL, 0);
	check_bytes(&s, AF_INET6, NULL, 0);
	/* Every mode of the family: no program either. */
	check_bytes(&all, AF_INET6, NULL, 0);
	check_bytes(&all, AF_INET, NULL, 0);
}
END_TEST

START_TEST(test_bytes_sport)
{
	static const struct filter_spec s = { NULL, "22", NULL, NULL, NULL };
	static const uint8_t want[] = {
		/* 0: S_EQ, yes: next (8), no: reject (8 + 4) */
		OP(S_EQ, 8, 12),
		/* 4: port 22 */
		PORT(22),
	};

	check_bytes(&s, AF_INET, want, N(want));
	check_bytes(&s, AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_two_dports)
{
	static const struct filter_spec s = { NULL, NULL, "22,80", NULL, NULL };
	static const uint8_t want[] = {
		/* 0: D_EQ 22; no: skip the JMP, to 12 */
		OP(D_EQ, 8, 12),
		PORT(22),
		/* 8: JMP to the end of the clause (20) */
		OP(JMP, 4, 12),
		/* 12: D_EQ 80; no: reject (24) */
		OP(D_EQ, 8, 12),
		PORT(80),
	};

	check_bytes(&s, AF_INET, want, N(want));
}
END_TEST

START_TEST(test_bytes_mapped)
{
	static const struct filter_spec s = { "mapped", NULL, NULL, NULL,
		NULL };
	static const uint8_t want[] = {
		/* 0: S_COND AF_INET/0: the local address is mapped;
		 * no: skip the JMP, to 20 */
		OP(S_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 16: JMP to the end (36) */
		OP(JMP, 4, 20),
		/* 20: D_COND AF_INET/0: the peer is mapped; no: reject (40) */
		OP(D_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
	};
	static const uint8_t reject[] = {
		/* 0: JMP past the end (8): nothing passes */
		OP(JMP, 4, 8),
	};

	check_bytes(&s, AF_INET6, want, N(want));
	/* No AF_INET socket is mapped. */
	check_bytes(&s, AF_INET, reject, N(reject));
}
END_TEST

START_TEST(test_bytes_dual)
{
	static const struct filter_spec s = { "dual", NULL, NULL, NULL, NULL };
	static const uint8_t want[] = {
		/* 0: S_COND AF_INET6 ::/128; no: reject (52) */
		OP(S_COND, 28, 52),
		HOSTCOND(AF_INET6, 128),
		ZERO16,
		/* 28: D_COND AF_INET/0 (peer mapped); no: skip the JMP */
		OP(D_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 44: JMP to reject (52) */
		OP(JMP, 4, 8),
	};

	check_bytes(&s, AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_not_mapped)
{
	static const struct filter_spec s = { "v6", NULL, NULL, NULL, NULL };
	static const uint8_t want[] = {
		/* 0: S_COND AF_INET/0 (local mapped); no: skip the JMP */
		OP(S_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 16: JMP to reject (44) */
		OP(JMP, 4, 28),
		/* 20: D_COND AF_INET/0 (peer mapped); no: skip the JMP */
		OP(D_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 36: JMP to reject (44) */
		OP(JMP, 4, 8),
	};

	check_bytes(&s, AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_src4_on_inet6)
{
	static const struct filter_spec s = { NULL, NULL, NULL,
		"10.0.0.0/8,2001:db8::/32", NULL };
	static const uint8_t want6[] = {
		/* 0: S_COND 10.0.0.0/8 (mapped ones on AF_INET6);
		 * no: skip the JMP */
		OP(S_COND, 16, 20),
		HOSTCOND(AF_INET, 8),
		ADDR4(10, 0, 0, 0),
		/* 16: JMP to the end (48) */
		OP(JMP, 4, 32),
		/* 20: S_COND 2001:db8::/32; no: reject (52) */
		OP(S_COND, 28, 32),
		HOSTCOND(AF_INET6, 32),
		ADDR4(0x20, 0x01, 0x0d, 0xb8), /* 2001:db8:: */
		ZERO4,
		ZERO4,
		ZERO4,
	};
	static const uint8_t want4[] = {
		/* The IPv6 prefix is left out of the AF_INET program. */
		OP(S_COND, 16, 20),
		HOSTCOND(AF_INET, 8),
		ADDR4(10, 0, 0, 0),
	};

	check_bytes(&s, AF_INET6, want6, N(want6));
	check_bytes(&s, AF_INET, want4, N(want4));
}
END_TEST

START_TEST(test_bytes_and)
{
	static const struct filter_spec s = { "dual,mapped", "3128", NULL, NULL,
		NULL };
	static const uint8_t want[] = {
		/* 0: local mapped? no: 20 */
		OP(S_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 16: JMP to the clause's end (68) */
		OP(JMP, 4, 52),
		/* 20: peer mapped? no: 40 */
		OP(D_COND, 16, 20),
		HOSTCOND(AF_INET, 0),
		ZERO4,
		/* 36: JMP to the clause's end (68) */
		OP(JMP, 4, 32),
		/* 40: local "::"? no: reject (80) */
		OP(S_COND, 28, 40),
		HOSTCOND(AF_INET6, 128),
		ZERO16,
		/* 68: local port 3128? no: reject (80) */
		OP(S_EQ, 8, 12),
		PORT(3128),
	};

	check_bytes(&s, AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_limits)
{
	struct filter f;
	uint8_t bc[BC_MAX_LEN];
	unsigned int i;
	int len;

	/* The largest filter the command line allows fits. */
	memset(&f, 0, sizeof(f));
	f.modes = BIT(SOCK_MODE_DUAL) | BIT(SOCK_MODE_MAPPED);
	for (i = 0; i < FILTER_MAX; i++) {
		f.sports[f.nsports++] = (uint16_t)(1000 + i);
		f.dports[f.ndports++] = (uint16_t)(2000 + i);
		ck_assert_int_eq(
		    filter_parse_prefix("2001:db8::/32", &f.srcs[f.nsrcs++]),
		    0);
		ck_assert_int_eq(
		    filter_parse_prefix("2001:db8::/48", &f.dsts[f.ndsts++]),
		    0);
	}
	len = bc_compile(&f, AF_INET6, bc, sizeof(bc));
	ck_assert_int_gt(len, 0);
	ck_assert_ptr_null(bc_audit(bc, len));
	/* A buffer too small is refused, not overrun. */
	ck_assert_int_eq(bc_compile(&f, AF_INET6, bc, 100), -E2BIG);
	f.modes = BIT(SOCK_MODE_V4);
	ck_assert_int_eq(bc_compile(&f, AF_INET6, bc, 2), -E2BIG);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("bc");
	TCase *tc;

	tc = tcase_create("validator");
	tcase_add_test(tc, test_validator_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("bytes");
	tcase_add_test(tc, test_bytes_empty);
	tcase_add_test(tc, test_bytes_sport);
	tcase_add_test(tc, test_bytes_two_dports);
	tcase_add_test(tc, test_bytes_mapped);
	tcase_add_test(tc, test_bytes_dual);
	tcase_add_test(tc, test_bytes_not_mapped);
	tcase_add_test(tc, test_bytes_src4_on_inet6);
	tcase_add_test(tc, test_bytes_and);
	suite_add_tcase(s, tc);
	tc = tcase_create("evaluate");
	tcase_add_loop_test(tc, test_table, 0, N(filters));
	tcase_add_loop_test(tc, test_every_mode_set, 0, 32 * 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return check_run(s);
}
