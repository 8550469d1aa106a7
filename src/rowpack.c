/*
 * rowpack.c - sock_entry rows packed small (the rows a listing holds:
 * the read-ahead, -p, --all-netns)
 *
 * A row is three bytes that say what follows, then the protocol, the
 * ports, each address as its kind says, the inode, uid and cgroup id, and
 * the rest, with the numbers as LEB128 varints (the queues and most uids
 * are small).  An established IPv4 or IPv4-mapped connection between
 * addresses seen lately takes about 18 bytes, against about 120 for the
 * kernel's reply and 600 for a sock_entry: memory per waiting row is what
 * bounds how far a listing can read ahead in its LISTING_BUFFER
 * (listing.c, tests/bench/README).
 *
 *   byte 0  bit 0: AF_INET6; bits 1-2: v6only + 1; bits 3-5: mode;
 *           bit 6: SCTP address lists follow; bit 7: a bound device
 *   byte 1  state
 *   byte 2  bits 0-2: local address kind; 3-5: peer's; 6-7: cgroup's
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "rowpack.h"

enum addr_kind {
	ADDR_ZERO, /* 16 zero bytes: nothing follows */
	ADDR_SEEN, /* one byte: its index in the dict */
	ADDR_V4, /* four bytes, then zeros (AF_INET, as the kernel sends) */
	ADDR_MAPPED, /* four bytes after ::ffff: */
	ADDR_FULL, /* sixteen bytes */
};

enum cgroup_kind {
	CGROUP_ZERO,
	CGROUP_SEEN,
	CGROUP_FULL,
};

#define F_INET6 0x01U
#define F_V6ONLY_SHIFT 1
#define F_MODE_SHIFT 3
#define F_SCTP 0x40U
#define F_IFINDEX 0x80U

static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
	0xff };
static const uint8_t zeros[16];

void
rowpack_dict_init(struct rowpack_dict *d)
{
	memset(d, 0, sizeof(*d));
}

static unsigned int
addr_slot(const uint8_t addr[16])
{
	uint64_t a, b;

	memcpy(&a, addr, 8);
	memcpy(&b, addr + 8, 8);
	a = (a ^ (b * 0x9e3779b97f4a7c15ULL)) * 0x9e3779b97f4a7c15ULL;
	return (unsigned int)(a >> 32) % ROWPACK_ADDRS;
}

static unsigned int
cgroup_slot(uint64_t id)
{
	return (unsigned int)((id * 0x9e3779b97f4a7c15ULL) >> 32) %
	    ROWPACK_CGROUPS;
}

static uint8_t *
put_varint(uint8_t *out, uint64_t v)
{
	while (v >= 0x80) {
		*out++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*out++ = (uint8_t)v;
	return out;
}

static const uint8_t *
get_varint(const uint8_t *in, uint64_t *v)
{
	unsigned int shift = 0;

	*v = 0;
	do {
		*v |= (uint64_t)(*in & 0x7f) << shift;
		shift += 7;
	} while (*in++ & 0x80);
	return in;
}

/* Writes addr's payload at *out and returns its kind. */
static enum addr_kind
put_addr(struct rowpack_dict *d, const uint8_t addr[16], uint8_t **out)
{
	unsigned int slot;

	if (memcmp(addr, zeros, 16) == 0)
		return ADDR_ZERO;
	slot = addr_slot(addr);
	if (memcmp(d->addr[slot], addr, 16) == 0) {
		*(*out)++ = (uint8_t)slot;
		return ADDR_SEEN;
	}
	memcpy(d->addr[slot], addr, 16);
	if (memcmp(addr + 4, zeros, 12) == 0) {
		memcpy(*out, addr, 4);
		*out += 4;
		return ADDR_V4;
	}
	if (memcmp(addr, mapped_prefix, 12) == 0) {
		memcpy(*out, addr + 12, 4);
		*out += 4;
		return ADDR_MAPPED;
	}
	memcpy(*out, addr, 16);
	*out += 16;
	return ADDR_FULL;
}

static const uint8_t *
get_addr(struct rowpack_dict *d, unsigned int kind, const uint8_t *in,
    uint8_t addr[16])
{
	memset(addr, 0, 16);
	switch (kind) {
	case ADDR_ZERO:
		return in;
	case ADDR_SEEN:
		memcpy(addr, d->addr[*in % ROWPACK_ADDRS], 16);
		return in + 1;
	case ADDR_V4:
		memcpy(addr, in, 4);
		in += 4;
		break;
	case ADDR_MAPPED:
		memcpy(addr, mapped_prefix, 12);
		memcpy(addr + 12, in, 4);
		in += 4;
		break;
	default:
		memcpy(addr, in, 16);
		in += 16;
		break;
	}
	memcpy(d->addr[addr_slot(addr)], addr, 16);
	return in;
}

size_t
rowpack_put(struct rowpack_dict *d, const struct sock_entry *sk, uint8_t *out)
{
	uint8_t *start = out, *head = out;
	unsigned int lk, pk, ck, slot;
	bool sctp = sk->nlocal != 0 || sk->npeer != 0;

	head[0] = (uint8_t)((sk->family == AF_INET6 ? F_INET6 : 0) |
	    (unsigned int)(sk->v6only + 1) << F_V6ONLY_SHIFT |
	    (unsigned int)sk->mode << F_MODE_SHIFT | (sctp ? F_SCTP : 0) |
	    (sk->ifindex != 0 ? F_IFINDEX : 0));
	head[1] = sk->state;
	out += 3;
	out = put_varint(out, sk->protocol);
	*out++ = (uint8_t)sk->local_port;
	*out++ = (uint8_t)(sk->local_port >> 8);
	*out++ = (uint8_t)sk->peer_port;
	*out++ = (uint8_t)(sk->peer_port >> 8);
	lk = put_addr(d, sk->local_addr, &out);
	pk = put_addr(d, sk->peer_addr, &out);
	out = put_varint(out, sk->inode);
	out = put_varint(out, sk->uid);
	if (sk->cgroup_id == 0) {
		ck = CGROUP_ZERO;
	} else {
		slot = cgroup_slot(sk->cgroup_id);
		if (d->cgroup[slot] == sk->cgroup_id) {
			ck = CGROUP_SEEN;
			*out++ = (uint8_t)slot;
		} else {
			ck = CGROUP_FULL;
			d->cgroup[slot] = sk->cgroup_id;
			memcpy(out, &sk->cgroup_id, 8);
			out += 8;
		}
	}
	head[2] = (uint8_t)(lk | pk << 3 | ck << 6);
	if (sk->ifindex != 0)
		out = put_varint(out, sk->ifindex);
	out = put_varint(out, sk->recv_q);
	out = put_varint(out, sk->send_q);
	if (sctp) {
		*out++ = sk->nlocal;
		*out++ = sk->npeer;
		memcpy(out, sk->local_addrs, 16U * sk->nlocal);
		out += 16U * sk->nlocal;
		memcpy(out, sk->peer_addrs, 16U * sk->npeer);
		out += 16U * sk->npeer;
	}
	return (size_t)(out - start);
}

size_t
rowpack_get(struct rowpack_dict *d, const uint8_t *in, struct sock_entry *sk)
{
	const uint8_t *start = in;
	unsigned int f = in[0], kinds = in[2], slot;
	uint64_t v;

	memset(sk, 0, sizeof(*sk));
	sk->family = f & F_INET6 ? AF_INET6 : AF_INET;
	sk->v6only = (int8_t)((int)(f >> F_V6ONLY_SHIFT & 3) - 1);
	sk->mode = (enum sock_mode)(f >> F_MODE_SHIFT & 7);
	sk->state = in[1];
	in += 3;
	in = get_varint(in, &v);
	sk->protocol = (uint16_t)v;
	sk->local_port = (uint16_t)(in[0] | in[1] << 8);
	sk->peer_port = (uint16_t)(in[2] | in[3] << 8);
	in += 4;
	in = get_addr(d, kinds & 7, in, sk->local_addr);
	in = get_addr(d, kinds >> 3 & 7, in, sk->peer_addr);
	in = get_varint(in, &v);
	sk->inode = (uint32_t)v;
	in = get_varint(in, &v);
	sk->uid = (uint32_t)v;
	switch (kinds >> 6) {
	case CGROUP_SEEN:
		sk->cgroup_id = d->cgroup[*in++ % ROWPACK_CGROUPS];
		break;
	case CGROUP_FULL:
		memcpy(&sk->cgroup_id, in, 8);
		in += 8;
		slot = cgroup_slot(sk->cgroup_id);
		d->cgroup[slot] = sk->cgroup_id;
		break;
	default:
		break;
	}
	if (f & F_IFINDEX) {
		in = get_varint(in, &v);
		sk->ifindex = (uint32_t)v;
	}
	in = get_varint(in, &v);
	sk->recv_q = (uint32_t)v;
	in = get_varint(in, &v);
	sk->send_q = (uint32_t)v;
	if (f & F_SCTP) {
		sk->nlocal = in[0];
		sk->npeer = in[1];
		in += 2;
		memcpy(sk->local_addrs, in, 16U * sk->nlocal);
		in += 16U * sk->nlocal;
		memcpy(sk->peer_addrs, in, 16U * sk->npeer);
		in += 16U * sk->npeer;
	}
	return (size_t)(in - start);
}
