/*
 * bc.c - the filters (-m, --sport, --dport, --src, --dst) as inet_diag
 * bytecode, so the kernel sends only the sockets that can match
 *
 * The rules this follows are the kernel's (include/uapi/linux/inet_diag.h;
 * net/ipv4/inet_diag.c, inet_diag_bc_run() and inet_diag_bc_audit()):
 *
 *  - A program is a run of 4-byte ops {code, yes, no}, each maybe followed
 *    by arguments.  The kernel runs an op and moves forward by "yes" bytes
 *    if it holds, by "no" bytes if not; JMP never holds.  A socket passes
 *    if the run ends exactly at the end of the program and fails if it
 *    jumps past it (we jump to end + 4).
 *  - The audit walks the program along the "yes" offsets only: every
 *    "yes" must be at least the op's own length, a multiple of 4, and must
 *    not pass the end; every "no" must be a multiple of 4, at least the
 *    op's length, at most end + 4, and land on an op the "yes" walk visits.
 *    So every op here says yes = its own length, and all branching is done
 *    with "no" offsets and JMP ops.
 *  - "yes" is 8 bits, "no" 16 bits: programs stay well under both.
 *
 * The filter is a conjunction of clauses (mode, --sport, --dport, --src,
 * --dst), each a disjunction of literals, a literal being one condition,
 * maybe negated.  Laid out with cond = the condition op, E = the end of the
 * clause, R = the reject point (end of program + 4):
 *
 *   positive, not last:  cond{no: skip the JMP}  JMP{no: E}
 *   positive, last:      cond{no: R}
 *   negated, not last:   cond{no: E}
 *   negated, last:       cond{no: skip the JMP}  JMP{no: R}
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "bc.h"

#define OP_LEN ((int)sizeof(struct inet_diag_bc_op))
#define HOSTCOND_LEN ((int)sizeof(struct inet_diag_hostcond))

/* Literals in the longest program: 3 for the modes, FILTER_MAX per kind. */
#define MAX_LITS (3 + 4 * FILTER_MAX)

struct lit {
	uint8_t code; /* INET_DIAG_BC_S_EQ, _D_EQ, _S_COND or _D_COND */
	bool neg; /* the literal holds when the condition does not */
	bool last; /* last literal of its clause */
	uint16_t port; /* _EQ */
	struct filter_prefix prefix; /* _COND */
	int pos; /* offset in the program, set by layout() */
	int end; /* offset of the end of its clause, set by layout() */
};

struct prog {
	struct lit lits[MAX_LITS];
	int n;
	int clause_start; /* index of the first literal of the open clause */
	bool never; /* a clause with no literal: nothing can match */
};

static struct lit *
add_lit(struct prog *p, uint8_t code, bool neg)
{
	struct lit *l = &p->lits[p->n++];

	memset(l, 0, sizeof(*l));
	l->code = code;
	l->neg = neg;
	return l;
}

static void
add_port(struct prog *p, uint8_t code, uint16_t port)
{
	add_lit(p, code, false)->port = port;
}

static void
add_cond(struct prog *p, uint8_t code, bool neg, const struct filter_prefix *fp)
{
	add_lit(p, code, neg)->prefix = *fp;
}

/* Closes the clause opened by the last end_clause(), if it has literals. */
static void
end_clause(struct prog *p, bool empty_means_never)
{
	if (p->n > p->clause_start)
		p->lits[p->n - 1].last = true;
	else if (empty_means_never)
		p->never = true;
	p->clause_start = p->n;
}

/* The size of a literal's condition op and its arguments. */
static int
cond_len(const struct lit *l)
{
	if (l->code == INET_DIAG_BC_S_EQ || l->code == INET_DIAG_BC_D_EQ)
		return 2 * OP_LEN;
	return OP_LEN + HOSTCOND_LEN + (l->prefix.family == AF_INET ? 4 : 16);
}

/* A positive literal that is not last, or a negated last one, ends with a
 * JMP (see the layout at the top). */
static bool
has_jmp(const struct lit *l)
{
	return l->neg == l->last;
}

/* Sets each literal's offset and clause end; returns the program length. */
static int
layout(struct prog *p)
{
	int i, first = 0, pos = 0;

	for (i = 0; i < p->n; i++) {
		p->lits[i].pos = pos;
		pos +=
		    cond_len(&p->lits[i]) + (has_jmp(&p->lits[i]) ? OP_LEN : 0);
		if (p->lits[i].last) {
			for (; first <= i; first++)
				p->lits[first].end = pos;
		}
	}
	return pos;
}

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

/* Writes one literal; total is the program length. */
static void
put_lit(uint8_t *buf, const struct lit *l, int total)
{
	uint8_t *at = buf + l->pos;
	int clen = cond_len(l), reject = total + 4, no;
	struct inet_diag_hostcond hc;

	if (has_jmp(l))
		no = clen + OP_LEN;
	else if (l->neg)
		no = l->end - l->pos;
	else
		no = reject - l->pos;
	put_op(at, l->code, clen, no);
	if (clen == 2 * OP_LEN) {
		/* The port rides in the "no" field of a second op. */
		put_op(at + OP_LEN, 0, 0, l->port);
	} else {
		memset(&hc, 0, sizeof(hc));
		hc.family = l->prefix.family;
		hc.prefix_len = l->prefix.len;
		hc.port = -1; /* any port */
		memcpy(at + OP_LEN, &hc, sizeof(hc));
		memcpy(at + OP_LEN + HOSTCOND_LEN, l->prefix.addr,
		    (size_t)(clen - OP_LEN - HOSTCOND_LEN));
	}
	if (has_jmp(l)) {
		int jpos = l->pos + clen;

		put_op(buf + jpos, INET_DIAG_BC_JMP, OP_LEN,
		    (l->neg ? reject : l->end) - jpos);
	}
}

/*
 * The modes, for an AF_INET6 dump.  An AF_INET condition with prefix 0
 * holds on an AF_INET6 socket exactly when its address is IPv4-mapped
 * (inet_diag_bc_run()); an AF_INET6 ::/128 condition, when it is "::".
 */
static void
add_modes6(struct prog *p, unsigned int modes)
{
	static const struct filter_prefix any4 = { .family = AF_INET };
	static const struct filter_prefix wild6 = { .family = AF_INET6,
		.len = 128 };
	unsigned int m = modes & FILTER_MODES_INET6;
	bool mapped = m & FILTER_MODE(SOCK_MODE_MAPPED);
	bool unmapped =
	    m & (FILTER_MODE(SOCK_MODE_V6) | FILTER_MODE(SOCK_MODE_V6ONLY));
	bool dual = m & FILTER_MODE(SOCK_MODE_DUAL);

	if (mapped && unmapped)
		return;
	if (mapped) {
		add_cond(p, INET_DIAG_BC_S_COND, false, &any4);
		add_cond(p, INET_DIAG_BC_D_COND, false, &any4);
		if (dual)
			add_cond(p, INET_DIAG_BC_S_COND, false, &wild6);
		end_clause(p, true);
	} else if (unmapped) {
		/* Neither end mapped: two one-literal clauses. */
		add_cond(p, INET_DIAG_BC_S_COND, true, &any4);
		end_clause(p, true);
		add_cond(p, INET_DIAG_BC_D_COND, true, &any4);
		end_clause(p, true);
	} else if (dual) {
		/* Bound to "::", and no mapped peer (that would be mapped). */
		add_cond(p, INET_DIAG_BC_S_COND, false, &wild6);
		end_clause(p, true);
		add_cond(p, INET_DIAG_BC_D_COND, true, &any4);
		end_clause(p, true);
	}
}

static void
add_prefixes(struct prog *p, uint8_t code, const struct filter_prefix *fp,
    unsigned int n, int family)
{
	unsigned int i;

	/* An IPv6 prefix cannot match an AF_INET socket; leave it out. */
	for (i = 0; i < n; i++)
		if (fp[i].family == family || family == AF_INET6)
			add_cond(p, code, false, &fp[i]);
	end_clause(p, n > 0);
}

int
bc_compile(const struct filter *f, int family, uint8_t *buf, size_t buflen)
{
	struct prog p;
	unsigned int i;
	int total;

	memset(&p, 0, sizeof(p));
	if (!filter_wants_family(f, family))
		p.never = true;
	else if (family == AF_INET6 && f->modes != 0)
		add_modes6(&p, f->modes);
	for (i = 0; i < f->nsports; i++)
		add_port(&p, INET_DIAG_BC_S_EQ, f->sports[i]);
	end_clause(&p, false);
	for (i = 0; i < f->ndports; i++)
		add_port(&p, INET_DIAG_BC_D_EQ, f->dports[i]);
	end_clause(&p, false);
	add_prefixes(&p, INET_DIAG_BC_S_COND, f->srcs, f->nsrcs, family);
	add_prefixes(&p, INET_DIAG_BC_D_COND, f->dsts, f->ndsts, family);

	if (p.never) {
		/* One JMP straight past the end: nothing passes. */
		if (buflen < (size_t)OP_LEN)
			return -E2BIG;
		put_op(buf, INET_DIAG_BC_JMP, OP_LEN, 2 * OP_LEN);
		return OP_LEN;
	}
	total = layout(&p);
	if ((size_t)total > buflen)
		return -E2BIG;
	for (i = 0; i < (unsigned int)p.n; i++)
		put_lit(buf, &p.lits[i], total);
	return total;
}
