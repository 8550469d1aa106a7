/*
 * inoset.h - a set of sockets, by inode (the MPTCP sockets of a listing)
 *
 * A socket is known by its inode, or, when it has none (inode 0: an MPTCP
 * connection not yet accepted), by its addresses and ports.
 */
#ifndef DUALSTAT_INOSET_H
#define DUALSTAT_INOSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

struct inoset_tuple {
	bool used;
	uint8_t family;
	uint16_t lport, pport;
	uint8_t laddr[16], paddr[16];
};

struct inoset {
	uint32_t *slots; /* open addressing; 0 marks a free slot */
	size_t cap, n;
	struct inoset_tuple *tuples; /* the same, for inode 0 */
	size_t tcap, tn;
};

/* An empty set; nothing is allocated until the first add. */
void inoset_init(struct inoset *s);

/* Frees the tables; the set is empty again. */
void inoset_done(struct inoset *s);

/* Adds the socket (its inode, or its addresses and ports if its inode is
 * 0).  Returns 0 or -ENOMEM. */
int inoset_add(struct inoset *s, const struct sock_entry *sk);

/* Returns true if a socket with sk's inode (or, for inode 0, with its
 * family, addresses and ports) was added. */
bool inoset_has(const struct inoset *s, const struct sock_entry *sk);

#endif
