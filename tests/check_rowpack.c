/*
 * check_rowpack.c - unit tests for packed rows (rowpack.c: what a listing
 * holds while it reads ahead, -p's first pass, --all-netns' next
 * namespaces; issue 20 goal 1)
 *
 * Rows go in as a stream and come back out of a second dict, as the
 * threads of a listing use them; every field of every row must come back.
 * The sizes asserted are the format's, counted from its description in
 * rowpack.c, not read off the code's output.
 */
#include "config.h"

#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_suite.h"
#include "rowpack.h"

/* A sock_entry holds these fields and no other: a new one must be packed
 * (rowpack.c) and set by random_entry() below before this is raised. */
_Static_assert(sizeof(struct sock_entry) == 600,
    "struct sock_entry changed: pack the new field");

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A few addresses that recur, as a host's own do. */
static const uint8_t pool[][16] = {
	{ 127, 0, 0, 1 },
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1 },
	{ 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 },
	{ 10, 1, 2, 3 },
};

static void
random_addr(uint8_t addr[16], int family)
{
	uint64_t r = next_random();
	size_t i;

	memset(addr, 0, 16);
	switch (r % 6) {
	case 0: /* the wildcard */
		break;
	case 1:
	case 2: /* one seen before, most of the time */
		memcpy(addr, pool[(r >> 8) % (sizeof(pool) / sizeof(pool[0]))],
		    16);
		break;
	case 3: /* a new IPv4 one, or IPv4-mapped in AF_INET6 */
		if (family == AF_INET6) {
			addr[10] = addr[11] = 0xff;
			memcpy(addr + 12, &r, 4);
		} else {
			memcpy(addr, &r, 4);
		}
		break;
	default: /* anything: for AF_INET too, whatever the kernel sends */
		for (i = 0; i < 16; i++)
			addr[i] = (uint8_t)(next_random() >> 24);
		break;
	}
}

static uint32_t
random_u32(void)
{
	static const uint32_t edges[] = { 0, 1, 127, 128, 16383, 16384,
		UINT32_MAX };
	uint64_t r = next_random();

	return r % 3 == 0 ? edges[(r >> 8) % 7] : (uint32_t)(r >> 16);
}

static void
random_entry(struct sock_entry *sk)
{
	static const uint16_t protocols[] = { IPPROTO_TCP, IPPROTO_UDP,
		IPPROTO_SCTP, IPPROTO_RAW, 262 };
	static const uint64_t cgroups[] = { 0, 1, 4026531835ULL, UINT64_MAX };
	uint64_t r = next_random();
	size_t i;

	memset(sk, 0, sizeof(*sk));
	sk->family = r & 1 ? AF_INET6 : AF_INET;
	sk->state = (uint8_t)((r >> 1) % 24);
	sk->v6only = (int8_t)((int)((r >> 6) % 3) - 1);
	sk->protocol = protocols[(r >> 8) % 5];
	sk->local_port = (uint16_t)(r >> 16);
	sk->peer_port = (uint16_t)(r >> 32);
	random_addr(sk->local_addr, sk->family);
	random_addr(sk->peer_addr, sk->family);
	sk->inode = random_u32();
	sk->uid = random_u32();
	r = next_random();
	sk->cgroup_id = r % 3 ? cgroups[(r >> 4) % 4] : next_random();
	sk->ifindex = r & 0x100 ? random_u32() : 0;
	sk->mode = (enum sock_mode)((r >> 12) % SOCK_MODE_COUNT);
	sk->recv_q = random_u32();
	sk->send_q = random_u32();
	if (sk->protocol == IPPROTO_SCTP) {
		sk->nlocal = (uint8_t)((r >> 20) % (SOCK_ADDRS_MAX + 1));
		sk->npeer = (uint8_t)((r >> 28) % (SOCK_ADDRS_MAX + 1));
		for (i = 0; i < sk->nlocal; i++)
			random_addr(sk->local_addrs[i], AF_INET6);
		for (i = 0; i < sk->npeer; i++)
			random_addr(sk->peer_addrs[i], AF_INET6);
	}
}

#define ROWS 20000

/* Every row of a random stream comes back whole, through a second dict. */
START_TEST(test_round_trip)
{
	struct rowpack_dict in, out;
	struct sock_entry *rows = calloc(ROWS, sizeof(*rows)), back;
	uint8_t *buf = malloc((size_t)ROWS * ROWPACK_MAX);
	size_t i, len, off = 0;

	ck_assert_ptr_nonnull(rows);
	ck_assert_ptr_nonnull(buf);
	rowpack_dict_init(&in);
	for (i = 0; i < ROWS; i++) {
		random_entry(&rows[i]);
		len = rowpack_put(&in, &rows[i], buf + off);
		ck_assert_uint_le(len, ROWPACK_MAX);
		off += len;
	}
	rowpack_dict_init(&out);
	for (i = 0, len = 0; i < ROWS; i++) {
		memset(&back, 0xa5, sizeof(back));
		len += rowpack_get(&out, buf + len, &back);
		if (memcmp(&back, &rows[i], sizeof(back)) != 0)
			ck_abort_msg("row %zu came back changed", i);
	}
	ck_assert_uint_eq(len, off);
	free(buf);
	free(rows);
}
END_TEST

/* The largest row fits ROWPACK_MAX. */
START_TEST(test_largest)
{
	struct rowpack_dict d;
	struct sock_entry sk, back;
	uint8_t buf[ROWPACK_MAX + 64];
	size_t i, len;

	memset(&sk, 0, sizeof(sk));
	sk.family = AF_INET6;
	sk.protocol = 262;
	sk.inode = sk.uid = sk.ifindex = sk.recv_q = sk.send_q = UINT32_MAX;
	sk.cgroup_id = UINT64_MAX;
	memset(sk.local_addr, 0x11, 16);
	memset(sk.peer_addr, 0x22, 16);
	sk.nlocal = sk.npeer = SOCK_ADDRS_MAX;
	for (i = 0; i < SOCK_ADDRS_MAX; i++) {
		memset(sk.local_addrs[i], (int)i + 1, 16);
		memset(sk.peer_addrs[i], (int)i + 0x41, 16);
	}
	rowpack_dict_init(&d);
	len = rowpack_put(&d, &sk, buf);
	/* 3 + protocol 2 + ports 4 + 2 x 16 + inode, uid, ifindex and the
	 * queues 5 each + cgroup 8 + 2 + 32 x 16. */
	ck_assert_uint_eq(len, 3 + 2 + 4 + 32 + 25 + 8 + 2 + 512);
	ck_assert_uint_le(len, ROWPACK_MAX);
	rowpack_dict_init(&d);
	ck_assert_uint_eq(rowpack_get(&d, buf, &back), len);
	ck_assert_mem_eq(&back, &sk, sizeof(sk));
}
END_TEST

static struct sock_entry
conn4(uint8_t peer_last, uint16_t lport, uint16_t pport)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = AF_INET;
	sk.state = 1; /* TCP_ESTABLISHED */
	sk.protocol = IPPROTO_TCP;
	sk.v6only = SOCK_V6ONLY_UNKNOWN;
	sk.local_port = lport;
	sk.peer_port = pport;
	sk.local_addr[0] = 127;
	sk.local_addr[3] = 1;
	sk.peer_addr[0] = 127;
	sk.peer_addr[3] = peer_last;
	sk.inode = 12345678; /* 24 bits: 4 bytes as a varint */
	sk.cgroup_id = 4026531835ULL;
	return sk;
}

/*
 * What a connection costs: the three bytes of kinds, the protocol, the
 * ports, the inode (4 bytes as a varint), uid 0, the queues (1 each);
 * each address a byte once seen, 4 bytes when new (the first time, or
 * when another took its slot); the cgroup id a byte once seen, 8 new.
 */
START_TEST(test_sizes)
{
	struct rowpack_dict d;
	struct sock_entry sk, v6;
	uint8_t buf[ROWPACK_MAX];
	const size_t fixed = 3 + 1 + 4 + 4 + 1 + 1 + 1;
	size_t i;

	rowpack_dict_init(&d);
	/* Both addresses new (127.0.0.1 then 127.0.0.2), the cgroup too. */
	sk = conn4(2, 80, 40000);
	ck_assert_uint_eq(rowpack_put(&d, &sk, buf), fixed + 4 + 4 + 8);
	/* Everything seen: 18 bytes for a connection. */
	for (i = 0; i < 100; i++) {
		sk = conn4(2, 80, (uint16_t)(40001 + i));
		ck_assert_uint_eq(rowpack_put(&d, &sk, buf), fixed + 1 + 1 + 1);
	}
	ck_assert_uint_eq(fixed + 3, 18);
	/* A peer not seen: its four bytes. */
	sk = conn4(3, 80, 40000);
	ck_assert_uint_eq(rowpack_put(&d, &sk, buf), fixed + 1 + 4 + 1);
	/* IPv4-mapped costs as IPv4; a full IPv6 address 16. */
	v6 = sk;
	v6.family = AF_INET6;
	memset(v6.local_addr, 0, 16);
	v6.local_addr[10] = v6.local_addr[11] = 0xff;
	v6.local_addr[12] = 10;
	v6.local_addr[15] = 9;
	memset(v6.peer_addr, 0, 16);
	v6.peer_addr[0] = 0x20;
	v6.peer_addr[1] = 0x01;
	v6.peer_addr[15] = 7;
	ck_assert_uint_eq(rowpack_put(&d, &v6, buf), fixed + 4 + 16 + 1);
	/* The wildcard and no cgroup cost nothing, a bound device its
	 * index. */
	memset(v6.local_addr, 0, 16);
	memset(v6.peer_addr, 0, 16);
	v6.cgroup_id = 0;
	v6.ifindex = 3;
	ck_assert_uint_eq(rowpack_put(&d, &v6, buf), fixed + 1);
}
END_TEST

/* Addresses that share a slot push each other out, on both sides alike:
 * a stream alternating between them still comes back whole. */
START_TEST(test_slot_taken)
{
	const size_t fixed = 3 + 1 + 4 + 4 + 1 + 1 + 1;
	struct rowpack_dict in, out;
	struct sock_entry a, b, back;
	uint8_t buf[64 * ROWPACK_MAX];
	size_t i, off = 0, len = 0;
	unsigned int k;

	/* Find a peer b whose slot is one of a's addresses' slots: after
	 * b, one of a's addresses is new again (4 bytes, not 1). */
	a = conn4(2, 1, 2);
	for (k = 3; k < 256; k++) {
		b = conn4((uint8_t)k, 1, 2);
		rowpack_dict_init(&in);
		rowpack_put(&in, &a, buf);
		rowpack_put(&in, &b, buf);
		if (rowpack_put(&in, &a, buf) == fixed + 1 + 4 + 1)
			break;
	}
	ck_assert_uint_lt(k, 256);
	rowpack_dict_init(&in);
	for (i = 0; i < 64; i++)
		off += rowpack_put(&in, i % 2 ? &b : &a, buf + off);
	/* Not one row found its addresses seen. */
	ck_assert_uint_ge(off, 64 * (fixed + 1 + 4 + 1));
	rowpack_dict_init(&out);
	for (i = 0; i < 64; i++) {
		len += rowpack_get(&out, buf + len, &back);
		ck_assert_mem_eq(&back, i % 2 ? &b : &a, sizeof(back));
	}
	ck_assert_uint_eq(len, off);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rowpack");

	check_add(s, "round_trip", test_round_trip);
	check_add(s, "largest", test_largest);
	check_add(s, "sizes", test_sizes);
	check_add(s, "slot_taken", test_slot_taken);
	return check_run(s);
}
