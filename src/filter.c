/*
 * filter.c - the filter expression tree: building it, parsing the values
 * of its terms, matching a socket against it (the one user-space
 * evaluator) and the state analysis query.c narrows with
 *
 * filter_match() must select exactly what the kernel's bytecode (bc.c) and
 * idiag_states select, plus what only user space can see (the modes,
 * v6only), so a socket is judged the same whichever side filters it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "filter.h"
#include "num.h"
#include "owner.h"

#define STATE_BIT(s) SOCK_STATE_BIT(s)

struct name_bits {
	const char *name;
	uint32_t bits;
};

static const struct name_bits mode_names[] = {
	{ "v4", FILTER_MODE(SOCK_MODE_V4) },
	{ "v6", FILTER_MODE(SOCK_MODE_V6) },
	{ "v6only", FILTER_MODE(SOCK_MODE_V6ONLY) },
	{ "dual", FILTER_MODE(SOCK_MODE_DUAL) },
	{ "mapped", FILTER_MODE(SOCK_MODE_MAPPED) },
	{ NULL, 0 },
};

/*
 * ss(8)'s state names and groups, and the names the table prints
 * (sock_state_name(): all of ss's but "estab"), matched in any case so
 * output can be fed back as input.  Request sockets (TCP_NEW_SYN_RECV) are
 * reported as SYN-RECV, so that name selects both.
 */
#define S_SYN_RECV \
	(STATE_BIT(TCP_SYN_RECV) | STATE_BIT(SOCK_STATE_NEW_SYN_RECV))
#define S_CONNECTED \
	(SOCK_STATES_ALL & ~(STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE)))
#define S_BUCKET (S_SYN_RECV | STATE_BIT(TCP_TIME_WAIT))

static const struct name_bits state_names[] = {
	{ "established", STATE_BIT(TCP_ESTABLISHED) },
	{ "estab", STATE_BIT(TCP_ESTABLISHED) }, /* as the table prints it */
	{ "syn-sent", STATE_BIT(TCP_SYN_SENT) },
	{ "syn-recv", S_SYN_RECV },
	{ "fin-wait-1", STATE_BIT(TCP_FIN_WAIT1) },
	{ "fin-wait-2", STATE_BIT(TCP_FIN_WAIT2) },
	{ "time-wait", STATE_BIT(TCP_TIME_WAIT) },
	{ "closed", STATE_BIT(TCP_CLOSE) },
	{ "bound-inactive", STATE_BIT(SOCK_STATE_BOUND_INACTIVE) },
	{ "unconn", STATE_BIT(TCP_CLOSE) },
	{ "unconnected", STATE_BIT(TCP_CLOSE) }, /* ss's own name */
	{ "close", STATE_BIT(TCP_CLOSE) },
	{ "close-wait", STATE_BIT(TCP_CLOSE_WAIT) },
	{ "last-ack", STATE_BIT(TCP_LAST_ACK) },
	{ "listen", STATE_BIT(TCP_LISTEN) },
	{ "listening", STATE_BIT(TCP_LISTEN) },
	{ "closing", STATE_BIT(TCP_CLOSING) },
	{ "connected", S_CONNECTED },
	{ "synchronized", S_CONNECTED & ~STATE_BIT(TCP_SYN_SENT) },
	{ "bucket", S_BUCKET },
	{ "big", SOCK_STATES_ALL & ~S_BUCKET },
	{ "all", SOCK_STATES_ALL },
	{ NULL, 0 },
};

static void
copy_bad(char *bad, size_t badlen, const char *s, size_t n)
{
	if (badlen == 0)
		return;
	if (n >= badlen)
		n = badlen - 1;
	memcpy(bad, s, n);
	bad[n] = '\0';
}

/* Splits list at commas and ORs the bits of each name found in table. */
static int
parse_list(const char *list, const struct name_bits *table, bool anycase,
    uint32_t *bits, char *bad, size_t badlen)
{
	uint32_t acc = 0;
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ",");
		const struct name_bits *nb;

		for (nb = table; nb->name != NULL; nb++)
			if (strlen(nb->name) == n &&
			    (anycase ? strncasecmp(nb->name, p, n)
				     : strncmp(nb->name, p, n)) == 0)
				break;
		if (nb->name == NULL) {
			copy_bad(bad, badlen, p, n);
			return -EINVAL;
		}
		acc |= nb->bits;
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*bits |= acc;
	return 0;
}

int
filter_parse_modes(
    const char *list, unsigned int *modes, char *bad, size_t badlen)
{
	uint32_t bits = 0;
	int ret;

	ret = parse_list(list, mode_names, false, &bits, bad, badlen);
	if (ret == 0)
		*modes |= bits;
	return ret;
}

int
filter_parse_states(
    const char *list, uint32_t *states, char *bad, size_t badlen)
{
	return parse_list(list, state_names, true, states, bad, badlen);
}

/*
 * A service name for "tcp" or "udp" only: getservbyname(name, NULL) also
 * takes the first line of any protocol, AppleTalk's "/ddp" ones (nbp,
 * rtmp, zip...) included.  For either protocol (proto NULL), a name whose
 * TCP and UDP ports differ is ambiguous, as ss says.
 */
static int
service_port(const char *name, const char *proto, uint16_t *port)
{
	struct servent *se;
	int tcp = -1, udp = -1;

	if (proto == NULL || strcmp(proto, "tcp") == 0) {
		se = getservbyname(name, "tcp");
		if (se != NULL)
			tcp = ntohs((uint16_t)se->s_port);
	}
	if (proto == NULL || strcmp(proto, "udp") == 0) {
		se = getservbyname(name, "udp");
		if (se != NULL)
			udp = ntohs((uint16_t)se->s_port);
	}
	if (tcp >= 0 && udp >= 0 && tcp != udp)
		return -EINVAL;
	if (tcp < 0 && udp < 0)
		return -EINVAL;
	*port = (uint16_t)(tcp >= 0 ? tcp : udp);
	return 0;
}

int
filter_parse_port(const char *text, const char *proto, uint16_t *port)
{
	unsigned long v;
	int ret;

	if (*text == ':')
		text++;
	ret = num_parse_ulong(text, 65535, &v);
	if (ret == 0) {
		*port = (uint16_t)v;
		return 0;
	}
	if (ret == -ERANGE || *text == '\0' || strchr(text, ',') != NULL)
		return ret;
	return service_port(text, proto, port);
}

/*
 * iproute2's short IPv4 forms (lib/utils.c, get_addr_ipv4()): one to
 * three dotted parts, the missing bytes zero ("0/0", "10/8"), as ss takes
 * them.  Returns true and fills addr if text is one.
 */
static bool
short_inet(const char *text, uint8_t addr[4])
{
	uint8_t r[4] = { 0 };
	unsigned int i;

	for (i = 0; i < 4; i++) {
		size_t n = strspn(text, "0123456789");
		unsigned long v;

		if (n == 0 || n > 3)
			return false;
		v = strtoul(text, NULL, 10);
		if (v > 255)
			return false;
		r[i] = (uint8_t)v;
		text += n;
		if (*text == '\0')
			break;
		if (*text++ != '.')
			return false;
	}
	if (*text != '\0')
		return false;
	memcpy(addr, r, 4);
	return true;
}

int
filter_parse_prefix(const char *text, struct filter_prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t alen = slash != NULL ? (size_t)(slash - text) : strlen(text);
	struct filter_prefix r;
	unsigned long len, max, i;
	int ret;

	if (alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	memset(&r, 0, sizeof(r));
	if (inet_pton(AF_INET, addr, r.addr) == 1) {
		r.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, addr, r.addr) == 1) {
		r.family = AF_INET6;
		max = 128;
	} else if (short_inet(addr, r.addr)) {
		r.family = AF_INET;
		max = 32;
	} else {
		return -EINVAL;
	}
	len = max;
	if (slash != NULL) {
		/* Range-check against 255 first so "/99999999999" is ERANGE. */
		ret = num_parse_ulong(slash + 1, 255, &len);
		if (ret < 0)
			return ret;
		if (len > max)
			return -ERANGE;
	}
	r.len = (uint8_t)len;
	for (i = 0; i < 16; i++) {
		if (i * 8 >= len)
			r.addr[i] = 0;
		else if (i * 8 + 8 > len)
			r.addr[i] &= (uint8_t)(0xff00U >> (len - i * 8));
	}
	*p = r;
	return 0;
}

/*
 * "[ADDR]", "[ADDR]/LEN" or "[ADDR/LEN]" (the brackets only for IPv6):
 * the text without its brackets, into buf.  Returns the length of the
 * part that was the address, or -EINVAL.
 */
static int
unbracket(const char *text, size_t n, char *buf, size_t buflen)
{
	const char *close = memchr(text, ']', n);
	size_t inner, rest;

	if (close == NULL)
		return -EINVAL;
	inner = (size_t)(close - text - 1);
	rest = n - (size_t)(close - text) - 1;
	if (inner + rest >= buflen || (rest > 0 && close[1] != '/'))
		return -EINVAL;
	memcpy(buf, text + 1, inner);
	memcpy(buf + inner, close + 1, rest);
	buf[inner + rest] = '\0';
	return 0;
}

int
filter_parse_host(
    const char *text, const char *proto, struct filter_prefix *p, int32_t *port)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *colon, *addr_end;
	struct filter_prefix r;
	int family = AF_UNSPEC;
	uint16_t v = 0;
	size_t n;
	int ret;

	/* ss's family prefixes: the address is of that family. */
	if (strncmp(text, "inet:", 5) == 0) {
		family = AF_INET;
		text += 5;
	} else if (strncmp(text, "inet6:", 6) == 0) {
		family = AF_INET6;
		text += 6;
	}
	/* Where the address ends and a ":PORT" would start. */
	colon = strrchr(text, ':');
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (close == NULL)
			return -EINVAL;
		colon = strchr(close, ':');
	} else if (colon != NULL && strchr(text, ':') != colon) {
		colon = NULL; /* a bare IPv6 address takes no port */
	}
	addr_end = colon != NULL ? colon : text + strlen(text);
	n = (size_t)(addr_end - text);
	memset(&r, 0, sizeof(r));
	if (n == 0 && colon == NULL && family == AF_UNSPEC)
		return -EINVAL;
	if (n == 0 || (n == 1 && text[0] == '*')) {
		r.family = (uint8_t)family; /* any address (of the family) */
	} else {
		if (text[0] == '[')
			ret = unbracket(text, n, buf, sizeof(buf));
		else if (n < sizeof(buf)) {
			memcpy(buf, text, n);
			buf[n] = '\0';
			ret = 0;
		} else {
			ret = -EINVAL;
		}
		if (ret == 0)
			ret = filter_parse_prefix(buf, &r);
		if (ret < 0)
			return ret;
		if (family != AF_UNSPEC && r.family != family)
			return -EINVAL;
	}
	if (colon != NULL && strcmp(colon + 1, "*") == 0) {
		*port = -1; /* ss's port wildcard */
	} else if (colon != NULL) {
		if (colon[1] == '\0' ||
		    filter_parse_port(colon + 1, proto, &v) < 0)
			return -ENOENT;
		*port = v;
	} else {
		*port = -1;
	}
	*p = r;
	return 0;
}

/* Compares the first bits bits of a and b. */
static bool
bits_equal(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff00U >> rest);
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

/*
 * The kernel tests an AF_INET condition against an AF_INET6 socket on the
 * IPv4 part of an IPv4-mapped address, and fails it on any other address
 * (net/ipv4/inet_diag.c, inet_diag_bc_run(), INET_DIAG_BC_S_COND).
 */
bool
filter_prefix_match(
    const struct filter_prefix *p, int family, const uint8_t addr[16])
{
	if (p->family == AF_UNSPEC)
		return true;
	if (p->family == family)
		return bits_equal(addr, p->addr, p->len);
	if (p->family == AF_INET && family == AF_INET6)
		return sock_addr_is_mapped(addr) &&
		    bits_equal(addr + 12, p->addr, p->len);
	return false;
}

/* ---- building ---- */

int
filter_add(struct filter *f, const struct filter_node *node)
{
	if (f->n >= FILTER_MAX_NODES)
		return -ENOSPC;
	f->nodes[f->n] = *node;
	return (int)f->n++;
}

int
filter_add_op(struct filter *f, enum filter_kind kind, int a, int b)
{
	struct filter_node n;

	memset(&n, 0, sizeof(n));
	n.kind = (uint8_t)kind;
	n.a = (uint16_t)a;
	n.b = (uint16_t)(kind == FILTER_NOT ? 0 : b);
	return filter_add(f, &n);
}

int
filter_and_root(struct filter *f, int i)
{
	int r = i;

	if (f->has_root) {
		r = filter_add_op(f, FILTER_AND, (int)f->root, i);
		if (r < 0)
			return r;
	}
	f->root = (unsigned int)r;
	f->has_root = true;
	return 0;
}

bool
filter_has(const struct filter *f, enum filter_kind kind)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].kind == kind)
			return true;
	return false;
}

bool
filter_is_empty(const struct filter *f)
{
	return !f->has_root && f->states == 0;
}

/* ---- matching ---- */

static bool
cmp_holds(enum filter_cmp cmp, unsigned int have, unsigned int want)
{
	switch (cmp) {
	case FILTER_GE:
		return have >= want;
	case FILTER_LE:
		return have <= want;
	case FILTER_EQ:
	default:
		return have == want;
	}
}

/* The owners of the socket being decided, or none known (o NULL). */
struct owners {
	const struct filter_owner *o;
	size_t n;
};

static enum filter_answer
yes_no(bool b)
{
	return b ? FILTER_YES : FILTER_NO;
}

/* The recursion is bounded by FILTER_MAX_NODES (filter_add()). */
static enum filter_answer
eval(const struct filter *f, const struct filter_env *env, unsigned int i,
    const struct sock_entry *sk, const struct owners *ow)
{
	const struct filter_node *n = &f->nodes[i];
	bool src = n->kind == FILTER_SRC;
	enum filter_answer a, b;

	switch (n->kind) {
	case FILTER_AND:
		a = eval(f, env, n->a, sk, ow);
		if (a == FILTER_NO)
			return a;
		b = eval(f, env, n->b, sk, ow);
		return b == FILTER_NO ? b : a == FILTER_YES ? b : a;
	case FILTER_OR:
		a = eval(f, env, n->a, sk, ow);
		if (a == FILTER_YES)
			return a;
		b = eval(f, env, n->b, sk, ow);
		return b == FILTER_YES ? b : a == FILTER_NO ? b : a;
	case FILTER_NOT:
		a = eval(f, env, n->a, sk, ow);
		return a == FILTER_MAYBE ? a : yes_no(a == FILTER_NO);
	case FILTER_SPORT:
		return yes_no(cmp_holds(n->cmp, sk->local_port, n->port));
	case FILTER_DPORT:
		return yes_no(cmp_holds(n->cmp, sk->peer_port, n->port));
	case FILTER_SRC:
	case FILTER_DST:
		if (n->hport >= 0 &&
		    n->hport != (src ? sk->local_port : sk->peer_port))
			return FILTER_NO;
		return yes_no(filter_prefix_match(&n->prefix, sk->family,
		    src ? sk->local_addr : sk->peer_addr));
	case FILTER_DEV:
		return yes_no(sk->ifindex == n->value);
	case FILTER_MODE_IN:
		return yes_no((n->value & FILTER_MODE(sk->mode)) != 0);
	case FILTER_V6ONLY:
		return yes_no(sk->v6only == SOCK_V6ONLY_YES);
	case FILTER_CGROUP:
	case FILTER_UID:
	case FILTER_PID:
	case FILTER_PROCESS:
	case FILTER_NOTHING:
		return owner_decide(n, sk, ow->o, ow->n);
	case FILTER_AUTOBOUND:
		/*
		 * ss's user-space half (misc/ss.c, run_ssfilter(),
		 * SSF_S_AUTO): a port the kernel picks lies in the range.
		 * The kernel's half cannot see accepted sockets (they lose
		 * SOCK_BINDPORT_LOCK) nor TIME-WAIT and request sockets
		 * (reported with no lock at all): this one can.
		 */
		return yes_no(env == NULL ||
		    (sk->local_port >= env->port_lo &&
			sk->local_port <= env->port_hi));
	default:
		return FILTER_YES;
	}
}

enum filter_answer
filter_decide(const struct filter *f, const struct filter_env *env,
    const struct sock_entry *sk, const struct filter_owner *o, size_t n)
{
	struct owners ow = { o, n };

	if (f->states != 0 && (f->states & sock_state_bits(sk)) == 0)
		return FILTER_NO;
	return !f->has_root ? FILTER_YES : eval(f, env, f->root, sk, &ow);
}

bool
filter_match_env(const struct filter *f, const struct filter_env *env,
    const struct sock_entry *sk)
{
	return filter_decide(f, env, sk, NULL, 0) != FILTER_NO;
}

bool
filter_match(const struct filter *f, const struct sock_entry *sk)
{
	return filter_match_env(f, NULL, sk);
}

bool
filter_needs_owners(const struct filter *f)
{
	return filter_has(f, FILTER_PID) || filter_has(f, FILTER_PROCESS);
}

/* ---- analysis ---- */

/* Every state a socket can be reported in, bound-inactive included. */
#define ANY_STATES (SOCK_STATES_ALL | STATE_BIT(SOCK_STATE_BOUND_INACTIVE))

/* The states in which a term may be true (t) and may be false (u). */
struct tu {
	uint32_t t, u;
};

/*
 * Only what the kernel guarantees narrows the states: the family of an
 * address and, from the protocol's row (sock_proto_find()), which states
 * can carry which mode.  A peer port may be anything in any state: a UDP
 * socket connected to port 0 is ESTABLISHED with peer port 0, and a TCP
 * socket whose connect() was refused stays in CLOSE with its peer.
 */
static struct tu
term_states(const struct filter_node *n, int protocol, int family)
{
	const struct tu any = { ANY_STATES, ANY_STATES },
			never = { 0, ANY_STATES };
	unsigned int modes, possible;
	struct tu r = any;

	switch (n->kind) {
	case FILTER_SRC:
	case FILTER_DST:
		if (n->prefix.family == AF_INET6 && family == AF_INET)
			return never;
		return r;
	case FILTER_MODE_IN:
		possible = sock_proto_modes(protocol, family);
		modes = n->value & possible;
		r.t = sock_mode_states(protocol, family, modes);
		r.u = sock_mode_states(protocol, family, possible & ~modes);
		return r;
	case FILTER_V6ONLY:
		if (family == AF_INET)
			return never;
		r.t = SOCK_V6ONLY_STATES;
		return r;
	default:
		return r;
	}
}

static struct tu
tree_states(const struct filter *f, unsigned int i, int protocol, int family)
{
	const struct filter_node *n = &f->nodes[i];
	struct tu a, b, r;

	switch (n->kind) {
	case FILTER_NOT:
		a = tree_states(f, n->a, protocol, family);
		r.t = a.u;
		r.u = a.t;
		return r;
	case FILTER_AND:
	case FILTER_OR:
		a = tree_states(f, n->a, protocol, family);
		b = tree_states(f, n->b, protocol, family);
		if (n->kind == FILTER_AND) {
			r.t = a.t & b.t;
			r.u = a.u | b.u;
		} else {
			r.t = a.t | b.t;
			r.u = a.u & b.u;
		}
		return r;
	default:
		return term_states(n, protocol, family);
	}
}

uint32_t
filter_states(const struct filter *f, int protocol, int family)
{
	if (!f->has_root)
		return ANY_STATES;
	return tree_states(f, f->root, protocol, family).t;
}

bool
filter_resolve_devs(struct filter *f,
    unsigned int (*index_of)(const char *name), const char **missing)
{
	struct filter_node *n;
	bool changed = false;
	unsigned int i;
	uint32_t v;

	if (missing != NULL)
		*missing = NULL;
	for (i = 0; i < f->n; i++) {
		n = &f->nodes[i];
		if (n->kind != FILTER_DEV || n->ifname[0] == '\0')
			continue;
		v = index_of(n->ifname);
		if (v == 0) {
			v = FILTER_DEV_NONE;
			if (missing != NULL && *missing == NULL)
				*missing = n->ifname;
		}
		changed |= v != n->value;
		n->value = v;
	}
	return changed;
}
