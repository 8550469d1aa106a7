/*
 * check_bc.c - unit tests for the bytecode compiler (bc.c) and the property
 * test of the whole filter: parser, user-space evaluator and compiler
 *
 * Small programs are checked byte for byte.  Every program is also run
 * through a validator and an evaluator written here from the rules in
 * include/uapi/linux/inet_diag.h and the behaviour of net/ipv4/inet_diag.c
 * (inet_diag_bc_audit(), inet_diag_bc_run()), over a table of sockets that
 * includes IPv4-mapped ones.  Random expressions, generated here as trees
 * and written out as ss filter text, are parsed (ssfilter.c) and judged
 * three ways on every socket: by a naive evaluator over the generated
 * tree, by filter_match(), and by the compiled program.  filter_match()
 * must agree with the naive one exactly; the program must pass every
 * socket the naive one passes (the kernel may not drop one), and exactly
 * those when the expression has no mode or v6only term.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <stdarg.h>
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
#include "owner.h"
#include "ssfilter.h"

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
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define U64(v) U16((v)&0xffff), U16(((v) >> 16) & 0xffff), 0, 0, 0, 0
#else
#define U64(v) 0, 0, 0, 0, U16(((v) >> 16) & 0xffff), U16((v)&0xffff)
#endif

enum {
	NOP = INET_DIAG_BC_NOP,
	JMP = INET_DIAG_BC_JMP,
	S_COND = INET_DIAG_BC_S_COND,
	D_COND = INET_DIAG_BC_D_COND,
	S_EQ = INET_DIAG_BC_S_EQ,
	D_EQ = INET_DIAG_BC_D_EQ,
	S_GE = INET_DIAG_BC_S_GE,
	S_LE = INET_DIAG_BC_S_LE,
	D_GE = INET_DIAG_BC_D_GE,
	D_LE = INET_DIAG_BC_D_LE,
	DEV = INET_DIAG_BC_DEV_COND,
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
		case S_GE:
			yes = sk->local_port >= bc_audit_no(op + 4);
			break;
		case S_LE:
			yes = sk->local_port <= bc_audit_no(op + 4);
			break;
		case D_GE:
			yes = sk->peer_port >= bc_audit_no(op + 4);
			break;
		case D_LE:
			yes = sk->peer_port <= bc_audit_no(op + 4);
			break;
		case INET_DIAG_BC_CGROUP_COND: {
			uint64_t id;

			memcpy(&id, op + 4, 8);
			yes = sk->cgroup_id == id;
			break;
		}
		case DEV: {
			uint32_t ifindex;

			memcpy(&ifindex, op + 4, 4);
			yes = sk->ifindex == ifindex;
			break;
		}
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
		/* a cgroup id cut short */
		{ { OP(INET_DIAG_BC_CGROUP_COND, 8, 12), 1, 0, 0, 0 }, 8 },
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
	uint32_t ifindex;
	enum sock_mode mode; /* what classify.c's rules give, by hand */
};

#define V4 SOCK_MODE_V4
#define V6 SOCK_MODE_V6
#define V6ONLY SOCK_MODE_V6ONLY
#define DUAL SOCK_MODE_DUAL
#define MAPPED SOCK_MODE_MAPPED

static const struct sock_spec socks[] = {
	{ AF_INET, TCP_LISTEN, -1, "0.0.0.0", 22, "0.0.0.0", 0, 0, V4 },
	{ AF_INET, TCP_LISTEN, -1, "10.0.0.1", 80, "0.0.0.0", 0, 1, V4 },
	{ AF_INET, TCP_ESTABLISHED, -1, "10.0.0.1", 22, "10.9.9.9", 40000, 0,
	    V4 },
	{ AF_INET, TCP_TIME_WAIT, -1, "192.0.2.1", 22, "198.51.100.7", 51000, 0,
	    V4 },
	{ AF_INET, TCP_CLOSE, -1, "127.0.0.1", 53, "0.0.0.0", 0, 1, V4 },
	{ AF_INET6, TCP_LISTEN, 0, "::", 3128, "::", 0, 0, DUAL },
	{ AF_INET6, TCP_LISTEN, 1, "::", 443, "::", 0, 0, V6ONLY },
	{ AF_INET6, TCP_LISTEN, 1, "2001:db8::1", 22, "::", 0, 0, V6ONLY },
	{ AF_INET6, TCP_CLOSE, 0, "::", 53, "::", 0, 1, DUAL },
	{ AF_INET6, TCP_CLOSE, 1, "::1", 53, "::", 0, 0, V6ONLY },
	/* bound to a mapped address */
	{ AF_INET6, TCP_LISTEN, 0, "::ffff:127.0.0.1", 8080, "::", 0, 0,
	    MAPPED },
	/* v6only 0 on a specific address: mode v6 */
	{ AF_INET6, TCP_CLOSE, 0, "2001:db8::7", 5353, "::", 0, 0, V6 },
	/* accepted from the dual listener */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1", 3128,
	    "::ffff:10.9.9.9", 40001, 0, MAPPED },
	{ AF_INET6, TCP_SYN_RECV, -1, "::ffff:10.0.0.1", 3128,
	    "::ffff:172.16.0.5", 40002, 0, MAPPED },
	{ AF_INET6, TCP_TIME_WAIT, -1, "::ffff:192.0.2.1", 3128,
	    "::ffff:198.51.100.7", 51001, 0, MAPPED },
	/* UDP connected from "::" to a mapped peer */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::ffff:10.0.0.1", 9000,
	    "::ffff:10.0.0.2", 53, 0, MAPPED },
	{ AF_INET6, TCP_ESTABLISHED, -1, "2001:db8::1", 443, "2001:db8::2",
	    50000, 1, V6 },
	{ AF_INET6, TCP_ESTABLISHED, -1, "::1", 53, "::1", 40000, 0, V6 },
	{ AF_INET6, TCP_TIME_WAIT, -1, "2001:db8:1::1", 22, "2001:db8::9",
	    51002, 0, V6 },
	/* only the peer mapped (classify.c takes either end) */
	{ AF_INET6, TCP_SYN_SENT, -1, "::", 40010, "::ffff:10.9.9.9", 80, 0,
	    MAPPED },
	/* not mapped: IPv4-compatible, and ffff elsewhere */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::10.0.0.1", 22, "::ffff:0:a00:1",
	    40003, 0, V6 },
	/* a v6 listener, v6only not reported, bound to "::" */
	{ AF_INET6, TCP_ESTABLISHED, -1, "::", 1024, "2001:db8::2", 1023, 1,
	    V6 },
};

/*
 * Who holds socket i, by a rule of the test's own: sockets without an
 * owner (TIME-WAIT, SYN-RECV) have none, uid 0 and no cgroup, as the
 * kernel reports them; the others cgroup 100 + i % 3, uid 0 or 1000,
 * and one process (none for every fifth).
 */
static const char *const comms[] = { "sshd", "nginx", "java" };

static bool
spec_owned(int i)
{
	return socks[i].state != TCP_TIME_WAIT &&
	    socks[i].state != TCP_SYN_RECV;
}

static size_t
spec_owners(int i, struct filter_owner *o)
{
	if (!spec_owned(i) || i % 5 == 4)
		return 0;
	o->pid = 100 + i % 3;
	o->comm = comms[i % 3];
	o->comm_len = strlen(o->comm);
	return 1;
}

static struct sock_entry
make_sock(const struct sock_spec *s)
{
	struct sock_entry sk;
	int i = (int)(s - socks);

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)s->family;
	sk.protocol = 6;
	sk.state = (uint8_t)s->state;
	sk.v6only = (int8_t)s->v6only;
	ck_assert_int_eq(inet_pton(s->family, s->local, sk.local_addr), 1);
	ck_assert_int_eq(inet_pton(s->family, s->peer, sk.peer_addr), 1);
	sk.local_port = s->lport;
	sk.peer_port = s->pport;
	sk.ifindex = s->ifindex;
	if (spec_owned(i)) {
		sk.cgroup_id = 100 + (uint64_t)(i % 3);
		sk.uid = i % 2 == 0 ? 0 : 1000;
		sk.inode = 5000 + (uint32_t)i;
	}
	sock_classify(&sk);
	ck_assert_int_eq(sk.mode, s->mode);
	return sk;
}

/* ---- the filters ---- */

static void
parse(struct filter *f, const char *text)
{
	struct ssfilter_error e;

	memset(f, 0, sizeof(*f));
	ck_assert_msg(ssfilter_parse(f, text, "tcp", &e) == 0,
	    "'%s': column %u: %s", text, e.column, e.msg);
}

/* Do the expression's terms include one the kernel cannot see? */
static bool
has_user_terms(const struct filter *f)
{
	return filter_has(f, FILTER_MODE_IN) || filter_has(f, FILTER_V6ONLY) ||
	    filter_has(f, FILTER_UID) || filter_needs_owners(f);
}

/*
 * The parser resolves cgroup paths on the host; the tests write "pid
 * 10000NN" and make those nodes "cgroup id NN", keeping the parser's
 * tree.
 */
#define CGROUP_PID 1000000

static void
pids_to_cgroups(struct filter *f)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].kind == FILTER_PID &&
		    f->nodes[i].value >= CGROUP_PID) {
			f->nodes[i].kind = FILTER_CGROUP;
			f->nodes[i].id = f->nodes[i].value - CGROUP_PID;
			f->nodes[i].value = 0;
		}
}

/*
 * Compiles f for both families, audits the programs, and checks each
 * socket: the program passes it if want() does, and only then if the
 * expression is one the kernel sees whole.  want NULL: filter_match().
 */
static void
check_program(const struct filter *f, const char *what,
    bool (*want)(const void *, const struct sock_entry *), const void *arg)
{
	static const int families[] = { AF_INET, AF_INET6 };
	uint8_t bc[BC_MAX_LEN];
	int fi, si, len, pos;
	bool exact;

	for (fi = 0; fi < N(families); fi++) {
		const char *why;

		len = bc_compile(f, families[fi], bc, sizeof(bc), &exact);
		ck_assert_msg(len >= 0, "%s: bc_compile %d", what, len);
		/* Without user terms nothing is widened. */
		if (!has_user_terms(f))
			ck_assert_msg(exact, "%s: not exact", what);
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
			struct filter_owner o;
			size_t no = spec_owners(si, &o);
			enum filter_answer before, after;
			bool got, should;

			if (sk.family != families[fi])
				continue;
			got = len == 0 || run(bc, len, &sk);
			/* Decided with the owners, and before they are
			 * known: "maybe", or the same answer. */
			after = filter_decide(f, NULL, &sk, &o, no);
			before = filter_decide(f, NULL, &sk, NULL, 0);
			ck_assert_int_ne(after, FILTER_MAYBE);
			ck_assert_msg(before == FILTER_MAYBE || before == after,
			    "%s: socket %d: %d before the owners, %d after",
			    what, si, before, after);
			ck_assert(
			    filter_match(f, &sk) == (before != FILTER_NO));
			should =
			    want != NULL ? want(arg, &sk) : after == FILTER_YES;
			if (want != NULL)
				ck_assert_msg((after == FILTER_YES) == should,
				    "%s: socket %d: filter_decide %d, naive %d",
				    what, si, !should, should);
			ck_assert_msg(got || !should,
			    "%s: socket %d (%s:%u -> %s:%u, %s): the program "
			    "drops a socket the filter keeps",
			    what, si, socks[si].local, socks[si].lport,
			    socks[si].peer, socks[si].pport,
			    sock_mode_name(sk.mode));
			if (!has_user_terms(f))
				ck_assert_msg(got == should,
				    "%s: socket %d: program %d, filter %d",
				    what, si, got, should);
			/* Without user terms the kernel must be exact. */
			if (exact)
				ck_assert(got == should);
		}
	}
}

static const char *const filters[] = {
	"sport = :22",
	"sport = :22 or sport = :80 or sport = :3128",
	"dport = :40000 or dport = :53",
	"sport = :22 and dport = :40000",
	"src 10.0.0.0/8",
	"dst 10.9.0.0/16 or dst 198.51.100.0/24",
	"src 2001:db8::/32",
	"src ::ffff:10.0.0.0/104",
	"src 0.0.0.0/0",
	"src ::/0",
	"src ::",
	"( src 2001:db8::/32 or src 10.0.0.1 ) and ( dst ::/0 or dst "
	"0.0.0.0/0 )",
	"mode mapped",
	"mode dual",
	"mode dual,mapped",
	"mode v6",
	"mode v6only",
	"mode v4",
	"mode v4,mapped and ( sport = :3128 or sport = :22 ) and src "
	"10.0.0.0/8",
	"mode dual,mapped and sport = :3128 and dst 10.9.9.9",
	"mode v6,v6only and dport = :40000",
	"mode v4,v6,v6only,dual,mapped and sport = :53",
	"mode dual,v6only and ( sport = :443 or sport = :53 )",
	"mode mapped and src 2001:db8::/32",
	"not mode dual",
	"not ( mode v6 or mode v6only )",
	"not v6only",
	"v6only",
	"mode dual and not ( sport = :22 or sport = :https )",
	"sport < :1024",
	"sport > :1024",
	"dport <= :1023 or dport >= :51000",
	"not sport != :22",
	"src 10.0.0.1:22 or dst [2001:db8::2]:50000 or src *:3128",
	"dev lo",
	"not dev lo and dport != :0",
	"src [2001:db8::]/32:443",
	/* who holds it: pid 10000NN is cgroup NN (pids_to_cgroups()) */
	"pid 1000100",
	"pid 1000100 or pid 1000102",
	"mode dual and not ( pid 1000100 or sport = :22 )",
	"uid 0",
	"not uid 1000 and sport = :53",
	"user root",
	"pid 101",
	"process nginx",
	"mode dual and not ( process nginx or pid 1000102 and sport = :53 )",
	"not ( process java or uid 1000 ) and dport != :0",
	"process nginx and sport = :3128 or not process sshd and pid 1000101",
	"pid != 1000101 or uid = 1000",
};

START_TEST(test_table)
{
	struct filter f;

	parse(&f, filters[_i]);
	pids_to_cgroups(&f);
	check_program(&f, filters[_i], NULL, NULL);
}
END_TEST

/* Every set of modes, alone, negated, and with ports and prefixes. */
START_TEST(test_every_mode_set)
{
	static const char *const extra[][2] = {
		{ "", "" },
		{ "not ", "" },
		{ "", " and ( sport = :3128 or sport = :53 )" },
		{ "", " and ( src 10.0.0.0/8 or src ::/0 ) and dst 10.9.9.9" },
		{ "not ( ", " or dport = :40001 )" },
	};
	unsigned int modes = (unsigned int)(_i / N(extra)) + 1;
	char term[64] = "mode ", text[160];
	struct filter f;
	int m;

	for (m = 0; m < SOCK_MODE_COUNT; m++)
		if (modes & BIT(m))
			snprintf(term + strlen(term),
			    sizeof(term) - strlen(term), "%s%s",
			    term[5] != '\0' ? "," : "",
			    sock_mode_name((enum sock_mode)m));
	snprintf(text, sizeof(text), "%s%s%s", extra[_i % N(extra)][0], term,
	    extra[_i % N(extra)][1]);
	parse(&f, text);
	check_program(&f, text, NULL, NULL);
}
END_TEST

/* ---- the property test ---- */

enum gen_kind {
	G_AND,
	G_OR,
	G_NOT,
	G_SPORT,
	G_DPORT,
	G_SRC,
	G_DST,
	G_MODE,
	G_V6ONLY,
	G_DEV,
	G_CGROUP,
	G_UID,
	G_PID,
	G_PROCESS
};

/* The test's own tree, and the text it is written out as. */
struct gen {
	enum gen_kind kind;
	int cmp; /* index into cmps[] */
	int value; /* port, host index, mode bits, ifindex */
	struct gen *a, *b;
};

static const struct {
	const char *text;
	int op; /* 0 =, 1 !=, 2 <, 3 >, 4 <=, 5 >= */
} cmps[] = {
	{ "=", 0 },
	{ "==", 0 },
	{ "eq", 0 },
	{ "!=", 1 },
	{ "neq", 1 },
	{ "ne", 1 },
	{ "<", 2 },
	{ "lt", 2 },
	{ ">", 3 },
	{ "gt", 3 },
	{ "<=", 4 },
	{ "le", 4 },
	{ ">=", 5 },
	{ "ge", 5 },
};

static const uint16_t gen_ports[] = { 0, 22, 53, 80, 443, 1023, 1024, 3128,
	8080, 40000, 40001, 51000, 65535 };

/* Hosts: text, and what the test knows of it. */
static const struct {
	const char *text;
	int family; /* 0: any */
	const char *addr;
	int len;
	int port; /* -1: any */
} hosts[] = {
	{ "*", 0, NULL, 0, -1 },
	{ "*:3128", 0, NULL, 0, 3128 },
	{ ":22", 0, NULL, 0, 22 },
	{ "10.0.0.0/8", AF_INET, "10.0.0.0", 8, -1 },
	{ "10.0.0.1", AF_INET, "10.0.0.1", 32, -1 },
	{ "10.0.0.1:22", AF_INET, "10.0.0.1", 32, 22 },
	{ "0.0.0.0/0", AF_INET, "0.0.0.0", 0, -1 },
	{ "198.51.100.0/24:51000", AF_INET, "198.51.100.0", 24, 51000 },
	{ "::", AF_INET6, "::", 128, -1 },
	{ "::/0", AF_INET6, "::", 0, -1 },
	{ "[::]:53", AF_INET6, "::", 128, 53 },
	{ "::ffff:10.0.0.0/104", AF_INET6, "::ffff:10.0.0.0", 104, -1 },
	{ "2001:db8::/32", AF_INET6, "2001:db8::", 32, -1 },
	{ "[2001:db8::1]:443", AF_INET6, "2001:db8::1", 128, 443 },
	{ "[2001:db8::]/33", AF_INET6, "2001:db8::", 33, -1 },
	{ "[::1]", AF_INET6, "::1", 128, -1 },
};

#define GEN_MAX 64

struct gen_pool {
	struct gen g[GEN_MAX];
	int n;
	bool user; /* a mode or v6only term was made */
};

static struct gen *
gen_tree(struct gen_pool *p, int depth)
{
	struct gen *g = &p->g[p->n++];
	int r = rand() % 100;

	memset(g, 0, sizeof(*g));
	if (depth > 0 && p->n < GEN_MAX - 8 && r < 45) {
		g->kind = r < 20 ? G_AND : r < 38 ? G_OR : G_NOT;
		g->a = gen_tree(p, depth - 1);
		if (g->kind != G_NOT)
			g->b = gen_tree(p, depth - 1);
		return g;
	}
	r = rand() % 100;
	g->kind = r < 16 ? G_SPORT
	    : r < 30	 ? G_DPORT
	    : r < 44	 ? G_SRC
	    : r < 56	 ? G_DST
	    : r < 66	 ? G_MODE
	    : r < 71	 ? G_V6ONLY
	    : r < 75	 ? G_DEV
	    : r < 85	 ? G_CGROUP
	    : r < 90	 ? G_UID
	    : r < 95	 ? G_PID
			 : G_PROCESS;
	g->cmp = rand() % N(cmps);
	switch (g->kind) {
	case G_SPORT:
	case G_DPORT:
		g->value = gen_ports[rand() % N(gen_ports)];
		break;
	case G_SRC:
	case G_DST:
		g->value = rand() % N(hosts);
		g->cmp = rand() % 4 == 0 ? 3 : 0; /* sometimes src != ... */
		break;
	case G_MODE:
		g->value = 1 + rand() % 31;
		p->user = true;
		break;
	case G_V6ONLY:
		p->user = true;
		break;
	case G_CGROUP:
		g->value = 99 + rand() % 5; /* 100-102 are held, 99, 103 not */
		g->cmp = rand() % 3 == 0 ? 3 : 0;
		break;
	case G_UID:
		g->value = rand() % 3 == 0 ? 4242 : rand() % 2 ? 1000 : 0;
		g->cmp = rand() % 3 == 0 ? 3 : 0;
		p->user = true;
		break;
	case G_PID:
		g->value = 99 + rand() % 5;
		g->cmp = rand() % 3 == 0 ? 3 : 0;
		p->user = true;
		break;
	case G_PROCESS:
		g->value = rand() % 4; /* comms[], or "bash" */
		g->cmp = rand() % 3 == 0 ? 3 : 0;
		p->user = true;
		break;
	default:
		g->value = 1; /* lo */
		g->cmp = rand() % 2 == 0 ? 0 : 3;
		break;
	}
	return g;
}

static void app(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
app(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Appends g as filter text, every operator in one of its spellings. */
static void
gen_text(const struct gen *g, char *buf, size_t len)
{
	static const char *const ands[] = { "and", "&&", "&", "" };
	static const char *const ors[] = { "or", "||", "|" };
	int m, first = 1;

	switch (g->kind) {
	case G_AND:
	case G_OR:
		app(buf, len, "( ");
		gen_text(g->a, buf, len);
		app(buf, len, " %s ",
		    g->kind == G_AND ? ands[rand() % 4] : ors[rand() % 3]);
		gen_text(g->b, buf, len);
		app(buf, len, " )");
		return;
	case G_NOT:
		app(buf, len, "%s ", rand() % 2 ? "not" : "!");
		gen_text(g->a, buf, len);
		return;
	case G_SPORT:
	case G_DPORT:
		app(buf, len, "%s %s %s%u",
		    g->kind == G_SPORT ? "sport" : "dport", cmps[g->cmp].text,
		    rand() % 2 ? ":" : "", (unsigned int)g->value);
		return;
	case G_SRC:
	case G_DST:
		app(buf, len, "%s %s%s", g->kind == G_SRC ? "src" : "dst",
		    cmps[g->cmp].op == 1 ? "!= " : "", hosts[g->value].text);
		return;
	case G_MODE:
		app(buf, len, "mode ");
		for (m = 0; m < SOCK_MODE_COUNT; m++)
			if (g->value & (1 << m)) {
				app(buf, len, "%s%s", first ? "" : ",",
				    sock_mode_name((enum sock_mode)m));
				first = 0;
			}
		return;
	case G_V6ONLY:
		app(buf, len, "v6only");
		return;
	case G_CGROUP:
		app(buf, len, "pid %s%d", cmps[g->cmp].op == 1 ? "!= " : "",
		    CGROUP_PID + g->value);
		return;
	case G_UID:
		app(buf, len, "uid %s%d", cmps[g->cmp].op == 1 ? "!= " : "",
		    g->value);
		return;
	case G_PID:
		app(buf, len, "pid %s%d", cmps[g->cmp].op == 1 ? "!= " : "",
		    g->value);
		return;
	case G_PROCESS:
		app(buf, len, "process %s%s", cmps[g->cmp].op == 1 ? "!= " : "",
		    g->value < 3 ? comms[g->value] : "bash");
		return;
	default:
		app(buf, len, "dev %slo", cmps[g->cmp].op == 1 ? "!= " : "");
		return;
	}
}

static bool
naive_port(int op, unsigned int have, unsigned int want)
{
	switch (op) {
	case 0:
		return have == want;
	case 1:
		return have != want;
	case 2:
		return have < want;
	case 3:
		return have > want;
	case 4:
		return have <= want;
	default:
		return have >= want;
	}
}

/* The naive evaluator: the test's tree on the test's socket spec. */
static bool
naive(const struct gen *g, const struct sock_spec *s)
{
	uint8_t want[16], have[16];
	const char *addr;
	int port, len, i, si = (int)(s - socks);
	bool r, ne = cmps[g->cmp].op == 1;

	switch (g->kind) {
	case G_CGROUP:
		return ne != (spec_owned(si) && 100 + si % 3 == g->value);
	case G_UID:
		return ne !=
		    (spec_owned(si) && (si % 2 == 0 ? 0 : 1000) == g->value);
	case G_PID:
		return ne !=
		    (spec_owned(si) && si % 5 != 4 && 100 + si % 3 == g->value);
	case G_PROCESS:
		return ne !=
		    (spec_owned(si) && si % 5 != 4 && si % 3 == g->value);
	case G_AND:
		return naive(g->a, s) && naive(g->b, s);
	case G_OR:
		return naive(g->a, s) || naive(g->b, s);
	case G_NOT:
		return !naive(g->a, s);
	case G_SPORT:
		return naive_port(
		    cmps[g->cmp].op, s->lport, (unsigned int)g->value);
	case G_DPORT:
		return naive_port(
		    cmps[g->cmp].op, s->pport, (unsigned int)g->value);
	case G_MODE:
		return (g->value & (1 << s->mode)) != 0;
	case G_V6ONLY:
		return s->v6only == 1;
	case G_DEV:
		return (s->ifindex == 1) == (cmps[g->cmp].op != 1);
	default:
		break;
	}
	addr = g->kind == G_SRC ? s->local : s->peer;
	port = g->kind == G_SRC ? s->lport : s->pport;
	r = hosts[g->value].port < 0 || hosts[g->value].port == port;
	len = hosts[g->value].len;
	if (r && hosts[g->value].family == AF_INET) {
		/* An AF_INET socket's address, or a mapped one's IPv4. */
		const char *v4 = s->family == AF_INET ? addr
		    : strncmp(addr, "::ffff:", 7) == 0 &&
			strchr(addr, '.') != NULL
		    ? addr + 7
		    : NULL;

		r = v4 != NULL && inet_pton(AF_INET, v4, have) == 1;
		if (r) {
			inet_pton(AF_INET, hosts[g->value].addr, want);
			for (i = 0; i < len; i++)
				if (((have[i / 8] ^ want[i / 8]) >>
					(7 - i % 8)) &
				    1)
					r = false;
		}
	} else if (r && hosts[g->value].family == AF_INET6) {
		r = s->family == AF_INET6;
		if (r) {
			inet_pton(AF_INET6, addr, have);
			inet_pton(AF_INET6, hosts[g->value].addr, want);
			for (i = 0; i < len; i++)
				if (((have[i / 8] ^ want[i / 8]) >>
					(7 - i % 8)) &
				    1)
					r = false;
		}
	}
	return g->kind == G_SRC || g->kind == G_DST
	    ? (cmps[g->cmp].op == 1 ? !r : r)
	    : r;
}

struct naive_arg {
	const struct gen *g;
};

static bool
naive_cb(const void *arg, const struct sock_entry *sk)
{
	const struct naive_arg *na = arg;
	int i;

	/* Find the spec of this socket by its fields. */
	for (i = 0; i < N(socks); i++) {
		struct sock_entry s = make_sock(&socks[i]);

		if (memcmp(&s, sk, sizeof(s)) == 0)
			return naive(na->g, &socks[i]);
	}
	ck_abort_msg("socket not in the table");
	return false;
}

START_TEST(test_random)
{
	char text[4096];
	struct gen_pool pool;
	struct naive_arg na;
	struct filter f;
	int round;

	srand(20261130U + (unsigned int)_i);
	for (round = 0; round < 250; round++) {
		memset(&pool, 0, sizeof(pool));
		na.g = gen_tree(&pool, 1 + rand() % 5);
		text[0] = '\0';
		gen_text(na.g, text, sizeof(text));
		parse(&f, text);
		pids_to_cgroups(&f);
		ck_assert(pool.user == has_user_terms(&f));
		check_program(&f, text, naive_cb, &na);
	}
}
END_TEST

/* ---- exact bytes ---- */

static void
check_bytes(const char *text, int family, const uint8_t *want, int wantlen)
{
	struct filter f;
	uint8_t bc[BC_MAX_LEN];
	int len, i;

	parse(&f, text);
	len = bc_compile(&f, family, bc, sizeof(bc), NULL);
	ck_assert_int_eq(len, wantlen);
	for (i = 0; i < len; i++)
		ck_assert_msg(bc[i] == want[i], "%s: byte %d: %#x, want %#x",
		    text, i, bc[i], want[i]);
	if (len > 0)
		ck_assert_ptr_null(bc_audit(bc, len));
}

START_TEST(test_bytes_empty)
{
	struct filter f;
	uint8_t bc[BC_MAX_LEN];

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(bc_compile(&f, AF_INET, bc, sizeof(bc), NULL), 0);
	ck_assert_int_eq(bc_compile(&f, AF_INET6, bc, sizeof(bc), NULL), 0);
	/* Every mode of the family, or "*": no program either. */
	check_bytes("mode v4,v6,v6only,dual,mapped", AF_INET6, NULL, 0);
	check_bytes("mode v4,v6,v6only,dual,mapped", AF_INET, NULL, 0);
	check_bytes("src * and not mode v4", AF_INET6, NULL, 0);
}
END_TEST

START_TEST(test_bytes_sport)
{
	static const uint8_t want[] = {
		/* 0: S_EQ, yes: next (8), no: reject (8 + 4) */
		OP(S_EQ, 8, 12),
		/* 4: port 22 */
		PORT(22),
	};

	check_bytes("sport = :22", AF_INET, want, N(want));
	check_bytes("sport == 22", AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_two_dports)
{
	static const uint8_t want[] = {
		/* 0: D_EQ 22; no: skip the JMP, to 12 */
		OP(D_EQ, 8, 12),
		PORT(22),
		/* 8: JMP to the end (20) */
		OP(JMP, 4, 12),
		/* 12: D_EQ 80; no: reject (24) */
		OP(D_EQ, 8, 12),
		PORT(80),
	};

	check_bytes("dport = :22 or dport = :80", AF_INET, want, N(want));
}
END_TEST

START_TEST(test_bytes_not_and_range)
{
	static const uint8_t want[] = {
		/* 0: S_GE 1024; no: to 12 (after the JMP: the NOT holds) */
		OP(S_GE, 8, 12),
		PORT(1024),
		/* 8: JMP to the reject point (32) */
		OP(JMP, 4, 24),
		/* 12: D_LE 80; no: reject (32) */
		OP(D_LE, 8, 20),
		PORT(80),
		/* 20: DEV_COND lo (1, host order); no: reject (32) */
		OP(DEV, 8, 12),
		1,
		0,
		0,
		0,
	};

	/* sport < 1024 is not sport >= 1024; and-ed terms in a row. */
	check_bytes("sport < :1024 dport <= 80 dev lo", AF_INET, want, N(want));
}
END_TEST

START_TEST(test_bytes_mapped)
{
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

	check_bytes("mode mapped", AF_INET6, want, N(want));
	/* No AF_INET socket is mapped. */
	check_bytes("mode mapped", AF_INET, reject, N(reject));
}
END_TEST

START_TEST(test_bytes_dual)
{
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

	check_bytes("mode dual", AF_INET6, want, N(want));
}
END_TEST

/*
 * Under NOT the program takes the lower approximation: "not mode dual"
 * cannot rule out any socket the kernel sees (a socket bound to "::"
 * may have v6only set), so there is no program.
 */
START_TEST(test_bytes_not_dual)
{
	static const uint8_t want[] = {
		/* 0: S_EQ 22; no: skip the JMP (the NOT holds) */
		OP(S_EQ, 8, 12),
		PORT(22),
		/* 8: JMP to reject (16) */
		OP(JMP, 4, 8),
	};

	check_bytes("not mode dual", AF_INET6, NULL, 0);
	check_bytes(
	    "not ( mode dual or sport = :22 )", AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_host_port)
{
	static const uint8_t want[] = {
		/* 0: S_COND AF_INET6 2001:db8::1/128 port 443; no: reject */
		OP(S_COND, 28, 32),
		AF_INET6,
		128,
		0,
		0,
		U16(443),
		0,
		0,
		ADDR4(0x20, 0x01, 0x0d, 0xb8),
		ZERO4,
		ZERO4,
		ADDR4(0, 0, 0, 1),
	};

	check_bytes("src [2001:db8::1]:443", AF_INET6, want, N(want));
}
END_TEST

START_TEST(test_bytes_cgroup)
{
	static const uint8_t want[] = {
		/* 0: CGROUP_COND; no: skip the JMP, to 16 */
		OP(INET_DIAG_BC_CGROUP_COND, 12, 16),
		/* 4: the id, a u64 in host order */
		U64(0x1234),
		/* 12: JMP to the end (24) */
		OP(JMP, 4, 12),
		/* 16: S_EQ 22; no: reject (28) */
		OP(S_EQ, 8, 12),
		PORT(22),
	};
	static const uint8_t nothing[] = {
		/* 0: JMP past the end (8): nothing passes */
		OP(JMP, 4, 8),
	};
	struct filter f;
	uint8_t bc[BC_MAX_LEN];
	int len, i;

	parse(&f, "pid 1004660 or sport = :22");
	pids_to_cgroups(&f);
	len = bc_compile(&f, AF_INET6, bc, sizeof(bc), NULL);
	ck_assert_int_eq(len, N(want));
	for (i = 0; i < len; i++)
		ck_assert_msg(bc[i] == want[i], "byte %d: %#x, want %#x", i,
		    bc[i], want[i]);
	ck_assert_ptr_null(bc_audit(bc, len));
	/* Terms the kernel cannot see: no program (above), or none
	 * under "not" (below). */
	check_bytes("uid 0 and process sshd and pid 7", AF_INET6, NULL, 0);
	check_bytes("not uid 0 and not process sshd", AF_INET, NULL, 0);
	/* A name written with '?' and not found never holds. */
	check_bytes(
	    "user? dualstat-no-such-user-19", AF_INET, nothing, N(nothing));
}
END_TEST

START_TEST(test_limits)
{
	struct filter f;
	uint8_t bc[BC_MAX_LEN];
	char text[16384];
	int len, i;

	/* Sixteen values of four options. */
	snprintf(text, sizeof(text), "mode dual,mapped");
	for (i = 0; i < 16; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    " ( sport = %d or dport = %d or src 2001:db8::/32 or dst "
		    "2001:db8::/48 )",
		    1000 + i, 2000 + i);
	parse(&f, text);
	len = bc_compile(&f, AF_INET6, bc, sizeof(bc), NULL);
	ck_assert_int_gt(len, 0);
	ck_assert_ptr_null(bc_audit(bc, len));
	/* A buffer too small is refused, not overrun. */
	ck_assert_int_eq(bc_compile(&f, AF_INET6, bc, 100, NULL), -E2BIG);
	parse(&f, "mode v4");
	ck_assert_int_eq(bc_compile(&f, AF_INET6, bc, 2, NULL), -E2BIG);
	/* A program longer than BC_MAX_LEN is not made at all. */
	snprintf(text, sizeof(text), "src ::1");
	for (i = 0; i < 120; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
		    " or src 2001:db8::%x", i);
	parse(&f, text);
	ck_assert_int_eq(
	    bc_compile(&f, AF_INET6, bc, sizeof(bc), NULL), -E2BIG);
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
	tcase_add_test(tc, test_bytes_not_and_range);
	tcase_add_test(tc, test_bytes_mapped);
	tcase_add_test(tc, test_bytes_dual);
	tcase_add_test(tc, test_bytes_not_dual);
	tcase_add_test(tc, test_bytes_host_port);
	tcase_add_test(tc, test_bytes_cgroup);
	suite_add_tcase(s, tc);
	tc = tcase_create("evaluate");
	tcase_add_loop_test(tc, test_table, 0, N(filters));
	tcase_add_loop_test(tc, test_every_mode_set, 0, 31 * 5);
	suite_add_tcase(s, tc);
	tc = tcase_create("random");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_random, 0, 8);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	return check_run(s);
}
