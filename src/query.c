/*
 * query.c - turn the options into sock_diag requests (-t -u -4 -6 -l -a)
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "query.h"
#include "sock.h"

#define STATE_BIT(s) (1U << (s))

uint32_t
query_states(enum cli_view view, int protocol)
{
	uint32_t hidden;

	switch (view) {
	case CLI_VIEW_LISTENING:
		/*
		 * TCP: LISTEN alone.  Asking for CLOSE as well would make the
		 * kernel walk the established hash for nothing
		 * (net/ipv4/inet_diag.c, inet_diag_dump_icsk()).  UDP has no
		 * listeners: its "listening" sockets are the unconnected ones.
		 */
		return protocol == IPPROTO_TCP ? STATE_BIT(TCP_LISTEN)
					       : STATE_BIT(TCP_CLOSE);
	case CLI_VIEW_ALL:
		return SOCK_STATES_ALL;
	case CLI_VIEW_CONNECTED:
	default:
		/* ss's default: everything but these. */
		hidden = STATE_BIT(TCP_LISTEN) | STATE_BIT(TCP_CLOSE) |
		    STATE_BIT(TCP_TIME_WAIT) | STATE_BIT(TCP_SYN_RECV) |
		    STATE_BIT(12); /* TCP_NEW_SYN_RECV, request sockets */
		return SOCK_STATES_ALL & ~hidden;
	}
}

size_t
query_plan(
    const struct options *opts, struct diag_request steps[QUERY_MAX_STEPS])
{
	static const int protocols[] = { IPPROTO_TCP, IPPROTO_UDP };
	static const int families[] = { AF_INET, AF_INET6 };
	size_t n = 0, p, f;

	for (p = 0; p < 2; p++) {
		if (protocols[p] == IPPROTO_TCP ? !opts->tcp : !opts->udp)
			continue;
		for (f = 0; f < 2; f++) {
			if (families[f] == AF_INET ? !opts->inet : !opts->inet6)
				continue;
			memset(&steps[n], 0, sizeof(steps[n]));
			steps[n].family = (uint8_t)families[f];
			steps[n].protocol = (uint8_t)protocols[p];
			steps[n].states =
			    query_states(opts->view, protocols[p]);
			n++;
		}
	}
	return n;
}
