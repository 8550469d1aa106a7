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

struct sock_entry {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state; /* TCP_* state number, as the kernel sends it */
	int8_t v6only; /* enum sock_v6only */
	uint16_t local_port; /* host byte order */
	uint16_t peer_port; /* host byte order */
	/* Network byte order; an AF_INET address fills the first 4 bytes. */
	uint8_t local_addr[16];
	uint8_t peer_addr[16];
	uint32_t inode; /* 0 for TIME-WAIT and request sockets */
	uint32_t uid;
	uint32_t ifindex; /* bound device, 0 if none */
	enum sock_mode mode; /* filled in by sock_classify() */
	/* idiag_rqueue, idiag_wqueue: queued bytes; for a listener, the
	 * accept queue and its backlog (net/ipv4/tcp_diag.c,
	 * tcp_diag_get_info()). */
	uint32_t recv_q;
	uint32_t send_q;
};

/* Mask of every TCP state the kernel can report (TCP_ESTABLISHED..12). */
#define SOCK_STATES_ALL 0x1ffeU

/* Returns the ss name of a TCP state ("ESTAB", "UNCONN"...), never NULL. */
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
 * Returns false for the sockets that have no owner to report: TIME-WAIT
 * and request (SYN-RECV) mini-sockets, for which the kernel sends uid and
 * inode 0 (net/ipv4/inet_diag.c, inet_twsk_diag_fill() and
 * inet_req_diag_fill()).  Their 0 means "none", not root.
 */
bool sock_has_owner(const struct sock_entry *sk);

/* Returns true if the entry has no peer: a listener or an unconnected
 * socket (peer address all zero and port 0). */
bool sock_has_no_peer(const struct sock_entry *sk);

/* Computes and returns the mode of an entry (and stores it in sk->mode). */
enum sock_mode sock_classify(struct sock_entry *sk);

#endif
