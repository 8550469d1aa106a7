/*
 * filter.c - parse and match the socket filters (-m, --state, --sport,
 * --dport, --src, --dst)
 *
 * filter_match() must select exactly what the kernel's bytecode (bc.c) and
 * idiag_states select, plus what only user space can see (v6only), so a
 * socket is judged the same whichever side filters it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "num.h"

#define STATE_BIT(s) SOCK_STATE_BIT(s)

/* Sockets the kernel reports v6only for: LISTEN and CLOSE (UNCONN). */
#define V6ONLY_STATES \
	(STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE) | \
	    STATE_BIT(SOCK_STATE_BOUND_INACTIVE))

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
 * ss(8)'s state names and groups.  Request sockets (TCP_NEW_SYN_RECV) are
 * reported as SYN-RECV, so that name selects both.
 */
#define S_SYN_RECV \
	(STATE_BIT(TCP_SYN_RECV) | STATE_BIT(SOCK_STATE_NEW_SYN_RECV))
#define S_CONNECTED \
	(SOCK_STATES_ALL & ~(STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE)))
#define S_BUCKET (S_SYN_RECV | STATE_BIT(TCP_TIME_WAIT))

static const struct name_bits state_names[] = {
	{ "established", STATE_BIT(TCP_ESTABLISHED) },
	{ "syn-sent", STATE_BIT(TCP_SYN_SENT) },
	{ "syn-recv", S_SYN_RECV },
	{ "fin-wait-1", STATE_BIT(TCP_FIN_WAIT1) },
	{ "fin-wait-2", STATE_BIT(TCP_FIN_WAIT2) },
	{ "time-wait", STATE_BIT(TCP_TIME_WAIT) },
	{ "closed", STATE_BIT(TCP_CLOSE) },
	{ "bound-inactive", STATE_BIT(SOCK_STATE_BOUND_INACTIVE) },
	{ "unconn", STATE_BIT(TCP_CLOSE) },
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
parse_list(const char *list, const struct name_bits *table, uint32_t *bits,
    char *bad, size_t badlen)
{
	uint32_t acc = 0;
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ",");
		const struct name_bits *nb;

		for (nb = table; nb->name != NULL; nb++)
			if (strlen(nb->name) == n &&
			    strncmp(nb->name, p, n) == 0)
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

	ret = parse_list(list, mode_names, &bits, bad, badlen);
	if (ret == 0)
		*modes |= bits;
	return ret;
}

int
filter_parse_states(
    const char *list, uint32_t *states, char *bad, size_t badlen)
{
	return parse_list(list, state_names, states, bad, badlen);
}

int
filter_parse_port(const char *text, uint16_t *port)
{
	unsigned long v;
	int ret;

	ret = num_parse_ulong(text, 65535, &v);
	if (ret == 0)
		*port = (uint16_t)v;
	return ret;
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
	if (p->family == family)
		return bits_equal(addr, p->addr, p->len);
	if (p->family == AF_INET && family == AF_INET6)
		return sock_addr_is_mapped(addr) &&
		    bits_equal(addr + 12, p->addr, p->len);
	return false;
}

uint32_t
filter_mode_states(unsigned int modes)
{
	const unsigned int anywhere = FILTER_MODE(SOCK_MODE_V4) |
	    FILTER_MODE(SOCK_MODE_V6) | FILTER_MODE(SOCK_MODE_MAPPED);

	/* dual and v6only need the v6only flag, reported only there. */
	if (modes == 0 || (modes & anywhere) != 0)
		return SOCK_STATES_ALL | STATE_BIT(SOCK_STATE_BOUND_INACTIVE);
	return V6ONLY_STATES;
}

/* True if some prefix of the list can match a socket of the family. */
static bool
prefixes_want_family(const struct filter_prefix *p, unsigned int n, int family)
{
	unsigned int i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (p[i].family == family || family == AF_INET6)
			return true;
	return false;
}

bool
filter_wants_family(const struct filter *f, int family)
{
	unsigned int family_modes =
	    family == AF_INET ? FILTER_MODE(SOCK_MODE_V4) : FILTER_MODES_INET6;

	if (f->modes != 0 && (f->modes & family_modes) == 0)
		return false;
	return prefixes_want_family(f->srcs, f->nsrcs, family) &&
	    prefixes_want_family(f->dsts, f->ndsts, family);
}

static bool
port_in(const uint16_t *ports, unsigned int n, uint16_t port)
{
	unsigned int i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static bool
addr_in(const struct filter_prefix *p, unsigned int n, int family,
    const uint8_t addr[16])
{
	unsigned int i;

	if (n == 0)
		return true;
	for (i = 0; i < n; i++)
		if (filter_prefix_match(&p[i], family, addr))
			return true;
	return false;
}

bool
filter_match(const struct filter *f, const struct sock_entry *sk)
{
	if (f->modes != 0 && (f->modes & FILTER_MODE(sk->mode)) == 0)
		return false;
	if (f->states != 0 && (f->states & sock_state_bits(sk)) == 0)
		return false;
	return port_in(f->sports, f->nsports, sk->local_port) &&
	    port_in(f->dports, f->ndports, sk->peer_port) &&
	    addr_in(f->srcs, f->nsrcs, sk->family, sk->local_addr) &&
	    addr_in(f->dsts, f->ndsts, sk->family, sk->peer_addr);
}

bool
filter_is_empty(const struct filter *f)
{
	return f->modes == 0 && f->states == 0 && f->nsports == 0 &&
	    f->ndports == 0 && f->nsrcs == 0 && f->ndsts == 0;
}
