/*
 * ssfilter.c - ss(8)'s filter language (the FILTER argument and -F FILE),
 * by recursive descent, into filter.h's tree
 *
 * The grammar and meanings are ss's (iproute2, misc/ssfilter.y and the
 * ss(8) page), written here from its documentation: "<" is "not >=" and
 * ">" is "not <=", as the kernel only has >=, <= and = ops; "!=" is
 * "not =".  Recursion follows the nesting of "(" and "not", which is
 * capped at FILTER_MAX_NEST, so no input can run the stack out; the tree
 * is capped at FILTER_MAX_NODES.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "cgroup.h"
#include "fmt.h"
#include "num.h"
#include "owner.h"
#include "ssfilter.h"

enum tok_type {
	T_END,
	T_LP,
	T_RP,
	T_NOT,
	T_AND,
	T_OR,
	T_CMP,
	T_WORD,
};

/* Comparisons as written; the kernel's three and their negations. */
enum cmp {
	C_EQ,
	C_NE,
	C_LT,
	C_GT,
	C_LE,
	C_GE,
};

struct tok {
	enum tok_type type;
	enum cmp cmp;
	const char *s; /* into the text */
	size_t len;
};

struct parser {
	const char *text;
	const char *pos; /* after the current token */
	struct tok cur;
	struct filter *f;
	const char *proto;
	struct ssfilter_error *e;
	unsigned int nest; /* "(" and "not" open around the current token */
	bool failed;
};

static const struct {
	const char *word;
	enum tok_type type;
	enum cmp cmp;
} words[] = {
	{ "and", T_AND, C_EQ },
	{ "or", T_OR, C_EQ },
	{ "not", T_NOT, C_EQ },
	{ "eq", T_CMP, C_EQ },
	{ "neq", T_CMP, C_NE },
	{ "ne", T_CMP, C_NE },
	{ "lt", T_CMP, C_LT },
	{ "gt", T_CMP, C_GT },
	{ "le", T_CMP, C_LE },
	{ "ge", T_CMP, C_GE },
	{ "leq", T_CMP, C_LE },
	{ "geq", T_CMP, C_GE },
};

static const struct {
	const char *op;
	enum tok_type type;
	enum cmp cmp;
} ops[] = {
	/* Longest first. */
	{ "&&", T_AND, C_EQ },
	{ "||", T_OR, C_EQ },
	{ "==", T_CMP, C_EQ },
	{ "!=", T_CMP, C_NE },
	{ "<=", T_CMP, C_LE },
	{ ">=", T_CMP, C_GE },
	{ "&", T_AND, C_EQ },
	{ "|", T_OR, C_EQ },
	{ "!", T_NOT, C_EQ },
	{ "=", T_CMP, C_EQ },
	{ "<", T_CMP, C_LT },
	{ ">", T_CMP, C_GT },
};

#define OP_CHARS "&|=!<>"

static bool
tok_is(const struct tok *t, const char *word)
{
	return t->type == T_WORD && t->len == strlen(word) &&
	    strncmp(t->s, word, t->len) == 0;
}

/* Sets the error at token t (or at the end), unless one is set. */
static void fail(struct parser *p, const struct tok *t, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct parser *p, const struct tok *t, const char *fmt, ...)
{
	const char *at = t->s, *c;
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	p->e->line = 1;
	p->e->column = 1;
	for (c = p->text; c < at; c++) {
		if (*c == '\n') {
			p->e->line++;
			p->e->column = 1;
		} else {
			p->e->column++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(p->e->msg, sizeof(p->e->msg), fmt, ap);
	va_end(ap);
}

/* The token's text, escaped, for a message. */
struct quoted {
	char s[4 * 40 + 8];
};

static const char *
q(struct quoted *qq, const struct tok *t)
{
	if (t->type == T_END)
		return "the end";
	return fmt_quote(qq->s, t->s, t->len, 40);
}

/* The same, quoted as a token ('x'), or "the end". */
static const char *
qt(struct quoted *qq, const struct tok *t)
{
	if (t->type == T_END)
		return "the end";
	qq->s[0] = '\'';
	fmt_quote(qq->s + 1, t->s, t->len, 40);
	strcat(qq->s, "'");
	return qq->s;
}

static void
next(struct parser *p)
{
	const char *s = p->pos;
	struct tok *t = &p->cur;
	size_t i;

	for (;;) {
		s += strspn(s, " \t\r\n");
		if (*s != '#')
			break;
		s += strcspn(s, "\n");
	}
	memset(t, 0, sizeof(*t));
	t->s = s;
	if (*s == '\0') {
		/* The end is where the last token ended, not past the blank
		 * lines and comments after it. */
		t->s = p->pos;
		t->type = T_END;
		p->pos = s;
		return;
	} else if (*s == '(' || *s == ')') {
		t->type = *s == '(' ? T_LP : T_RP;
		t->len = 1;
	} else if (strchr(OP_CHARS, *s) != NULL) {
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			t->len = strlen(ops[i].op);
			if (strncmp(s, ops[i].op, t->len) == 0)
				break;
		}
		t->type = ops[i].type;
		t->cmp = ops[i].cmp;
	} else {
		t->type = T_WORD;
		t->len = strcspn(s, " \t\r\n()#" OP_CHARS);
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (tok_is(t, words[i].word)) {
				t->type = words[i].type;
				t->cmp = words[i].cmp;
				break;
			}
	}
	p->pos = s + t->len;
}

/* Copies the current word into buf for a parser of values. */
static bool
word_text(struct parser *p, char *buf, size_t len, const char *what)
{
	struct quoted qq;

	if (p->cur.type != T_WORD) {
		fail(p, &p->cur, "expected %s, not %s", what, qt(&qq, &p->cur));
		return false;
	}
	if (p->cur.len >= len) {
		fail(p, &p->cur, "'%s' is too long for %s", q(&qq, &p->cur),
		    what);
		return false;
	}
	memcpy(buf, p->cur.s, p->cur.len);
	buf[p->cur.len] = '\0';
	return true;
}

static int
add(struct parser *p, const struct tok *at, int ret)
{
	if (ret == -ENOSPC)
		fail(p, at, "more than %d terms and operators",
		    FILTER_MAX_NODES);
	return ret;
}

static int
add_node(struct parser *p, const struct tok *at, const struct filter_node *n)
{
	return add(p, at, filter_add(p->f, n));
}

static int
add_not(struct parser *p, const struct tok *at, int a)
{
	return a < 0 ? a : add(p, at, filter_add_op(p->f, FILTER_NOT, a, 0));
}

static int parse_or(struct parser *p);
static int finish(
    struct parser *p, const struct tok *kw, struct filter_node *n, bool ne);

/* "*" or ":*": ss's port wildcard. */
static bool
is_any_port(const char *text)
{
	return strcmp(text, "*") == 0 || strcmp(text, ":*") == 0;
}

/* sport/dport [CMP] PORT; "=" when the comparison is left out, as ss. */
static int
parse_port_term(struct parser *p, const struct tok *kw)
{
	struct filter_node n;
	struct tok op = p->cur;
	struct quoted qa, qb;
	char buf[64];
	int i, ret;

	memset(&n, 0, sizeof(n));
	n.kind = tok_is(kw, "sport") ? FILTER_SPORT : FILTER_DPORT;
	if (op.type == T_WORD) {
		op.cmp = C_EQ;
	} else if (op.type != T_CMP) {
		fail(p, &op,
		    "expected a comparison (=, !=, <, >, <=, >=) or a port "
		    "after '%s'",
		    q(&qa, kw));
		return -EINVAL;
	} else {
		next(p);
	}
	if (p->cur.type != T_WORD) {
		fail(p, &p->cur, "expected a port after '%s %s'", q(&qa, kw),
		    q(&qb, &op));
		return -EINVAL;
	}
	if (!word_text(p, buf, sizeof(buf), "a port"))
		return -EINVAL;
	if (is_any_port(buf)) {
		/* Any port: a host condition that always holds. */
		if (op.cmp != C_EQ && op.cmp != C_NE) {
			fail(p, &p->cur, "the port wildcard '*' takes = or !=");
			return -EINVAL;
		}
		n.kind = n.kind == FILTER_SPORT ? FILTER_SRC : FILTER_DST;
		n.prefix.family = AF_UNSPEC;
		n.hport = -1;
		return finish(p, kw, &n, op.cmp == C_NE);
	}
	ret = filter_parse_port(buf, p->proto, &n.port);
	if (ret < 0) {
		fail(p, &p->cur,
		    ret == -ERANGE ? "port '%s' out of range (0-65535)"
				   : "'%s' is neither a port number nor a "
				     "service name",
		    q(&qa, &p->cur));
		return -EINVAL;
	}
	next(p);
	n.cmp = op.cmp == C_GE || op.cmp == C_LT ? FILTER_GE
	    : op.cmp == C_LE || op.cmp == C_GT	 ? FILTER_LE
						 : FILTER_EQ;
	i = add_node(p, kw, &n);
	if (op.cmp == C_NE || op.cmp == C_LT || op.cmp == C_GT)
		i = add_not(p, kw, i);
	return i;
}

/* An optional = or != after src, dst, dev, mode: true for !=. */
static bool
parse_eq(struct parser *p, const struct tok *kw)
{
	struct quoted qq, qk;
	bool ne = false;

	if (p->cur.type != T_CMP)
		return false;
	if (p->cur.cmp != C_EQ && p->cur.cmp != C_NE)
		fail(p, &p->cur, "'%s' takes = or !=, not '%s'", q(&qk, kw),
		    q(&qq, &p->cur));
	ne = p->cur.cmp == C_NE;
	next(p);
	return ne;
}

static int
finish(struct parser *p, const struct tok *kw, struct filter_node *n, bool ne)
{
	int i = add_node(p, kw, n);

	next(p);
	return ne ? add_not(p, kw, i) : i;
}

static int
parse_host_term(struct parser *p, const struct tok *kw)
{
	struct filter_node n;
	struct quoted qq, qk;
	bool ne = parse_eq(p, kw);
	char buf[96];
	int ret;

	if (p->failed)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.kind = tok_is(kw, "src") ? FILTER_SRC : FILTER_DST;
	if (p->cur.type != T_WORD) {
		fail(p, &p->cur, "expected an address after '%s'", q(&qk, kw));
		return -EINVAL;
	}
	if (!word_text(p, buf, sizeof(buf), "an address"))
		return -EINVAL;
	ret = filter_parse_host(buf, p->proto, &n.prefix, &n.hport);
	if (ret == -ERANGE) {
		fail(p, &p->cur,
		    "'%s': prefix length out of range (0-32 for IPv4, 0-128 "
		    "for IPv6)",
		    q(&qq, &p->cur));
		return -EINVAL;
	}
	if (ret == -ENOENT) {
		fail(p, &p->cur,
		    "'%s': bad port (a number 0-65535 or a service name)",
		    q(&qq, &p->cur));
		return -EINVAL;
	}
	if (ret < 0) {
		fail(p, &p->cur,
		    "'%s' is not an address, prefix or '*' (IPv6 with a port "
		    "goes in brackets: [::1]:22)",
		    q(&qq, &p->cur));
		return -EINVAL;
	}
	return finish(p, kw, &n, ne);
}

/*
 * An interface index as ss takes one where no interface has the name:
 * "7" or iproute2's "if7".  Returns it, or 0.
 */
static uint32_t
dev_index(const char *text)
{
	unsigned long v;

	if (strncmp(text, "if", 2) == 0)
		text += 2;
	if (num_parse_ulong(text, UINT32_MAX, &v) < 0)
		return 0;
	return (uint32_t)v;
}

static int
parse_dev_term(struct parser *p, const struct tok *kw)
{
	struct filter_node n;
	bool ne = parse_eq(p, kw);
	char buf[IF_NAMESIZE];

	if (p->failed)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.kind = FILTER_DEV;
	if (!word_text(p, buf, sizeof(buf), "an interface name"))
		return -EINVAL;
	/*
	 * Each namespace listed has its own indexes: a name is looked up
	 * again in each (scope.c); here, in the one we run in.  An index
	 * ("7", "if7"), taken where no interface here has the name, is
	 * kept as given in every namespace (ifname "").
	 */
	n.value = if_nametoindex(buf);
	if (n.value == 0)
		n.value = dev_index(buf);
	if (n.value == 0 || if_nametoindex(buf) != 0)
		snprintf(n.ifname, sizeof(n.ifname), "%s", buf);
	if (n.value == 0)
		n.value = FILTER_DEV_NONE;
	return finish(p, kw, &n, ne);
}

static int
parse_mode_term(struct parser *p, const struct tok *kw)
{
	struct filter_node n;
	struct quoted qq;
	bool ne = parse_eq(p, kw);
	char buf[64], bad[32];
	unsigned int modes = 0;

	if (p->failed)
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.kind = FILTER_MODE_IN;
	if (!word_text(p, buf, sizeof(buf), "a mode"))
		return -EINVAL;
	if (filter_parse_modes(buf, &modes, bad, sizeof(bad)) < 0) {
		fail(p, &p->cur,
		    "unknown mode '%s' (modes: v4, v6, v6only, dual, mapped)",
		    q(&qq, &p->cur));
		return -EINVAL;
	}
	n.value = modes;
	return finish(p, kw, &n, ne);
}

/* ---- who holds the socket (owner.h) ---- */

/* The words, and whether "WORD?" may name something absent. */
static const struct {
	const char *word;
	enum filter_kind kind;
	bool absent_ok;
	const char *what;
} owner_words[] = {
	{ "cgroup", FILTER_CGROUP, true, "a cgroup path" },
	{ "unit", FILTER_CGROUP, true, "a unit name" },
	{ "container", FILTER_CGROUP, true, "a container ID" },
	{ "user", FILTER_UID, true, "a user name" },
	{ "uid", FILTER_UID, false, "a uid" },
	{ "pid", FILTER_PID, false, "a pid" },
	{ "process", FILTER_PROCESS, false, "a process name" },
};

/* The owner_words[] row of kw ("unit", "unit?"), or -1. */
static int
owner_word(const struct tok *kw, bool *absent_ok)
{
	size_t i, n = kw->len;

	*absent_ok = n > 1 && kw->s[n - 1] == '?';
	if (*absent_ok)
		n--;
	for (i = 0; i < sizeof(owner_words) / sizeof(owner_words[0]); i++)
		if (strlen(owner_words[i].word) == n &&
		    strncmp(owner_words[i].word, kw->s, n) == 0)
			return *absent_ok && !owner_words[i].absent_ok ? -1
								       : (int)i;
	return -1;
}

/* Adds "id1 or id2 or ..." for the cgroups of a unit or container. */
static int
add_cgroups(
    struct parser *p, const struct tok *kw, const struct owner_cgroups *c)
{
	struct filter_node n;
	size_t k;
	int i = -1, j;

	memset(&n, 0, sizeof(n));
	n.kind = FILTER_CGROUP;
	for (k = 0; k < c->n; k++) {
		n.id = c->id[k];
		j = add_node(p, kw, &n);
		if (j >= 0 && i >= 0)
			j = add(p, kw, filter_add_op(p->f, FILTER_OR, i, j));
		if (j < 0)
			return j;
		i = j;
	}
	return i;
}

/*
 * cgroup PATH, unit NAME, container ID, user NAME (each also with '?':
 * may be absent), uid N, pid N, process NAME; each may take = or !=.
 */
static int
parse_owner_term(struct parser *p, const struct tok *kw, int row, bool maybe)
{
	struct owner_cgroups c = { .n = 0 };
	bool set = strcmp(owner_words[row].word, "unit") == 0 ||
	    strcmp(owner_words[row].word, "container") == 0;
	const char *w = owner_words[row].word;
	struct filter_node n;
	struct quoted qq;
	bool ne = parse_eq(p, kw);
	char buf[4096];
	unsigned long v;
	uint32_t uid;
	int i, ret = 0;

	if (p->failed)
		return -EINVAL;
	if (!word_text(p, buf, sizeof(buf), owner_words[row].what))
		return -EINVAL;
	memset(&n, 0, sizeof(n));
	n.kind = (uint8_t)owner_words[row].kind;
	if (strcmp(w, "uid") == 0 || strcmp(w, "pid") == 0) {
		ret = num_parse_ulong(
		    buf, w[0] == 'u' ? 4294967294UL : 4194304UL, &v);
		if (ret < 0 || (w[0] == 'p' && v == 0)) {
			fail(p, &p->cur, "'%s' is not a %s (a number, %s)",
			    q(&qq, &p->cur), w,
			    w[0] == 'u' ? "0-4294967294" : "1-4194304");
			return -EINVAL;
		}
		n.value = (uint32_t)v;
	} else if (strcmp(w, "process") == 0) {
		if (strlen(buf) >= sizeof(n.name)) {
			fail(p, &p->cur,
			    "process name '%s' is longer than the kernel's "
			    "15 bytes (TASK_COMM_LEN)",
			    q(&qq, &p->cur));
			return -EINVAL;
		}
		memcpy(n.name, buf, strlen(buf) + 1);
	} else if (strcmp(w, "user") == 0) {
		ret = owner_user_uid(buf, &uid);
		n.value = uid;
	} else if (strcmp(w, "cgroup") == 0) {
		ret = cgroup_id(buf, &n.id);
		if (ret == -ENOTDIR)
			ret = -ENOENT;
	} else {
		ret = w[0] == 'u' ? owner_unit_cgroups(buf, &c)
				  : owner_container_cgroups(buf, &c);
	}
	if (ret == -ENOENT && maybe) {
		n.kind = FILTER_NOTHING;
		ret = 0;
	} else if (ret == -ENOENT) {
		fail(p, &p->cur,
		    "no %s '%s' on this host (write '%s?' for one that may "
		    "be absent)",
		    strcmp(w, "cgroup") == 0 ? "cgroup" : w, q(&qq, &p->cur),
		    w);
		return -EINVAL;
	} else if (ret == -ENODEV) {
		fail(p, &p->cur,
		    "'%s' needs cgroup v2, and this host has no cgroup2 "
		    "hierarchy mounted",
		    w);
		return -EINVAL;
	} else if (ret == -E2BIG) {
		fail(p, &p->cur, "'%s %s' stands for more than %d cgroups", w,
		    q(&qq, &p->cur), OWNER_MAX_CGROUPS);
		return -EINVAL;
	} else if (ret < 0) {
		fail(p, &p->cur, "'%s %s': %s", w, q(&qq, &p->cur),
		    strerror(-ret));
		return -EINVAL;
	}
	if (set && n.kind == FILTER_CGROUP) {
		i = add_cgroups(p, kw, &c);
		next(p);
		return ne ? add_not(p, kw, i) : i;
	}
	return finish(p, kw, &n, ne);
}

static bool
is_state_word(const struct tok *t)
{
	return tok_is(t, "state") || tok_is(t, "exclude") || tok_is(t, "excl");
}

static int
parse_term(struct parser *p)
{
	struct tok kw = p->cur;
	struct filter_node n;
	struct quoted qq;
	bool maybe;
	int owner;

	memset(&n, 0, sizeof(n));
	if (kw.type != T_WORD) {
		fail(p, &kw, "expected a term, not %s", qt(&qq, &kw));
		return -EINVAL;
	}
	next(p);
	if (tok_is(&kw, "sport") || tok_is(&kw, "dport"))
		return parse_port_term(p, &kw);
	if (tok_is(&kw, "src") || tok_is(&kw, "dst"))
		return parse_host_term(p, &kw);
	if (tok_is(&kw, "dev"))
		return parse_dev_term(p, &kw);
	if (tok_is(&kw, "mode"))
		return parse_mode_term(p, &kw);
	owner = owner_word(&kw, &maybe);
	if (owner >= 0)
		return parse_owner_term(p, &kw, owner, maybe);
	if (tok_is(&kw, "autobound") || tok_is(&kw, "v6only")) {
		n.kind =
		    tok_is(&kw, "v6only") ? FILTER_V6ONLY : FILTER_AUTOBOUND;
		return add_node(p, &kw, &n);
	}
	if (is_state_word(&kw))
		fail(p, &kw, "'%s' must come before the expression",
		    q(&qq, &kw));
	else
		fail(p, &kw,
		    "unknown term '%s' (terms: sport, dport, src, dst, dev, "
		    "autobound, mode, v6only, cgroup, unit, container, uid, "
		    "user, pid, process)",
		    q(&qq, &kw));
	return -EINVAL;
}

static bool
opens(struct parser *p, const struct tok *at)
{
	if (p->nest >= FILTER_MAX_NEST) {
		fail(p, at, "'(' and 'not' nested deeper than %d",
		    FILTER_MAX_NEST);
		return false;
	}
	p->nest++;
	return true;
}

static int
parse_not(struct parser *p)
{
	struct tok at = p->cur;
	struct quoted qq;
	int i;

	if (at.type == T_NOT || at.type == T_LP) {
		if (!opens(p, &at))
			return -EINVAL;
		next(p);
		if (at.type == T_NOT) {
			i = add_not(p, &at, parse_not(p));
		} else {
			i = parse_or(p);
			if (i >= 0 && p->cur.type != T_RP) {
				fail(p, &p->cur, "expected ')', not %s",
				    qt(&qq, &p->cur));
				i = -EINVAL;
			}
			if (i >= 0)
				next(p);
		}
		p->nest--;
		return i;
	}
	return parse_term(p);
}

/* Can this token start a term (juxtaposition means and)? */
static bool
starts_term(const struct tok *t)
{
	return t->type == T_WORD || t->type == T_NOT || t->type == T_LP;
}

static int
parse_and(struct parser *p)
{
	int a = parse_not(p), b;

	while (a >= 0 && (p->cur.type == T_AND || starts_term(&p->cur))) {
		struct tok at = p->cur;

		if (at.type == T_AND)
			next(p);
		b = parse_not(p);
		if (b < 0)
			return b;
		a = add(p, &at, filter_add_op(p->f, FILTER_AND, a, b));
	}
	return a;
}

static int
parse_or(struct parser *p)
{
	int a = parse_and(p), b;

	while (a >= 0 && p->cur.type == T_OR) {
		struct tok at = p->cur;

		next(p);
		b = parse_and(p);
		if (b < 0)
			return b;
		a = add(p, &at, filter_add_op(p->f, FILTER_OR, a, b));
	}
	return a;
}

/*
 * Leading "state NAME" and "exclude NAME" (or "excl") words, as ss takes
 * them, in order: the set is judged once all are read, so "exclude all
 * state established" is established.
 */
static int
parse_states(struct parser *p, bool *any)
{
	bool saw = p->f->states != 0;
	struct tok first = p->cur;
	struct quoted qq, qk;
	char buf[64], bad[32];

	while (is_state_word(&p->cur)) {
		struct tok kw = p->cur;
		uint32_t bits = 0;

		next(p);
		if (p->cur.type != T_WORD) {
			fail(p, &p->cur, "expected a state name after '%s'",
			    q(&qk, &kw));
			return -EINVAL;
		}
		if (!word_text(p, buf, sizeof(buf), "a state name"))
			return -EINVAL;
		if (filter_parse_states(buf, &bits, bad, sizeof(bad)) < 0) {
			fail(p, &p->cur,
			    "unknown state '%s' (ss names: established, "
			    "listening, time-wait, connected, all...; or as "
			    "the table shows them: ESTAB, LISTEN, UNCONN...)",
			    q(&qq, &p->cur));
			return -EINVAL;
		}
		if (tok_is(&kw, "state")) {
			p->f->states |= bits;
		} else {
			if (!saw)
				p->f->states = SOCK_STATES_ALL;
			p->f->states &= ~bits;
		}
		saw = true;
		*any = true;
		next(p);
	}
	if (*any && p->f->states == 0) {
		fail(p, &first, "the state and exclude words leave no state");
		return -EINVAL;
	}
	return 0;
}

int
ssfilter_parse(struct filter *f, const char *text, const char *proto,
    struct ssfilter_error *e)
{
	struct parser p = {
		.text = text, .pos = text, .f = f, .proto = proto, .e = e
	};
	struct quoted qq;
	bool any = false;
	int root;

	memset(e, 0, sizeof(*e));
	next(&p);
	if (parse_states(&p, &any) < 0)
		return -EINVAL;
	if (p.cur.type == T_END) {
		if (!any)
			fail(&p, &p.cur, "empty filter");
		return p.failed ? -EINVAL : 0;
	}
	root = parse_or(&p);
	if (root >= 0 && p.cur.type != T_END)
		fail(&p, &p.cur, "unexpected %s", qt(&qq, &p.cur));
	if (root >= 0 && !p.failed &&
	    add(&p, &p.cur, filter_and_root(f, root)) < 0)
		return -EINVAL;
	if (p.failed || root < 0) {
		if (!p.failed)
			fail(&p, &p.cur, "bad filter");
		return -EINVAL;
	}
	return 0;
}
