/*
 * fmt.c - address and number text without printf or inet_ntop
 *
 * Formatting dominates the cost of a large listing once the kernel has
 * done its part, so the writers build each row in a buffer with these.
 * fmt_addr() writes exactly what glibc's inet_ntop() writes; the unit
 * tests compare the two over edge cases and random addresses.
 */
#include "config.h"

#include <sys/socket.h>
#include <string.h>

#include "fmt.h"

char *
fmt_u32(char *dst, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*dst++ = tmp[--n];
	return dst;
}

char *
fmt_ipv4(char *dst, const uint8_t addr[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			*dst++ = '.';
		dst = fmt_u32(dst, addr[i]);
	}
	return dst;
}

static char *
fmt_hex16(char *dst, unsigned int w)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	/* No leading zeros (RFC 5952, 4.1). */
	while (shift > 0 && ((w >> shift) & 0xf) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*dst++ = digits[(w >> shift) & 0xf];
	return dst;
}

/*
 * The longest run of two or more zero words becomes "::", the first one on
 * a tie (RFC 5952, 4.2).  Like inet_ntop, an address whose first six words
 * are zero, or first five zero and sixth 0xffff, ends in a dotted quad,
 * unless the run covers seven or more words ("::", "::1").
 */
static char *
fmt_ipv6(char *dst, const uint8_t addr[16])
{
	unsigned int words[8];
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	int i;

	for (i = 0; i < 8; i++) {
		words[i] = (unsigned int)addr[2 * i] << 8 | addr[2 * i + 1];
		if (words[i] == 0) {
			if (cur < 0) {
				cur = i;
				cur_len = 0;
			}
			if (++cur_len > best_len) {
				best = cur;
				best_len = cur_len;
			}
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;

	for (i = 0; i < 8; i++) {
		if (i == best) {
			*dst++ = ':';
			i += best_len - 1;
			if (i == 7)
				*dst++ = ':';
			continue;
		}
		if (i > 0)
			*dst++ = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 5 && words[5] == 0xffff)))
			return fmt_ipv4(dst, addr + 12);
		dst = fmt_hex16(dst, words[i]);
	}
	return dst;
}

char *
fmt_addr(char *dst, int family, const uint8_t *addr)
{
	if (family == AF_INET)
		return fmt_ipv4(dst, addr);
	return fmt_ipv6(dst, addr);
}

size_t
fmt_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	/* Ranges of the second byte from RFC 3629, section 4. */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}
