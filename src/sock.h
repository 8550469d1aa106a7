/*
 * sock.h - struct sock_entry, the one type every dualstat module shares
 *
 * A sock_entry is a plain copy of what dualstat keeps of one socket the
 * kernel reported.  It holds no pointer into a receive buffer and needs no
 * libmnl header, so filters, writers and tests can use it freely.
 */
#ifndef DUALSTAT_SOCK_H
#define DUALSTAT_SOCK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The kernel reports INET_DIAG_SKV6ONLY only for AF_INET6 sockets in LISTEN
 * or CLOSE state (net/ipv4/inet_diag.c, inet_diag_msg_attrs_fill()), so the
 * flag has three values: "absent" means unknown, not false.
 */
enum sock_v6only {
	SOCK_V6ONLY_UNKNOWN = -1,
	SOCK_V6ONLY_NO = 0,
	SOCK_V6ONLY_YES = 1,
};

/* The mode dualstat puts on every socket; see classify.c for the rules. */
enum sock_mode {
	SOCK_MODE_V4,
	SOCK_MODE_V6,
	SOCK_MODE_V6ONLY,
	SOCK_MODE_DUAL,
	SOCK_MODE_MAPPED,
	SOCK_MODE_COUNT,
};

/* IPPROTO_MPTCP (include/uapi/linux/in.h); older libc headers lack it. */
#define SOCK_IPPROTO_MPTCP 262

/* SCTP: how many of a socket's local or peer addresses an entry keeps. */
#define SOCK_ADDRS_MAX 16

struct sock_entry {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t state; /* TCP_* (SCTP: SCTP_STATE_*) number, as sent */
	int8_t v6only; /* enum sock_v6only */
	/* IPPROTO_TCP, _UDP, _SCTP, _RAW (the raw dump; the socket's own
	 * protocol is local_port), or SOCK_IPPROTO_MPTCP, which is wider
	 * than the u8 protocol fields of sock_diag. */
	uint16_t protocol;
	uint16_t local_port; /* host byte order */
	uint16_t peer_port; /* host byte order */
	/* Network byte order; an AF_INET address fills the first 4 bytes. */
	uint8_t local_addr[16];
	uint8_t peer_addr[16];
	/* 0 if no descriptor holds it: TIME-WAIT (and FIN-WAIT-2 after
	 * close), request sockets, connections not yet accepted. */
	uint32_t inode;
	uint32_t uid;
	/* The cgroup v2 id of the socket (INET_DIAG_CGROUP_ID: the inode
	 * of its cgroup directory), 0 when not reported: sockets that are
	 * not full ones, kernels before 5.7. */
	uint64_t cgroup_id;
	uint32_t ifindex; /* bound device, 0 if none */
	enum sock_mode mode; /* filled in by sock_classify() */
	/* idiag_rqueue, idiag_wqueue: queued bytes; for a listener, the
	 * accept queue and its backlog (net/ipv4/tcp_diag.c,
	 * tcp_diag_get_info()). */
	uint32_t recv_q;
	uint32_t send_q;
	/*
	 * SCTP only (0 otherwise): every local and peer address of a
	 * multi-homed endpoint or association (INET_DIAG_LOCALS/PEERS), at
	 * most SOCK_ADDRS_MAX each; local_addr and peer_addr hold the
	 * primary ones.  An IPv4 address of an AF_INET6 socket is kept
	 * IPv4-mapped.  Only the first n_ of each array are set.
	 */
	uint8_t nlocal, npeer;
	uint8_t local_addrs[SOCK_ADDRS_MAX][16];
	uint8_t peer_addrs[SOCK_ADDRS_MAX][16];
};

/* The idiag_states bit that selects TCP state s in a dump request. */
#define SOCK_STATE_BIT(s) (1U << (s))

/*
 * Request sockets (a SYN received, no full socket yet) are selected by
 * this state (TCP_NEW_SYN_RECV, include/net/tcp_states.h) but reported as
 * TCP_SYN_RECV (net/ipv4/inet_diag.c, inet_req_diag_fill()).
 */
#define SOCK_STATE_NEW_SYN_RECV 12

/*
 * Mask of every state a dump can select: TCP_ESTABLISHED (1) up to
 * SOCK_STATE_NEW_SYN_RECV (12), which is selected but never reported.
 */
#define SOCK_STATES_ALL 0x1ffeU

/*
 * idiag_states bit 13 (TCPF_BOUND_INACTIVE, Linux 6.8+): TCP sockets bound
 * but neither listening nor connecting.  The kernel walks its bind hash
 * for them and reports them in state TCP_CLOSE (net/ipv4/inet_diag.c,
 * inet_diag_dump_icsk()); kernels before 6.8 ignore the bit.
 */
#define SOCK_STATE_BOUND_INACTIVE 13

/*
 * Returns the idiag_states bits a reported socket answers to: its state's
 * bit, plus NEW_SYN_RECV's for SYN-RECV (request sockets are selected by
 * bit 12, reported as 3) and BOUND_INACTIVE's for a TCP socket in CLOSE
 * (the only TCP sockets the kernel reports in CLOSE are bound-inactive
 * ones).  An SCTP association answers the bit of the TCP state closest to
 * its own (ESTAB: established; COOKIE-WAIT/ECHOED: syn-sent; the SHUTDOWN
 * states: fin-wait-1; CLOSED: closed).
 */
uint32_t sock_state_bits(const struct sock_entry *sk);

/*
 * SCTP associations report their own states (SCTP_STATE_*, 0-7; the
 * kernel's include/net/sctp/constants.h), not TCP ones; the parser stores
 * them shifted by this, so every state number means one thing.
 * Endpoints report TCP_LISTEN or TCP_CLOSE as TCP sockets do.
 */
#define SOCK_STATE_SCTP_BASE 16
#define SOCK_STATE_SCTP_MAX 7

/* Returns the ss name of a state ("ESTAB", "UNCONN"...), never NULL. */
const char *sock_state_name(unsigned int state);

/* Returns the mode's name ("v4", "dual"...), never NULL. */
const char *sock_mode_name(enum sock_mode mode);

/* Returns true if the 16-byte address is IPv4-mapped (::ffff:0:0/96). */
bool sock_addr_is_mapped(const uint8_t addr[16]);

/* Returns true if the 16-byte address is the IPv6 wildcard (::). */
bool sock_addr_is_any6(const uint8_t addr[16]);

/* Returns true if the entry is an AF_INET6 socket carrying IPv4 traffic. */
bool sock_is_mapped(const struct sock_entry *sk);

/*
 * Returns false for the sockets that have no owner to report: those
 * no descriptor holds, which the kernel dumps with inode 0 (TIME-WAIT,
 * FIN-WAIT-2 after close, SYN-RECV requests, orphans, connections not yet
 * accepted).  Their uid is no owner either: 0 for the mini-sockets
 * (net/ipv4/inet_diag.c, inet_twsk_diag_fill() and inet_req_diag_fill()),
 * a former owner's for the others.
 */
bool sock_has_owner(const struct sock_entry *sk);

/* Returns true if the entry has no peer: a listener or an unconnected
 * socket (peer address all zero and port 0). */
bool sock_has_no_peer(const struct sock_entry *sk);

/* The bit of a mode in a set of modes. */
#define SOCK_MODE_BIT(m) (1U << (m))

/*
 * The states in which the kernel reports the v6only flag of an AF_INET6
 * socket (see enum sock_v6only): LISTEN and CLOSE, bound-inactive TCP
 * sockets (reported in CLOSE) included.
 */
#define SOCK_V6ONLY_STATES \
	(SOCK_STATE_BIT(10 /* TCP_LISTEN */) | \
	    SOCK_STATE_BIT(7 /* TCP_CLOSE */) | \
	    SOCK_STATE_BIT(SOCK_STATE_BOUND_INACTIVE))

/*
 * A protocol dualstat lists, as one row: the idiag_states bits its
 * sockets can answer to (sock_state_bits()), and for each mode the states
 * in which an AF_INET6 socket of it can have that mode (0: never).  An
 * AF_INET socket is v4 in every state.  The classifier, the filter's
 * state analysis and the query all read this one table.
 */
struct sock_proto {
	uint16_t protocol; /* IPPROTO_*, or SOCK_IPPROTO_MPTCP */
	uint32_t states;
	uint32_t inet6_mode_states[SOCK_MODE_COUNT];
};

/* Returns the row of protocol, or NULL for one dualstat does not list. */
const struct sock_proto *sock_proto_find(int protocol);

/*
 * Returns the idiag_states bits in which a socket of the protocol and
 * family can have one of modes (SOCK_MODE_BIT() bits); 0 if none can.
 */
uint32_t sock_mode_states(int protocol, int family, unsigned int modes);

/* Returns the SOCK_MODE_BIT() set of modes a socket of the protocol and
 * family can have in some state. */
unsigned int sock_proto_modes(int protocol, int family);

/* Computes and returns the mode of an entry (and stores it in sk->mode). */
enum sock_mode sock_classify(struct sock_entry *sk);

#endif
