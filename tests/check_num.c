/*
 * check_num.c - unit tests for the one decimal parser (num.c) and the
 * state-bit rule of sock.h (sock_state_bits())
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <netinet/tcp.h>

#include "check_suite.h"
#include "num.h"
#include "sock.h"

START_TEST(test_parse)
{
	static const struct {
		const char *text;
		unsigned long max;
		int ret;
		unsigned long value;
	} cases[] = {
		{ "0", 65535, 0, 0 },
		{ "65535", 65535, 0, 65535 },
		{ "00080", 65535, 0, 80 },
		{ "65536", 65535, -ERANGE, 0 },
		{ "99999999999999999999999", 65535, -ERANGE, 0 },
		{ "", 65535, -EINVAL, 0 },
		{ "-1", 65535, -EINVAL, 0 },
		{ "+1", 65535, -EINVAL, 0 },
		{ " 1", 65535, -EINVAL, 0 },
		{ "1 ", 65535, -EINVAL, 0 },
		{ "0x10", 65535, -EINVAL, 0 },
		{ "5", 0, -ERANGE, 0 },
		{ "0", 0, 0, 0 },
		{ "2147483647", INT_MAX, 0, 2147483647UL },
		{ "2147483648", INT_MAX, -ERANGE, 0 },
	};
	char max[32], over[32];
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = 4242;
		ck_assert_int_eq(
		    num_parse_ulong(cases[i].text, cases[i].max, &v),
		    cases[i].ret);
		ck_assert_uint_eq(v, cases[i].ret == 0 ? cases[i].value : 4242);
	}
	/* The whole range of unsigned long, and one past it: no wrap. */
	snprintf(max, sizeof(max), "%lu", ULONG_MAX);
	ck_assert_int_eq(num_parse_ulong(max, ULONG_MAX, &v), 0);
	ck_assert_uint_eq(v, ULONG_MAX);
	snprintf(over, sizeof(over), "%lu0", ULONG_MAX / 10 + 1);
	ck_assert_int_eq(num_parse_ulong(over, ULONG_MAX, &v), -ERANGE);
}
END_TEST

/* The bits a socket of this protocol reported in this state answers to. */
static uint32_t
bits(int protocol, unsigned int state)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.protocol = (uint16_t)protocol;
	sk.state = (uint8_t)state;
	return sock_state_bits(&sk);
}

/* include/net/tcp_states.h: TCP_SYN_RECV is 3, TCP_NEW_SYN_RECV 12;
 * TCPF_BOUND_INACTIVE is bit 13 (Linux 6.8). */
START_TEST(test_state_bits)
{
	ck_assert_uint_eq(bits(IPPROTO_TCP, TCP_LISTEN), 1U << 10);
	ck_assert_uint_eq(
	    bits(IPPROTO_TCP, TCP_SYN_RECV), (1U << 3) | 1U << 12);
	ck_assert_uint_eq(bits(IPPROTO_TCP, 31), 1U << 31);
	ck_assert_uint_eq(bits(IPPROTO_TCP, 32), 0);
	ck_assert_uint_eq(SOCK_STATES_ALL & bits(IPPROTO_TCP, TCP_SYN_RECV),
	    bits(IPPROTO_TCP, TCP_SYN_RECV));
	/* A TCP socket reported in CLOSE is a bound-inactive one; UDP's
	 * CLOSE is only CLOSE. */
	ck_assert_uint_eq(bits(IPPROTO_TCP, TCP_CLOSE), (1U << 7) | 1U << 13);
	ck_assert_uint_eq(bits(IPPROTO_UDP, TCP_CLOSE), 1U << 7);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("num");

	check_add(s, "parse", test_parse);
	check_add(s, "state_bits", test_state_bits);
	return check_run(s);
}
