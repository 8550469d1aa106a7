/*
 * inoset.c - a set of sockets, for hiding the TCP subflows of the MPTCP
 * sockets listed (-M and the default listing)
 *
 * It grows with the MPTCP sockets of one namespace only, not with the
 * listing: a host without MPTCP sockets never allocates.  Both tables use
 * open addressing and are kept at most half full.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inoset.h"

void
inoset_init(struct inoset *s)
{
	memset(s, 0, sizeof(*s));
}

void
inoset_done(struct inoset *s)
{
	free(s->slots);
	free(s->tuples);
	inoset_init(s);
}

/* Fibonacci hashing: inodes are often consecutive. */
static size_t
slot_of(uint32_t key, size_t cap)
{
	return (size_t)((key * 2654435769U) & (uint32_t)(cap - 1));
}

static void
put_inode(uint32_t *slots, size_t cap, uint32_t inode)
{
	size_t i = slot_of(inode, cap);

	while (slots[i] != 0 && slots[i] != inode)
		i = (i + 1) & (cap - 1);
	slots[i] = inode;
}

static bool
has_inode(const struct inoset *s, uint32_t inode)
{
	size_t i;

	if (s->cap == 0)
		return false;
	for (i = slot_of(inode, s->cap); s->slots[i] != 0;
	     i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == inode)
			return true;
	return false;
}

static int
add_inode(struct inoset *s, uint32_t inode)
{
	uint32_t *slots;
	size_t cap, i;

	if (has_inode(s, inode))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		cap = s->cap == 0 ? 64 : s->cap * 2;
		slots = calloc(cap, sizeof(*slots));
		if (slots == NULL)
			return -ENOMEM;
		for (i = 0; i < s->cap; i++)
			if (s->slots[i] != 0)
				put_inode(slots, cap, s->slots[i]);
		free(s->slots);
		s->slots = slots;
		s->cap = cap;
	}
	put_inode(s->slots, s->cap, inode);
	s->n++;
	return 0;
}

static void
tuple_of(const struct sock_entry *sk, struct inoset_tuple *t)
{
	memset(t, 0, sizeof(*t));
	t->used = true;
	t->family = sk->family;
	t->lport = sk->local_port;
	t->pport = sk->peer_port;
	memcpy(t->laddr, sk->local_addr, 16);
	memcpy(t->paddr, sk->peer_addr, 16);
}

/* FNV-1a over the tuple's bytes (zeroed padding included). */
static uint32_t
tuple_hash(const struct inoset_tuple *t)
{
	const uint8_t *p = (const uint8_t *)t;
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < sizeof(*t); i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

static struct inoset_tuple *
find_tuple(struct inoset_tuple *tab, size_t cap, const struct inoset_tuple *t)
{
	size_t i = slot_of(tuple_hash(t), cap);

	while (tab[i].used && memcmp(&tab[i], t, sizeof(*t)) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int
add_tuple(struct inoset *s, const struct inoset_tuple *t)
{
	struct inoset_tuple *tab, *slot;
	size_t cap, i;

	if (s->tcap > 0 && find_tuple(s->tuples, s->tcap, t)->used)
		return 0;
	if ((s->tn + 1) * 2 > s->tcap) {
		cap = s->tcap == 0 ? 16 : s->tcap * 2;
		tab = calloc(cap, sizeof(*tab));
		if (tab == NULL)
			return -ENOMEM;
		for (i = 0; i < s->tcap; i++)
			if (s->tuples[i].used)
				*find_tuple(tab, cap, &s->tuples[i]) =
				    s->tuples[i];
		free(s->tuples);
		s->tuples = tab;
		s->tcap = cap;
	}
	slot = find_tuple(s->tuples, s->tcap, t);
	*slot = *t;
	s->tn++;
	return 0;
}

int
inoset_add(struct inoset *s, const struct sock_entry *sk)
{
	struct inoset_tuple t;

	if (sk->inode != 0)
		return add_inode(s, sk->inode);
	tuple_of(sk, &t);
	return add_tuple(s, &t);
}

bool
inoset_has(const struct inoset *s, const struct sock_entry *sk)
{
	struct inoset_tuple t;

	if (sk->inode != 0)
		return has_inode(s, sk->inode);
	if (s->tcap == 0)
		return false;
	tuple_of(sk, &t);
	return find_tuple(s->tuples, s->tcap, &t)->used;
}
