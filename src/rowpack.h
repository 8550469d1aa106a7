/*
 * rowpack.h - sock_entry rows packed small, for the rows a listing holds
 * before it writes them (the read-ahead of a listing's later dumps, -p's
 * first pass, --all-netns' next namespaces)
 *
 * A packed row holds every field of a sock_entry and unpacks to the same
 * entry.  Rows are packed and unpacked as a stream, in order: an address
 * or cgroup id seen lately in the stream is written as a one-byte index
 * into a small table that the packer and the unpacker each keep the same
 * way (struct rowpack_dict), so a host's few local addresses cost a byte.
 * An IPv4 address, alone or IPv4-mapped, costs four.
 */
#ifndef DUALSTAT_ROWPACK_H
#define DUALSTAT_ROWPACK_H

#include <stddef.h>
#include <stdint.h>

#include "sock.h"

/* The most bytes one packed row takes (an SCTP endpoint with every
 * address it may keep). */
#define ROWPACK_MAX (96 + 2 * 16 * SOCK_ADDRS_MAX)

#define ROWPACK_ADDRS 64
#define ROWPACK_CGROUPS 16

/* What a stream has seen lately: zeroed (rowpack_dict_init()) at the
 * start of each stream, on both sides. */
struct rowpack_dict {
	uint8_t addr[ROWPACK_ADDRS][16];
	uint64_t cgroup[ROWPACK_CGROUPS];
};

void rowpack_dict_init(struct rowpack_dict *d);

/*
 * Packs sk into out, which has room for ROWPACK_MAX bytes, and notes its
 * addresses in d.  Returns the packed length.  sk must be one the parser
 * could have made: family AF_INET or AF_INET6, nlocal and npeer at most
 * SOCK_ADDRS_MAX.
 */
size_t rowpack_put(
    struct rowpack_dict *d, const struct sock_entry *sk, uint8_t *out);

/*
 * Unpacks the row at in, packed with a dict in the state d is in, into
 * *sk (every field set, the address arrays past nlocal and npeer zero);
 * returns its length.
 */
size_t rowpack_get(
    struct rowpack_dict *d, const uint8_t *in, struct sock_entry *sk);

#endif
