/*
 * inoset.c - a set of socket inodes, for hiding the TCP subflows of the
 * MPTCP sockets listed (-M and the default listing)
 *
 * It grows with the MPTCP sockets of one namespace only, not with the
 * listing: a host without MPTCP sockets never allocates.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "inoset.h"

void
inoset_init(struct inoset *s)
{
	s->slots = NULL;
	s->cap = s->n = 0;
}

void
inoset_done(struct inoset *s)
{
	free(s->slots);
	inoset_init(s);
}

/* Fibonacci hashing: inodes are often consecutive. */
static size_t
slot_of(uint32_t inode, size_t cap)
{
	return (size_t)((inode * 2654435769U) & (uint32_t)(cap - 1));
}

static void
put(uint32_t *slots, size_t cap, uint32_t inode)
{
	size_t i = slot_of(inode, cap);

	while (slots[i] != 0 && slots[i] != inode)
		i = (i + 1) & (cap - 1);
	slots[i] = inode;
}

int
inoset_add(struct inoset *s, uint32_t inode)
{
	uint32_t *slots;
	size_t cap, i;

	if (inode == 0 || inoset_has(s, inode))
		return 0;
	/* At most half full, so a probe ends soon. */
	if ((s->n + 1) * 2 > s->cap) {
		cap = s->cap == 0 ? 64 : s->cap * 2;
		slots = calloc(cap, sizeof(*slots));
		if (slots == NULL)
			return -ENOMEM;
		for (i = 0; i < s->cap; i++)
			if (s->slots[i] != 0)
				put(slots, cap, s->slots[i]);
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	put(s->slots, s->cap, inode);
	s->n++;
	return 0;
}

bool
inoset_has(const struct inoset *s, uint32_t inode)
{
	size_t i;

	if (s->cap == 0 || inode == 0)
		return false;
	for (i = slot_of(inode, s->cap); s->slots[i] != 0;
	     i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == inode)
			return true;
	return false;
}
