/*
 * bc.c - the filter expression (the FILTER argument, -F, -m, --sport,
 * --dport, --src, --dst) as inet_diag bytecode, so the kernel sends only
 * the sockets that can match
 *
 * The rules this follows are the kernel's (include/uapi/linux/inet_diag.h;
 * net/ipv4/inet_diag.c, inet_diag_bc_run() and inet_diag_bc_audit()):
 *
 *  - A program is a run of 4-byte ops {code, yes, no}, each maybe followed
 *    by arguments.  The kernel runs an op and moves forward by "yes" bytes
 *    if it holds, by "no" bytes if not; JMP never holds.  A socket passes
 *    if the run ends exactly at the end of the program and fails if it
 *    jumps past it (to end + 4).
 *  - The audit walks the program along the "yes" offsets only: every
 *    "yes" must be at least the op's own length, a multiple of 4, and must
 *    not pass the end; every "no" must be a multiple of 4, at least the
 *    op's length, at most end + 4, and land on an op the "yes" walk visits.
 *    So every op here says yes = its own length, and all branching is done
 *    with "no" offsets and JMP ops.
 *
 * Two steps.  First the expression is approximated, per family, by a tree
 * of what the kernel can test: each node has an upper approximation (true
 * whenever the node may be) and a lower one (true only when the node
 * surely is); NOT swaps them, so the program is the root's upper one and
 * never drops a socket the expression keeps.  Constants are folded on the
 * way, which also removes what the family rules out.  Then the tree is
 * laid out with one convention for every piece: it succeeds by running off
 * its end, and fails by jumping to its end + 4.
 *
 *   term:     cond{yes: next, no: end + 4}
 *   not a:    a  JMP{no: 8}             (a's success hits the JMP: fail;
 *                                        a's failure lands on the end)
 *   a or b:   a  JMP{no: len(b) + 4}  b (a's success jumps to the end;
 *                                        a's failure lands on b)
 *   a and b:  a  b                      (a's jumps to its end + 4 are
 *                                        moved to the end + 4 of both)
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "bc.h"

#define OP_LEN ((int)sizeof(struct inet_diag_bc_op))
#define HOSTCOND_LEN ((int)sizeof(struct inet_diag_hostcond))

/* ---- the kernel's tree ---- */

enum kt_kind {
	KT_TRUE,
	KT_FALSE,
	KT_AND,
	KT_OR,
	KT_NOT,
	KT_TERM, /* a filter node the kernel tests as it is */
	KT_S4, /* the local address is IPv4-mapped (AF_INET6 dump) */
	KT_D4, /* the peer address is IPv4-mapped */
	KT_S6ANY, /* the local address is "::" */
};

/* A filter node becomes at most 10 kernel nodes (a mode, in kt_modes6()). */
#define KT_MAX (10 * FILTER_MAX_NODES + 2)
#define KT_TRUE_NODE 0
#define KT_FALSE_NODE 1

struct kt {
	uint8_t kind;
	uint16_t a, b; /* children; KT_TERM: the filter node */
};

struct ktree {
	const struct filter *f;
	int family;
	unsigned int len;
	bool approx; /* some upper approximation differs from the lower */
	bool full; /* n[] ran out (it cannot, by KT_MAX): fail safe */
	struct kt n[KT_MAX]; /* last: only the header is cleared */
};

static int
kt_new(struct ktree *t, enum kt_kind kind, int a, int b)
{
	struct kt *k;

	if (t->len >= KT_MAX) {
		t->full = true;
		return KT_TRUE_NODE;
	}
	k = &t->n[t->len];
	k->kind = (uint8_t)kind;
	k->a = (uint16_t)a;
	k->b = (uint16_t)b;
	return (int)t->len++;
}

static int
kt_not(struct ktree *t, int a)
{
	if (a == KT_TRUE_NODE)
		return KT_FALSE_NODE;
	if (a == KT_FALSE_NODE)
		return KT_TRUE_NODE;
	if (t->n[a].kind == KT_NOT)
		return t->n[a].a;
	return kt_new(t, KT_NOT, a, 0);
}

/* and (or) with constants folded. */
static int
kt_bin(struct ktree *t, enum kt_kind kind, int a, int b)
{
	int absorb = kind == KT_AND ? KT_FALSE_NODE : KT_TRUE_NODE;
	int neutral = kind == KT_AND ? KT_TRUE_NODE : KT_FALSE_NODE;

	if (a == absorb || b == absorb)
		return absorb;
	if (a == neutral)
		return b;
	if (b == neutral)
		return a;
	return kt_new(t, kind, a, b);
}

/*
 * The modes as the kernel can see them on an AF_INET6 dump: mapped is
 * exactly "either end IPv4-mapped" (classify.c); v6, v6only and dual split
 * the other sockets by v6only, which the kernel cannot see, except that
 * dual needs the local address "::".
 */
static int
kt_modes6(struct ktree *t, unsigned int modes, bool upper)
{
	const unsigned int unmapped_all = FILTER_MODE(SOCK_MODE_V6) |
	    FILTER_MODE(SOCK_MODE_V6ONLY) | FILTER_MODE(SOCK_MODE_DUAL);
	unsigned int u = modes & unmapped_all;
	int mapped =
	    kt_bin(t, KT_OR, kt_new(t, KT_S4, 0, 0), kt_new(t, KT_D4, 0, 0));
	int up, low;

	if (u == 0) {
		up = low = KT_FALSE_NODE;
	} else if (u == unmapped_all) {
		up = low = kt_not(t, mapped);
	} else if (u == FILTER_MODE(SOCK_MODE_DUAL)) {
		up = kt_bin(t, KT_AND, kt_new(t, KT_S6ANY, 0, 0),
		    kt_not(t, kt_new(t, KT_D4, 0, 0)));
		low = KT_FALSE_NODE;
	} else if (u == unmapped_all - FILTER_MODE(SOCK_MODE_DUAL)) {
		/* Not bound to "::": cannot be dual, so v6 or v6only. */
		up = kt_not(t, mapped);
		low = kt_bin(t, KT_AND, kt_not(t, mapped),
		    kt_not(t, kt_new(t, KT_S6ANY, 0, 0)));
	} else {
		up = kt_not(t, mapped);
		low = KT_FALSE_NODE;
	}
	if (up != low)
		t->approx = true;
	if (modes & FILTER_MODE(SOCK_MODE_MAPPED)) {
		up = kt_bin(t, KT_OR, mapped, up);
		low = kt_bin(t, KT_OR, mapped, low);
	}
	return upper ? up : low;
}

/* The kernel's upper (or lower) approximation of filter node i. */
static int
kt_approx(struct ktree *t, unsigned int i, bool upper)
{
	const struct filter_node *n = &t->f->nodes[i];
	bool inet = t->family == AF_INET;
	int a, b;

	switch (n->kind) {
	case FILTER_AND:
	case FILTER_OR:
		a = kt_approx(t, n->a, upper);
		b = kt_approx(t, n->b, upper);
		return kt_bin(t, n->kind == FILTER_AND ? KT_AND : KT_OR, a, b);
	case FILTER_NOT:
		return kt_not(t, kt_approx(t, n->a, !upper));
	case FILTER_SRC:
	case FILTER_DST:
		/* An IPv6 prefix never holds on an AF_INET socket. */
		if (n->prefix.family == AF_INET6 && inet)
			return KT_FALSE_NODE;
		if (n->prefix.family == AF_UNSPEC && n->hport < 0)
			return KT_TRUE_NODE;
		return kt_new(t, KT_TERM, (int)i, 0);
	case FILTER_MODE_IN:
		if (inet)
			return (n->value & FILTER_MODE(SOCK_MODE_V4))
			    ? KT_TRUE_NODE
			    : KT_FALSE_NODE;
		if ((n->value & FILTER_MODES_INET6) == FILTER_MODES_INET6)
			return KT_TRUE_NODE;
		return kt_modes6(t, n->value, upper);
	case FILTER_V6ONLY:
		if (inet)
			return KT_FALSE_NODE;
		/* Only an unmapped socket can be v6only. */
		t->approx = true;
		return upper ? kt_modes6(t, FILTER_MODE(SOCK_MODE_V6ONLY), true)
			     : KT_FALSE_NODE;
	case FILTER_UID:
	case FILTER_PID:
	case FILTER_PROCESS:
		/* No uid op in the kernel's bytecode, and no process: may
		 * be either, so true above and false below. */
		t->approx = true;
		return upper ? KT_TRUE_NODE : KT_FALSE_NODE;
	case FILTER_NOTHING:
		return KT_FALSE_NODE;
	default:
		return kt_new(t, KT_TERM, (int)i, 0);
	}
}

/* ---- layout ---- */

static void
put_op(uint8_t *at, uint8_t code, int yes, int no)
{
	struct inet_diag_bc_op op = {
		.code = code,
		.yes = (unsigned char)yes,
		.no = (unsigned short)no,
	};

	memcpy(at, &op, sizeof(op));
}

/* A host condition: family, prefix and port (-1: any). */
static int
put_hostcond(uint8_t *at, int room, uint8_t code, const struct filter_prefix *p,
    int port)
{
	int alen = p->family == AF_INET ? 4 : p->family == AF_INET6 ? 16 : 0;
	int len = OP_LEN + HOSTCOND_LEN + alen;
	struct inet_diag_hostcond hc;

	if (len > room)
		return -E2BIG;
	put_op(at, code, len, len + 4);
	memset(&hc, 0, sizeof(hc));
	hc.family = p->family;
	hc.prefix_len = p->len;
	hc.port = port;
	memcpy(at + OP_LEN, &hc, sizeof(hc));
	memcpy(at + OP_LEN + HOSTCOND_LEN, p->addr, (size_t)alen);
	return len;
}

static uint8_t
port_code(const struct filter_node *n)
{
	bool src = n->kind == FILTER_SPORT;

	switch (n->cmp) {
	case FILTER_GE:
		return src ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE;
	case FILTER_LE:
		return src ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE;
	case FILTER_EQ:
	default:
		return src ? INET_DIAG_BC_S_EQ : INET_DIAG_BC_D_EQ;
	}
}

/* One term: succeeds by running on, fails by jumping to its end + 4. */
static int
put_term(const struct ktree *t, const struct kt *k, uint8_t *at, int room)
{
	static const struct filter_prefix any4 = { .family = AF_INET };
	static const struct filter_prefix wild6 = { .family = AF_INET6,
		.len = 128 };
	const struct filter_node *n = &t->f->nodes[k->a];
	uint32_t ifindex;

	switch (k->kind) {
	case KT_S4:
		/* AF_INET /0 on an AF_INET6 socket: its address is mapped. */
		return put_hostcond(at, room, INET_DIAG_BC_S_COND, &any4, -1);
	case KT_D4:
		return put_hostcond(at, room, INET_DIAG_BC_D_COND, &any4, -1);
	case KT_S6ANY:
		return put_hostcond(at, room, INET_DIAG_BC_S_COND, &wild6, -1);
	default:
		break;
	}
	switch (n->kind) {
	case FILTER_SRC:
	case FILTER_DST:
		return put_hostcond(at, room,
		    n->kind == FILTER_SRC ? INET_DIAG_BC_S_COND
					  : INET_DIAG_BC_D_COND,
		    &n->prefix, n->hport);
	case FILTER_SPORT:
	case FILTER_DPORT:
		if (room < 2 * OP_LEN)
			return -E2BIG;
		put_op(at, port_code(n), 2 * OP_LEN, 3 * OP_LEN);
		/* The port rides in the "no" field of a second op. */
		put_op(at + OP_LEN, 0, 0, n->port);
		return 2 * OP_LEN;
	case FILTER_CGROUP:
		/* The id rides after the op, as a u64 in host order
		 * (INET_DIAG_BC_CGROUP_COND, Linux 5.9+; an older kernel
		 * refuses the program and user space filters alone). */
		if (room < OP_LEN + 8)
			return -E2BIG;
		put_op(at, INET_DIAG_BC_CGROUP_COND, OP_LEN + 8, OP_LEN + 12);
		memcpy(at + OP_LEN, &n->id, 8);
		return OP_LEN + 8;
	case FILTER_DEV:
		if (room < OP_LEN + 4)
			return -E2BIG;
		ifindex = n->value;
		put_op(at, INET_DIAG_BC_DEV_COND, OP_LEN + 4, OP_LEN + 8);
		memcpy(at + OP_LEN, &ifindex, 4);
		return OP_LEN + 4;
	case FILTER_AUTOBOUND:
	default:
		if (room < OP_LEN)
			return -E2BIG;
		put_op(at, INET_DIAG_BC_AUTO, OP_LEN, 2 * OP_LEN);
		return OP_LEN;
	}
}

static uint16_t
get_no(const uint8_t *op)
{
	uint16_t no;

	memcpy(&no, op + 2, 2);
	return no;
}

static void
set_no(uint8_t *op, int no)
{
	uint16_t v = (uint16_t)no;

	memcpy(op + 2, &v, 2);
}

/* Writes node k at buf; returns its length or -E2BIG. */
static int
put_node(const struct ktree *t, int k, uint8_t *buf, int room)
{
	const struct kt *n = &t->n[k];
	int la, lb, pos;

	switch (n->kind) {
	case KT_NOT:
		la = put_node(t, n->a, buf, room);
		if (la < 0 || la + OP_LEN > room)
			return -E2BIG;
		put_op(buf + la, INET_DIAG_BC_JMP, OP_LEN, 2 * OP_LEN);
		return la + OP_LEN;
	case KT_OR:
		la = put_node(t, n->a, buf, room);
		if (la < 0 || la + OP_LEN > room)
			return -E2BIG;
		lb = put_node(t, n->b, buf + la + OP_LEN, room - la - OP_LEN);
		if (lb < 0)
			return -E2BIG;
		put_op(buf + la, INET_DIAG_BC_JMP, OP_LEN, lb + OP_LEN);
		return la + OP_LEN + lb;
	case KT_AND:
		la = put_node(t, n->a, buf, room);
		if (la < 0)
			return -E2BIG;
		lb = put_node(t, n->b, buf + la, room - la);
		if (lb < 0)
			return -E2BIG;
		/* a's failures now fail both; every yes is its op's length. */
		for (pos = 0; pos < la; pos += buf[pos + 1])
			if (buf[pos] != INET_DIAG_BC_NOP &&
			    pos + get_no(buf + pos) == la + 4)
				set_no(buf + pos, get_no(buf + pos) + lb);
		return la + lb;
	default:
		return put_term(t, n, buf, room);
	}
}

int
bc_compile(const struct filter *f, int family, uint8_t *buf, size_t buflen,
    bool *exact)
{
	struct ktree t;
	int root, room = buflen > BC_MAX_LEN ? BC_MAX_LEN : (int)buflen;

	memset(&t, 0, offsetof(struct ktree, n));
	t.f = f;
	t.family = family;
	kt_new(&t, KT_TRUE, 0, 0);
	kt_new(&t, KT_FALSE, 0, 0);
	root = f->has_root ? kt_approx(&t, f->root, true) : KT_TRUE_NODE;
	if (exact != NULL)
		*exact = !t.approx;
	if (t.full)
		return -E2BIG;
	if (root == KT_TRUE_NODE)
		return 0;
	if (root == KT_FALSE_NODE) {
		/* One JMP straight past the end: nothing passes. */
		if (room < OP_LEN)
			return -E2BIG;
		put_op(buf, INET_DIAG_BC_JMP, OP_LEN, 2 * OP_LEN);
		return OP_LEN;
	}
	return put_node(&t, root, buf, room);
}
