/*
 * filter.h - which sockets the user asked for: one expression tree for the
 * ss filter language (ssfilter.c) and the options that become it (-m,
 * --dual, --state, --sport, --dport, --src, --dst)
 *
 * Pure: building, parsing values, matching and analysing.  The tree lives
 * in a bounded arena inside struct filter, so a hostile filter can neither
 * grow memory nor recursion without bound: FILTER_MAX_NODES nodes, so no
 * walk of it recurses deeper; the parser also caps the nesting of "(" and
 * "not" at FILTER_MAX_NEST.  filter_match() is the one user-space evaluator;
 * bc.c compiles the same tree into inet_diag bytecode for the kernel.
 */
#ifndef DUALSTAT_FILTER_H
#define DUALSTAT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

/* The arena: nodes of one tree; how deep "(" and "not" may nest. */
#define FILTER_MAX_NODES 512
#define FILTER_MAX_NEST 100

/* The bit of a mode in a FILTER_MODE node. */
#define FILTER_MODE(m) (1U << (m))
#define FILTER_MODES_ALL ((1U << SOCK_MODE_COUNT) - 1)
/* The modes of AF_INET6 sockets. */
#define FILTER_MODES_INET6 (FILTER_MODES_ALL & ~FILTER_MODE(SOCK_MODE_V4))

struct filter_prefix {
	uint8_t family; /* AF_INET, AF_INET6, or AF_UNSPEC for "*" */
	uint8_t len; /* prefix length in bits */
	uint8_t addr[16]; /* network byte order; bits past len are zero */
};

enum filter_kind {
	FILTER_AND, /* a and b */
	FILTER_OR, /* a or b */
	FILTER_NOT, /* not a */
	FILTER_SPORT, /* local port cmp port */
	FILTER_DPORT, /* peer port cmp port */
	FILTER_SRC, /* local address in prefix, and port if port >= 0 */
	FILTER_DST, /* peer address likewise */
	FILTER_DEV, /* bound to interface value (an ifindex; see ifname) */
	FILTER_AUTOBOUND, /* local port chosen by the kernel (both sides) */
	FILTER_MODE_IN, /* mode among the FILTER_MODE() bits of value */
	FILTER_V6ONLY, /* the kernel reports IPV6_V6ONLY set */
	/* Who holds the socket (owner.h): */
	FILTER_CGROUP, /* its cgroup v2 id is id (kernel and user space) */
	FILTER_UID, /* its owner's uid is value (user space) */
	FILTER_PID, /* process value holds it (user space, owners) */
	FILTER_PROCESS, /* a process named name holds it (likewise) */
	FILTER_NOTHING, /* never holds: a "may be absent" name not found */
};

/* A DEV value no socket has: its name is no device in this namespace
 * (an index is an int, and the kernel's is never -1). */
#define FILTER_DEV_NONE UINT32_MAX
/* The room for an interface name, as IF_NAMESIZE in <net/if.h>. */
#define FILTER_IFNAME_LEN 16

/* Port comparisons the kernel has ops for; the others are their NOTs. */
enum filter_cmp {
	FILTER_EQ,
	FILTER_GE,
	FILTER_LE,
};

struct filter_node {
	uint8_t kind; /* enum filter_kind */
	uint8_t cmp; /* enum filter_cmp, for SPORT and DPORT */
	uint16_t port; /* SPORT, DPORT */
	int32_t hport; /* SRC, DST: the port too, or -1 for any */
	uint32_t value; /* DEV: ifindex; MODE_IN: mode bits; UID, PID */
	uint16_t a, b; /* children (AND, OR: a and b; NOT: a) */
	struct filter_prefix prefix; /* SRC, DST */
	uint64_t id; /* CGROUP */
	char name[16]; /* PROCESS: the comm, NUL-terminated */
	/* DEV given by name: the name, looked up again in each namespace
	 * listed (filter_resolve_devs()); "" for one given by index. */
	char ifname[FILTER_IFNAME_LEN];
};

struct filter {
	uint32_t states; /* idiag_states bits; 0: no state given */
	unsigned int n; /* nodes used */
	bool has_root; /* false: no expression, every socket passes */
	unsigned int root; /* the expression's node, when has_root */
	struct filter_node nodes[FILTER_MAX_NODES];
};

/*
 * Adds a copy of node (a leaf, or an operator whose children are already
 * in f) and returns its index, or -ENOSPC when the arena is full.
 */
int filter_add(struct filter *f, const struct filter_node *node);

/* Adds the operator kind over a (and b) and returns as filter_add(). */
int filter_add_op(struct filter *f, enum filter_kind kind, int a, int b);

/*
 * Makes f's expression "old expression and node i" (or node i alone).
 * Returns 0, or as filter_add().
 */
int filter_and_root(struct filter *f, int i);

/*
 * Parses a comma list of mode names ("v4,dual") and ORs their bits into
 * *modes.  Returns 0, or -EINVAL for an unknown or empty name, which is
 * then copied (NUL-terminated, maybe cut) into bad.
 */
int filter_parse_modes(
    const char *list, unsigned int *modes, char *bad, size_t badlen);

/*
 * Parses a comma list of state names, any case: ss's ("established",
 * "listening", "time-wait"...; the groups "connected", "synchronized",
 * "bucket", "big", "all") and the names the table prints ("ESTAB",
 * "UNCONN", "SYN-RECV"...), and ORs their idiag_states bits into
 * *states.  Errors as for modes.
 */
int filter_parse_states(
    const char *list, uint32_t *states, char *bad, size_t badlen);

/*
 * Parses a port: decimal ("22"), or a service name from /etc/services
 * ("ssh", looked up for proto, "tcp" or "udp", or for both when NULL,
 * never for another protocol), either with a leading ':' as ss writes it.
 * Returns 0, -EINVAL (neither a number nor a known service, or a name
 * whose TCP and UDP ports differ when proto is NULL) or -ERANGE (a number
 * past 65535).
 */
int filter_parse_port(const char *text, const char *proto, uint16_t *port);

/*
 * Parses "ADDR" or "ADDR/LEN", IPv4 (iproute2's short forms too: "10/8",
 * "0/0") or IPv6; host bits past LEN are cleared.  Returns 0, -EINVAL for a malformed address or length, or
 * -ERANGE for a length past 32 (IPv4) or 128 (IPv6).
 */
int filter_parse_prefix(const char *text, struct filter_prefix *p);

/*
 * Parses an ss host condition: "*", a prefix, "[ADDR]" or "[ADDR]/LEN",
 * each maybe followed by ":PORT" or ":*" (an unbracketed IPv6 address
 * takes no port), or ":PORT" alone; "inet:" or "inet6:" first says the
 * address's family.  *port is -1 when none is given or for "*".  Returns
 * 0, -EINVAL or -ERANGE for the address as filter_parse_prefix() (-EINVAL
 * too for an address of the other family), or -ENOENT for a port that is
 * neither a number nor a known service.
 */
int filter_parse_host(const char *text, const char *proto,
    struct filter_prefix *p, int32_t *port);

/*
 * Returns true if the address of a socket of the given family lies in the
 * prefix.  An IPv4 prefix also matches the IPv4-mapped addresses of
 * AF_INET6 sockets, as the kernel's bytecode does; an IPv6 prefix never
 * matches an AF_INET socket; an AF_UNSPEC one matches everything.
 */
bool filter_prefix_match(
    const struct filter_prefix *p, int family, const uint8_t addr[16]);

/*
 * Returns the idiag_states bits in which a socket of the protocol and
 * family can pass the expression (not f->states: the caller intersects):
 * 0 when none can.  The analysis behind query narrowing and the "can
 * never match" refusal.
 */
uint32_t filter_states(const struct filter *f, int protocol, int family);

/* Returns true if the expression has a term of this kind. */
bool filter_has(const struct filter *f, enum filter_kind kind);

/*
 * What user space knows of the socket's network namespace that a term
 * needs: net.ipv4.ip_local_port_range, for autobound.
 */
struct filter_env {
	uint16_t port_lo, port_hi;
};

/*
 * Returns true if the classified socket passes f: its states and its
 * expression.  autobound is two tests, as in ss: the kernel's (no
 * SOCK_BINDPORT_LOCK, which only its bytecode sees; the caller sends it)
 * and user space's, the local port within env's ephemeral range.  With
 * env NULL the user-space half counts as true.  A pid or process term
 * counts as "maybe" (filter_decide() with no owners), and a socket that
 * maybe passes passes.
 */
bool filter_match_env(const struct filter *f, const struct filter_env *env,
    const struct sock_entry *sk);

/* filter_match_env() with no env. */
bool filter_match(const struct filter *f, const struct sock_entry *sk);

/* One process holding a socket; comm is untrusted, not NUL-terminated. */
struct filter_owner {
	int pid;
	const char *comm;
	size_t comm_len;
};

enum filter_answer {
	FILTER_NO,
	FILTER_YES,
	FILTER_MAYBE,
};

/*
 * Decides f for the classified socket, in a namespace env (see
 * filter_match_env()), held by the n owners o (n may be 0:
 * nobody was found holding it), or, with o NULL, before its owners are
 * known: then the pid and process terms are "maybe" and so may be the
 * answer (three-valued: "not maybe" is maybe, "no and maybe" is no, "yes
 * or maybe" is yes).  With o given the answer is never FILTER_MAYBE.
 */
enum filter_answer filter_decide(const struct filter *f,
    const struct filter_env *env, const struct sock_entry *sk,
    const struct filter_owner *o, size_t n);

/* Returns true if f has a pid or process term (it needs the owners). */
bool filter_needs_owners(const struct filter *f);

/*
 * Sets the value of every DEV term given by name to index_of(name) (such
 * as if_nametoindex(3), called in the namespace to list), or to
 * FILTER_DEV_NONE where index_of returns 0: a namespace without that
 * device has no socket bound to it.  Returns true if any value changed;
 * *missing (when not NULL) is the first name not found there, or NULL.
 */
bool filter_resolve_devs(struct filter *f,
    unsigned int (*index_of)(const char *name), const char **missing);

/* Returns true if the filter selects every socket (nothing was given). */
bool filter_is_empty(const struct filter *f);

#endif
