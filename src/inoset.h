/*
 * inoset.h - a set of socket inodes (the MPTCP sockets of a listing)
 */
#ifndef DUALSTAT_INOSET_H
#define DUALSTAT_INOSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct inoset {
	uint32_t *slots; /* open addressing; 0 marks a free slot */
	size_t cap, n;
};

/* An empty set; nothing is allocated until the first add. */
void inoset_init(struct inoset *s);

/* Frees the slots; the set is empty again. */
void inoset_done(struct inoset *s);

/* Adds inode (0 is ignored: it is no socket's).  Returns 0 or -ENOMEM. */
int inoset_add(struct inoset *s, uint32_t inode);

/* Returns true if inode was added. */
bool inoset_has(const struct inoset *s, uint32_t inode);

#endif
