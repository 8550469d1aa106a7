/*
 * check_fmt.c - unit tests for address and number text (fmt.c)
 *
 * The oracle is the C library: fmt_addr() must write what inet_ntop()
 * writes, fmt_u32() what printf("%u") writes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_suite.h"
#include "fmt.h"

static void
assert_like_ntop(int family, const uint8_t *addr)
{
	char want[INET6_ADDRSTRLEN], got[FMT_ADDR_MAX + 1];
	char *end;

	ck_assert_ptr_nonnull(inet_ntop(family, addr, want, sizeof(want)));
	end = fmt_addr(got, family, addr);
	ck_assert_int_le(end - got, FMT_ADDR_MAX);
	*end = '\0';
	ck_assert_str_eq(got, want);
}

START_TEST(test_ipv6_edges)
{
	static const char *const cases[] = {
		"::",
		"::1",
		"1::",
		"::ffff:10.0.0.7",
		"::ffff:0.0.0.0",
		"::1.2.3.4",
		"::0.0.1.0",
		"::ffff:0:0:1",
		"1:0:0:1::1",
		"1::1:0:0:1",
		"1:0:1:0:1:0:1:0",
		"2001:db8::1",
		"2001:db8:0:0:1:0:0:1",
		"fe80::1:2:3:4",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"0:0:0:0:0:1:0:0",
		"1:2:3:4:5:6:7:0",
		"0:1:2:3:4:5:6:7",
		"::ffff:1:2",
		"0:0:0:0:ffff:0:1.2.3.4",
		"64:ff9b::1.2.3.4",
		"::abcd:1.2.3.4",
	};
	uint8_t addr[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(inet_pton(AF_INET6, cases[i], addr), 1);
		assert_like_ntop(AF_INET6, addr);
	}
}
END_TEST

/* Random addresses with many zero words, so every run length occurs. */
START_TEST(test_ipv6_random)
{
	uint8_t addr[16];
	int n, i;

	srandom(12345);
	for (n = 0; n < 200000; n++) {
		for (i = 0; i < 8; i++) {
			long r = random();
			unsigned int w = r % 3 == 0 ? 0
			    : r % 3 == 1 ? (unsigned int)(r >> 8) & 0xffff
					 : (unsigned int)(r >> 8) & 0xf;

			if (i == 5 && r % 7 == 0)
				w = 0xffff;
			addr[2 * i] = (uint8_t)(w >> 8);
			addr[2 * i + 1] = (uint8_t)w;
		}
		assert_like_ntop(AF_INET6, addr);
	}
}
END_TEST

START_TEST(test_ipv4)
{
	static const uint8_t cases[][4] = {
		{ 0, 0, 0, 0 },
		{ 127, 0, 0, 1 },
		{ 255, 255, 255, 255 },
		{ 10, 0, 0, 7 },
		{ 1, 22, 103, 9 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_like_ntop(AF_INET, cases[i]);
}
END_TEST

START_TEST(test_u32)
{
	static const uint32_t cases[] = { 0, 1, 9, 10, 99, 100, 65535, 1000000,
		4294967295U };
	char want[16], got[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "%u", cases[i]);
		*fmt_u32(got, cases[i]) = '\0';
		ck_assert_str_eq(got, want);
	}
}
END_TEST

/* Every byte value in every position: 1, 2 and 3 digits each. */
START_TEST(test_ipv4_every_byte)
{
	uint8_t addr[4];
	unsigned int b, pos;

	for (pos = 0; pos < 4; pos++) {
		for (b = 0; b < 256; b++) {
			memset(addr, (int)(255 - b), sizeof(addr));
			addr[pos] = (uint8_t)b;
			assert_like_ntop(AF_INET, addr);
		}
	}
}
END_TEST

static void
assert_like_printf(uint32_t v)
{
	char want[16], got[16];

	snprintf(want, sizeof(want), "%u", v);
	*fmt_u32(got, v) = '\0';
	ck_assert_str_eq(got, want);
}

/* Both sides of every change in the number of digits, and random values. */
START_TEST(test_u32_digit_counts)
{
	uint32_t p = 1;
	int i;

	for (i = 0; i < 10; i++) {
		assert_like_printf(p - 1);
		assert_like_printf(p);
		assert_like_printf(p + 1);
		if (i < 9)
			p *= 10;
	}
	srandom(54321);
	for (i = 0; i < 100000; i++)
		assert_like_printf((uint32_t)random() >> (i % 31));
}
END_TEST

/* Well-formed sequences (RFC 3629) give their length, the rest 0. */
START_TEST(test_utf8)
{
	static const struct {
		const char *s;
		size_t n, len;
	} cases[] = {
		{ "\xc3\xa9", 2, 2 }, /* e acute */
		{ "\xe2\x82\xac", 3, 3 }, /* euro sign */
		{ "\xf0\x9f\x98\x80", 4, 4 }, /* emoji */
		{ "\xf4\x8f\xbf\xbf", 4, 4 }, /* U+10FFFF */
		{ "\xc3", 1, 0 }, /* truncated */
		{ "\xe2\x82", 2, 0 }, /* truncated */
		{ "\xc0\xaf", 2, 0 }, /* overlong '/' */
		{ "\xe0\x80\xaf", 3, 0 }, /* overlong '/' */
		{ "\xed\xa0\x80", 3, 0 }, /* surrogate D800 */
		{ "\xf4\x90\x80\x80", 4, 0 }, /* past U+10FFFF */
		{ "\xff", 1, 0 }, { "\x80", 1, 0 }, /* lone continuation */
		{ "\xc3\x28", 2, 0 }, /* bad continuation */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(fmt_utf8_len((const unsigned char *)cases[i].s,
				  cases[i].n) == cases[i].len,
		    "case %zu", i);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fmt");

	check_add(s, "ipv6 edge cases", test_ipv6_edges);
	check_add(s, "ipv6 random", test_ipv6_random);
	check_add(s, "ipv4", test_ipv4);
	check_add(s, "ipv4 every byte", test_ipv4_every_byte);
	check_add(s, "u32", test_u32);
	check_add(s, "u32 digit counts", test_u32_digit_counts);
	check_add(s, "utf8", test_utf8);
	return check_run(s);
}
