/*
 * query.c - turn the options into sock_diag requests (-t -u -M -S -w -A
 * -4 -6 -l -a, and the filter: the FILTER argument, -F, -m --state
 * --sport --dport --src --dst), and refuse a filter that can never match
 *
 * The kernel does as much of the selecting as it can: a family no socket
 * of which can match is not dumped (mode v4 needs no AF_INET6 dump), the
 * states are narrowed to those the expression can hold in (mode dual:
 * LISTEN and CLOSE only; a peer port narrows nothing, as no state
 * guarantees one), and the rest becomes
 * bytecode (bc.c).  listing.c checks every socket again with
 * filter_match(), which also sees the modes and v6only.  When that
 * analysis leaves no request to send, query_check() refuses the filter:
 * an audit must not answer a confident "nothing" to a mistyped policy.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "protos.h"
#include "query.h"
#include "sock.h"

#define STATE_BIT(s) SOCK_STATE_BIT(s)

/*
 * TCP sockets reported in CLOSE are the bound-inactive ones, which the
 * kernel walks its bind hash for only when bit 13 is asked for (Linux
 * 6.8+; older kernels ignore it): asking TCP for CLOSE means asking for
 * them.  The bit means nothing to other protocols: it is not sent there.
 */
static uint32_t
with_bound_inactive(int protocol, uint32_t states)
{
	const uint32_t bit = STATE_BIT(SOCK_STATE_BOUND_INACTIVE);

	if (protocol != IPPROTO_TCP)
		return states & ~bit;
	if ((states & STATE_BIT(TCP_CLOSE)) != 0)
		states |= bit;
	return states;
}

uint32_t
query_states(enum cli_view view, int protocol)
{
	uint32_t hidden;

	switch (view) {
	case CLI_VIEW_LISTENING:
		/*
		 * TCP and MPTCP: LISTEN alone.  Asking for CLOSE as well
		 * would make the kernel walk the established hash for
		 * nothing (net/ipv4/inet_diag.c, inet_diag_dump_icsk()), and
		 * ss -l leaves bound-inactive sockets out too.  UDP and raw
		 * have no listeners: their "listening" sockets are the
		 * unconnected ones.  SCTP endpoints are LISTEN or CLOSE.
		 */
		if (protocol == IPPROTO_TCP || protocol == SOCK_IPPROTO_MPTCP)
			return STATE_BIT(TCP_LISTEN);
		if (protocol == IPPROTO_SCTP)
			return STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE);
		return STATE_BIT(TCP_CLOSE);
	case CLI_VIEW_ALL:
		/* As current ss -a: bound-inactive TCP sockets too. */
		return with_bound_inactive(protocol, SOCK_STATES_ALL);
	case CLI_VIEW_CONNECTED:
	default:
		/* ss's default: everything but these. */
		hidden = STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE) |
		    STATE_BIT(TCP_TIME_WAIT) | STATE_BIT(TCP_SYN_RECV) |
		    STATE_BIT(SOCK_STATE_NEW_SYN_RECV);
		return SOCK_STATES_ALL & ~hidden;
	}
}

uint32_t
query_proto_states(int protocol)
{
	const struct sock_proto *row = sock_proto_find(protocol);

	return row != NULL ? row->states : 0;
}

/* The states asked for, before the filter: --state/state, or the view. */
static uint32_t
asked_states(const struct options *opts, int protocol)
{
	const struct filter *f = &opts->filter;

	return (f->states != 0 ? with_bound_inactive(protocol, f->states)
			       : query_states(opts->view, protocol)) &
	    query_proto_states(protocol);
}

/* The states the filter can hold in, as sent for the protocol. */
static uint32_t
filter_states_for(const struct options *opts, int protocol, int family)
{
	return with_bound_inactive(
	    protocol, filter_states(&opts->filter, protocol, family));
}

uint32_t
query_step_states(const struct options *opts, int protocol, int family)
{
	if (family == AF_INET ? !opts->inet : !opts->inet6)
		return 0;
	return asked_states(opts, protocol) &
	    filter_states_for(opts, protocol, family);
}

/* Whether the command line asks for the protocol (-t -u -M -S -w -A). */
static bool
wanted(const struct options *opts, int protocol)
{
	switch (protocol) {
	case IPPROTO_TCP:
		return opts->tcp;
	case IPPROTO_UDP:
		return opts->udp;
	case SOCK_IPPROTO_MPTCP:
		return opts->mptcp;
	case IPPROTO_SCTP:
		return opts->sctp;
	case IPPROTO_RAW:
		return opts->raw;
	default:
		return false;
	}
}

size_t
query_plan(const struct options *opts, uint32_t loaded,
    struct diag_request steps[QUERY_MAX_STEPS], struct query_bc *bc)
{
	/*
	 * MPTCP before TCP: listing.c learns the MPTCP sockets' inodes
	 * first, so that their TCP subflows are not listed again.  Every
	 * MPTCP socket, whatever the filter and the families: a subflow
	 * is hidden by its parent, which a filter or -4/-6 must not take
	 * away (an AF_INET6 MPTCP socket may have AF_INET subflows), and
	 * the kernel's program would test the MPTCP socket where only the
	 * subflow carries the fact (autobound's bind lock).  listing.c
	 * judges their rows in user space (query_step_states()).
	 */
	static const int protocols[] = { SOCK_IPPROTO_MPTCP, IPPROTO_TCP,
		IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_RAW };
	static const int families[] = { AF_INET, AF_INET6 };
	int len[2];
	size_t n = 0, p, f;

	/*
	 * The program depends on the family alone.  One too long for the
	 * request is left out: user space filters anyway, so the result is
	 * the same, only slower.
	 */
	for (f = 0; f < 2; f++) {
		len[f] = bc_compile(&opts->filter, families[f], bc->prog[f],
		    sizeof(bc->prog[f]), NULL);
		if (len[f] < 0)
			len[f] = 0;
	}

	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++) {
		/*
		 * The program's mode terms assume the usual rule (mapped:
		 * an IPv4-mapped end; bc.c, kt_modes6()).  A protocol whose
		 * row says otherwise (raw IPv6: v6only whatever its
		 * addresses) gets no program there: user space judges it.
		 */
		bool own_modes = sock_proto_modes(protocols[p], AF_INET6) !=
			FILTER_MODES_INET6 &&
		    (filter_has(&opts->filter, FILTER_MODE_IN) ||
			filter_has(&opts->filter, FILTER_V6ONLY));

		if (!wanted(opts, protocols[p]))
			continue;
		for (f = 0; f < 2; f++) {
			bool whole = protocols[p] == SOCK_IPPROTO_MPTCP;
			bool no_prog =
			    whole || (own_modes && families[f] == AF_INET6);
			uint32_t states;

			if (!protos_has(loaded, protocols[p], families[f]))
				continue;
			states = whole ? query_proto_states(protocols[p])
				       : query_step_states(
					     opts, protocols[p], families[f]);
			if (states == 0)
				continue;
			memset(&steps[n], 0, sizeof(steps[n]));
			steps[n].family = (uint8_t)families[f];
			steps[n].protocol = (uint16_t)protocols[p];
			steps[n].states = states;
			if (len[f] > 0 && !no_prog) {
				steps[n].bytecode = bc->prog[f];
				steps[n].bytecode_len = (size_t)len[f];
			}
			n++;
		}
	}
	return n;
}

static int
refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * The names of the states in bits, as the table prints them, each once:
 * request sockets (bit 12) are SYN-RECV like bit 3, and bit 13, which no
 * socket is reported in, is named as --state names it.
 */
static const char *
state_names(uint32_t bits, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int s;

	buf[0] = '\0';
	if (bits & STATE_BIT(SOCK_STATE_NEW_SYN_RECV))
		bits = (bits & ~STATE_BIT(SOCK_STATE_NEW_SYN_RECV)) |
		    STATE_BIT(TCP_SYN_RECV);
	for (s = 1; s < 32; s++) {
		const char *name = s == SOCK_STATE_BOUND_INACTIVE
		    ? "BOUND-INACTIVE"
		    : sock_state_name(s);

		if (!(bits & STATE_BIT(s)))
			continue;
		used +=
		    (size_t)snprintf(buf + used, used < len ? len - used : 0,
			"%s%s", used > 0 ? ", " : "", name);
	}
	return buf;
}

int
query_check(const struct options *opts, char *err, size_t errlen)
{
	static const struct {
		int protocol;
		const char *name;
	} protocols[] = { { IPPROTO_TCP, "tcp" }, { IPPROTO_UDP, "udp" },
		{ SOCK_IPPROTO_MPTCP, "mptcp" }, { IPPROTO_SCTP, "sctp" },
		{ IPPROTO_RAW, "raw" } };
	const struct filter *f = &opts->filter;
	struct query_bc *bc;
	uint32_t asked = 0, fam_states = 0;
	char names[200], protos[64] = "";
	size_t p;
	int fam;

	/*
	 * autobound is two tests, as in ss: the kernel's program tests the
	 * bind lock, which user space cannot see, and user space the port
	 * range.  A replay has no kernel; MPTCP's program would test the
	 * MPTCP socket, whose lock only its subflow carries.
	 */
	if (filter_has(f, FILTER_AUTOBOUND) && opts->replay != NULL)
		return refuse(err, errlen,
		    "filter: autobound cannot be judged in a replay (the "
		    "kernel tests the socket's bind lock, which a recording "
		    "does not keep)");
	if (filter_has(f, FILTER_AUTOBOUND) && opts->mptcp)
		return refuse(err, errlen,
		    "filter: autobound cannot judge MPTCP sockets (the "
		    "kernel would test the MPTCP socket's bind lock, which "
		    "only its subflows carry): name the protocols, e.g. -t "
		    "-u");
	bc = malloc(sizeof(*bc));
	if (bc == NULL)
		return -ENOMEM;
	/*
	 * autobound's kernel half: the kernel alone must decide the rest
	 * of the expression too, so the program must be exact.
	 */
	if (filter_has(f, FILTER_AUTOBOUND)) {
		for (fam = AF_INET; fam <= AF_INET6;
		     fam += AF_INET6 - AF_INET) {
			bool exact;

			if (bc_compile(f, fam, bc->prog[0], sizeof(bc->prog[0]),
				&exact) < 0 ||
			    !exact) {
				free(bc);
				return refuse(err, errlen,
				    "filter: autobound cannot be combined with "
				    "terms only dualstat decides (mode, v6only, "
				    "uid, user, pid, process), nor in a filter "
				    "too long for the kernel (only the kernel "
				    "sees autobound's bind lock)");
			}
		}
	}
	free(bc);
	/* Whatever the kernel has loaded: the filter alone is judged. */
	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++)
		for (fam = AF_INET; fam <= AF_INET6; fam += AF_INET6 - AF_INET)
			if (wanted(opts, protocols[p].protocol) &&
			    query_step_states(
				opts, protocols[p].protocol, fam) != 0)
				return 0;

	/* Nothing to ask for: say why, from the same analysis. */
	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++) {
		if (!wanted(opts, protocols[p].protocol))
			continue;
		for (fam = AF_INET; fam <= AF_INET6; fam += AF_INET6 - AF_INET)
			if (fam == AF_INET ? opts->inet : opts->inet6)
				fam_states |= filter_states(
				    f, protocols[p].protocol, fam);
		asked |= asked_states(opts, protocols[p].protocol);
		snprintf(protos + strlen(protos),
		    sizeof(protos) - strlen(protos), "%s%s",
		    protos[0] != '\0' ? " or " : "", protocols[p].name);
	}
	if (fam_states == 0)
		return refuse(err, errlen,
		    "the filter can never match: no %s socket passes it",
		    opts->inet && opts->inet6 ? "AF_INET or AF_INET6"
			: opts->inet	      ? "AF_INET (-4)"
					      : "AF_INET6 (-6)");
	if (asked == 0)
		return refuse(err, errlen,
		    "the filter can never match: no %s socket is ever in "
		    "the states asked for (%s)",
		    protos, state_names(f->states, names, sizeof(names)));
	if (f->states != 0)
		return refuse(err, errlen,
		    "the filter can never match in the states asked for (%s)",
		    state_names(asked, names, sizeof(names)));
	return refuse(err, errlen, "the filter can never match %s",
	    opts->view == CLI_VIEW_LISTENING ? "the listening sockets -l asks "
					       "for"
		: opts->view == CLI_VIEW_ALL ? "any socket"
					     : "the connected sockets listed "
					       "by default (add -l or -a)");
}
