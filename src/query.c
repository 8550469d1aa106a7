/*
 * query.c - turn the options into sock_diag requests (-t -u -M -S -w -A
 * -4 -6 -l -a, and the filters: -m --state --sport --dport --src --dst)
 *
 * The kernel does as much of the selecting as it can: a family no socket
 * of which can match is not dumped (-m v4 needs no AF_INET6 dump), the
 * states are narrowed to those the modes can be in (-m dual: LISTEN and
 * CLOSE only), and the rest becomes bytecode (bc.c).  listing.c checks
 * every socket again with filter_match(), which also sees v6only.
 */
#include "config.h"

#include <netinet/in.h>
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

/* The states one dump asks for; 0 if none can match. */
static uint32_t
step_states(const struct options *opts, int protocol, int family)
{
	const struct filter *f = &opts->filter;
	unsigned int modes = f->modes;
	uint32_t states;

	states = f->states != 0 ? with_bound_inactive(protocol, f->states)
				: query_states(opts->view, protocol);
	if (modes != 0) {
		modes &= family == AF_INET ? FILTER_MODE(SOCK_MODE_V4)
					   : FILTER_MODES_INET6;
		if (modes == 0)
			return 0;
		states &=
		    with_bound_inactive(protocol, filter_mode_states(modes));
	}
	return states;
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
	 * first, so that their TCP subflows are not listed again.
	 */
	static const int protocols[] = { SOCK_IPPROTO_MPTCP, IPPROTO_TCP,
		IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_RAW };
	static const int families[] = { AF_INET, AF_INET6 };
	int len[2];
	size_t n = 0, p, f;

	/*
	 * The program depends on the family alone.  One that does not fit
	 * (it cannot, within FILTER_MAX) is left out: user space filters
	 * anyway, so the result is the same, only slower.
	 */
	for (f = 0; f < 2; f++) {
		len[f] = bc_compile(&opts->filter, families[f], bc->prog[f],
		    sizeof(bc->prog[f]));
		if (len[f] < 0)
			len[f] = 0;
	}

	for (p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++) {
		if (!wanted(opts, protocols[p]))
			continue;
		for (f = 0; f < 2; f++) {
			uint32_t states;

			if (families[f] == AF_INET ? !opts->inet : !opts->inet6)
				continue;
			if (!protos_has(loaded, protocols[p], families[f]))
				continue;
			if (!filter_wants_family(&opts->filter, families[f]))
				continue;
			states = step_states(opts, protocols[p], families[f]);
			if (states == 0)
				continue;
			memset(&steps[n], 0, sizeof(steps[n]));
			steps[n].family = (uint8_t)families[f];
			steps[n].protocol = (uint16_t)protocols[p];
			steps[n].states = states;
			if (len[f] > 0) {
				steps[n].bytecode = bc->prog[f];
				steps[n].bytecode_len = (size_t)len[f];
			}
			n++;
		}
	}
	return n;
}
