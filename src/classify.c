/*
 * classify.c - the mode of a socket (the Mode column, -m in later filters)
 *
 * The rules are applied in order; the first that fits decides:
 *
 *   v4      an AF_INET socket;
 *   v6only  an AF_INET6 socket of a protocol whose row (protos[] below)
 *           allows no other mode: raw, to which the kernel never hands
 *           IPv4 packets, whatever its v6only flag and address say;
 *   mapped  an AF_INET6 socket whose local or peer address is IPv4-mapped:
 *           IPv4 traffic on an IPv6 socket; for SCTP, any of its local or
 *           peer addresses (a multi-homed association may carry IPv4 on
 *           some paths only);
 *   v6only  an AF_INET6 socket the kernel reports IPV6_V6ONLY set on;
 *   dual    an AF_INET6 socket with IPV6_V6ONLY clear, bound to "::": it
 *           takes IPv4 and IPv6;
 *   v6      any other AF_INET6 socket (native IPv6 traffic on a socket whose
 *           v6only flag the kernel does not report).
 *
 * Binding to a specific, non-mapped IPv6 address makes the kernel set
 * v6only by itself (net/ipv6/af_inet6.c, __inet6_bind()), so a v6only of 0
 * outside "::" is only seen on mapped sockets.
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "sock.h"

static const char *const state_names[] = {
	[0] = "UNKNOWN",
	[1] = "ESTAB",
	[2] = "SYN-SENT",
	[3] = "SYN-RECV",
	[4] = "FIN-WAIT-1",
	[5] = "FIN-WAIT-2",
	[6] = "TIME-WAIT",
	[7] = "UNCONN",
	[8] = "CLOSE-WAIT",
	[9] = "LAST-ACK",
	[10] = "LISTEN",
	[11] = "CLOSING",
	/* Request sockets; the kernel reports them as SYN-RECV anyway. */
	[12] = "SYN-RECV",
	/* SCTP associations, named as ss names them. */
	[SOCK_STATE_SCTP_BASE + 0] = "CLOSED",
	[SOCK_STATE_SCTP_BASE + 1] = "COOKIE-WAIT",
	[SOCK_STATE_SCTP_BASE + 2] = "COOKIE-ECHOED",
	[SOCK_STATE_SCTP_BASE + 3] = "ESTAB",
	[SOCK_STATE_SCTP_BASE + 4] = "SHUTDOWN-PENDING",
	[SOCK_STATE_SCTP_BASE + 5] = "SHUTDOWN-SENT",
	[SOCK_STATE_SCTP_BASE + 6] = "SHUTDOWN-RECV",
	[SOCK_STATE_SCTP_BASE + 7] = "ACK-SENT",
};

/* The TCP state each SCTP association state answers to in filters. */
static const uint8_t sctp_as_tcp[SOCK_STATE_SCTP_MAX + 1] = {
	TCP_CLOSE,
	TCP_SYN_SENT,
	TCP_SYN_SENT,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT1,
};

static const char *const mode_names[SOCK_MODE_COUNT] = {
	[SOCK_MODE_V4] = "v4",
	[SOCK_MODE_V6] = "v6",
	[SOCK_MODE_V6ONLY] = "v6only",
	[SOCK_MODE_DUAL] = "dual",
	[SOCK_MODE_MAPPED] = "mapped",
};

#define B(s) SOCK_STATE_BIT(s)
/* Every state a TCP-like socket can be selected by. */
#define ANY_STATES SOCK_STATES_ALL
/* A UDP or raw socket is connected (ESTABLISHED) or not (CLOSE). */
#define DGRAM_STATES (B(TCP_ESTABLISHED) | B(TCP_CLOSE))

/*
 * An AF_INET6 socket of these carries IPv4 when mapped, is v6 otherwise,
 * and is v6only or dual only where the kernel reports the flag.
 */
#define INET6_MODES(states) \
	{ \
		[SOCK_MODE_V6] = (states), \
		[SOCK_MODE_V6ONLY] = (states)&SOCK_V6ONLY_STATES, \
		[SOCK_MODE_DUAL] = (states)&SOCK_V6ONLY_STATES, \
		[SOCK_MODE_MAPPED] = (states), \
	}

static const struct sock_proto protos[] = {
	/* TCP in CLOSE: bound-inactive (bit 13, Linux 6.8+). */
	{ IPPROTO_TCP, ANY_STATES | B(SOCK_STATE_BOUND_INACTIVE),
	    INET6_MODES(ANY_STATES | B(SOCK_STATE_BOUND_INACTIVE)) },
	{ IPPROTO_UDP, DGRAM_STATES, INET6_MODES(DGRAM_STATES) },
	{ SOCK_IPPROTO_MPTCP, ANY_STATES, INET6_MODES(ANY_STATES) },
	/* Associations answer to the TCP state closest to theirs. */
	{ IPPROTO_SCTP, ANY_STATES, INET6_MODES(ANY_STATES) },
	/*
	 * The kernel never hands IPv4 packets to an AF_INET6 raw socket
	 * (net/ipv4/raw.c delivers them to AF_INET raw sockets only): it
	 * is v6only in every state, whatever its flag and address say.
	 */
	{ IPPROTO_RAW, DGRAM_STATES, { [SOCK_MODE_V6ONLY] = DGRAM_STATES } },
};

const struct sock_proto *
sock_proto_find(int protocol)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].protocol == protocol)
			return &protos[i];
	return NULL;
}

uint32_t
sock_mode_states(int protocol, int family, unsigned int modes)
{
	const struct sock_proto *p = sock_proto_find(protocol);
	uint32_t states = 0;
	unsigned int m;

	if (p == NULL)
		return 0;
	if (family != AF_INET6)
		return (modes & SOCK_MODE_BIT(SOCK_MODE_V4)) != 0 ? p->states
								  : 0;
	for (m = 0; m < SOCK_MODE_COUNT; m++)
		if ((modes & SOCK_MODE_BIT(m)) != 0)
			states |= p->inet6_mode_states[m];
	return states;
}

unsigned int
sock_proto_modes(int protocol, int family)
{
	unsigned int m, modes = 0;

	for (m = 0; m < SOCK_MODE_COUNT; m++)
		if (sock_mode_states(protocol, family, SOCK_MODE_BIT(m)) != 0)
			modes |= SOCK_MODE_BIT(m);
	return modes;
}

const char *
sock_state_name(unsigned int state)
{
	if (state >= sizeof(state_names) / sizeof(state_names[0]) ||
	    state_names[state] == NULL)
		return "UNKNOWN";
	return state_names[state];
}

uint32_t
sock_state_bits(const struct sock_entry *sk)
{
	unsigned int state = sk->state;
	uint32_t bits;

	if (state >= SOCK_STATE_SCTP_BASE &&
	    state <= SOCK_STATE_SCTP_BASE + SOCK_STATE_SCTP_MAX)
		state = sctp_as_tcp[state - SOCK_STATE_SCTP_BASE];
	bits = state < 32 ? SOCK_STATE_BIT(state) : 0;
	if (state == TCP_SYN_RECV)
		bits |= SOCK_STATE_BIT(SOCK_STATE_NEW_SYN_RECV);
	if (state == TCP_CLOSE && sk->protocol == IPPROTO_TCP)
		bits |= SOCK_STATE_BIT(SOCK_STATE_BOUND_INACTIVE);
	return bits;
}

const char *
sock_mode_name(enum sock_mode mode)
{
	if ((unsigned int)mode >= SOCK_MODE_COUNT)
		return "unknown";
	return mode_names[mode];
}

bool
sock_addr_is_mapped(const uint8_t addr[16])
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };

	return memcmp(addr, prefix, sizeof(prefix)) == 0;
}

bool
sock_addr_is_any6(const uint8_t addr[16])
{
	static const uint8_t any[16];

	return memcmp(addr, any, sizeof(any)) == 0;
}

bool
sock_is_mapped(const struct sock_entry *sk)
{
	unsigned int i;

	if (sk->family != AF_INET6)
		return false;
	if (sock_addr_is_mapped(sk->local_addr) ||
	    sock_addr_is_mapped(sk->peer_addr))
		return true;
	for (i = 0; i < sk->nlocal && i < SOCK_ADDRS_MAX; i++)
		if (sock_addr_is_mapped(sk->local_addrs[i]))
			return true;
	for (i = 0; i < sk->npeer && i < SOCK_ADDRS_MAX; i++)
		if (sock_addr_is_mapped(sk->peer_addrs[i]))
			return true;
	return false;
}

enum sock_mode
sock_classify(struct sock_entry *sk)
{
	enum sock_mode mode;

	if (sk->family != AF_INET6)
		mode = SOCK_MODE_V4;
	else if (sock_proto_modes(sk->protocol, AF_INET6) ==
	    SOCK_MODE_BIT(SOCK_MODE_V6ONLY))
		mode = SOCK_MODE_V6ONLY; /* raw: see protos[] */
	else if (sock_is_mapped(sk))
		mode = SOCK_MODE_MAPPED;
	else if (sk->v6only == SOCK_V6ONLY_YES)
		mode = SOCK_MODE_V6ONLY;
	else if (sk->v6only == SOCK_V6ONLY_NO &&
	    sock_addr_is_any6(sk->local_addr))
		mode = SOCK_MODE_DUAL;
	else
		mode = SOCK_MODE_V6;
	sk->mode = mode;
	return mode;
}

bool
sock_has_owner(const struct sock_entry *sk)
{
	/* The kernel's sock_i_ino() is 0 for a sock without a struct
	 * socket, and only a descriptor holds one.  Time-wait and request
	 * mini-sockets report inode 0 and uid 0 (inet_twsk_diag_fill(),
	 * inet_req_diag_fill()), a FIN-WAIT-2 after close() is such a
	 * time-wait sock (tcp_time_wait(), substate TCP_FIN_WAIT2), and an
	 * orphan or a connection still in the accept queue has no socket. */
	return sk->inode != 0;
}

bool
sock_has_no_peer(const struct sock_entry *sk)
{
	/* An AF_INET address fills 4 bytes; the rest are zero. */
	return sk->peer_port == 0 && sock_addr_is_any6(sk->peer_addr);
}
