/*
 * protos.h - which transport protocols the kernel has loaded
 *
 * A sock_diag request for a protocol whose diag module is missing makes
 * the kernel load it (net/ipv4/inet_diag.c, inet_diag_lock_handler()
 * calls request_module()), and sctp_diag pulls in sctp itself.  dualstat
 * must not change the host it inspects, so it asks only for protocols the
 * kernel lists in /proc/net/protocols, where a protocol appears once its
 * module is loaded (net/core/sock.c, proto_register()).
 */
#ifndef DUALSTAT_PROTOS_H
#define DUALSTAT_PROTOS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A set of (protocol, family) pairs is a uint32_t, one bit each.
 * Returns the bit of an IPPROTO_* number (SOCK_IPPROTO_MPTCP included)
 * and AF_INET or AF_INET6, or 0 for a pair dualstat does not know.
 */
uint32_t protos_bit(int protocol, int family);

/*
 * The pairs dualstat knows, by index: sets *protocol and *family of pair
 * i and returns true, or returns false past the last one.
 */
bool protos_nth(unsigned int i, int *protocol, int *family);

/* TCP and UDP of both families: what every kernel with IPv6 lists. */
uint32_t protos_base(void);

/* Returns true if set holds the pair. */
bool protos_has(uint32_t set, int protocol, int family);

/*
 * Reads a /proc/net/protocols file (the first column names each
 * protocol: TCP, TCPv6, UDP, MPTCP, SCTPv6, RAW...) into *set.  Returns 0,
 * or -errno if it cannot be opened or read, or -EBADMSG if it does not
 * look like one (no "protocol" title line).  *set is written only on
 * success.
 */
int protos_read(const char *path, uint32_t *set);

#endif
