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
#include "sock.h"

/* "00" "01" ... "99": two digits per division halve the divisions. */
#define PAIRS(t) t "0" t "1" t "2" t "3" t "4" t "5" t "6" t "7" t "8" t "9"
static const char digit_pairs[] = PAIRS("0") PAIRS("1") PAIRS("2") PAIRS("3")
    PAIRS("4") PAIRS("5") PAIRS("6") PAIRS("7") PAIRS("8") PAIRS("9");
#undef PAIRS

/* Comparisons, not a loop: ports (up to 5 digits) come first. */
static int
u32_digits(uint32_t v)
{
	if (v < 100000)
		return v < 10	? 1
		    : v < 100	? 2
		    : v < 1000	? 3
		    : v < 10000 ? 4
				: 5;
	return v < 1000000    ? 6
	    : v < 10000000    ? 7
	    : v < 100000000   ? 8
	    : v < 1000000000U ? 9
			      : 10;
}

/* Writes the last two digits of v at dst. */
static void
put_pair(char *dst, uint32_t v)
{
	memcpy(dst, &digit_pairs[2 * (v % 100)], 2);
}

/*
 * Ports, inodes and uids are most of the numbers in a listing; writing
 * them from the end, two digits at a time, needs no reversal.
 */
char *
fmt_u32(char *dst, uint32_t v)
{
	char *end = dst + u32_digits(v), *p = end;

	while (v >= 100) {
		p -= 2;
		put_pair(p, v);
		v /= 100;
	}
	if (v >= 10)
		put_pair(p - 2, v);
	else
		p[-1] = (char)('0' + v);
	return end;
}

/* One byte of a dotted quad: 1 to 3 digits. */
static char *
put_byte(char *dst, unsigned int b)
{
	if (b >= 100) {
		*dst++ = (char)('0' + b / 100);
		put_pair(dst, b);
		return dst + 2;
	}
	if (b >= 10) {
		put_pair(dst, b);
		return dst + 2;
	}
	*dst++ = (char)('0' + b);
	return dst;
}

int
fmt_unmap(int family, const uint8_t **addr, bool unmap)
{
	if (!unmap || family != AF_INET6 || !sock_addr_is_mapped(*addr))
		return family;
	*addr += 12;
	return AF_INET;
}

char *
fmt_ipv4(char *dst, const uint8_t addr[4])
{
	dst = put_byte(dst, addr[0]);
	*dst++ = '.';
	dst = put_byte(dst, addr[1]);
	*dst++ = '.';
	dst = put_byte(dst, addr[2]);
	*dst++ = '.';
	return put_byte(dst, addr[3]);
}

static char *
fmt_hex16(char *dst, unsigned int w)
{
	static const char digits[] = "0123456789abcdef";

	/* No leading zeros (RFC 5952, 4.1). */
	if (w >= 0x1000)
		*dst++ = digits[w >> 12];
	if (w >= 0x100)
		*dst++ = digits[(w >> 8) & 0xf];
	if (w >= 0x10)
		*dst++ = digits[(w >> 4) & 0xf];
	*dst++ = digits[w & 0xf];
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
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
		0xff };
	unsigned int words[8];
	int best = -1, best_len = 1;
	int i, j;

	/* Every IPv4 client of a dual listener: worth a shortcut. */
	if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
		memcpy(dst, "::ffff:", 7);
		return fmt_ipv4(dst + 7, addr + 12);
	}
	for (i = 0; i < 8; i++)
		words[i] = (unsigned int)addr[2 * i] << 8 | addr[2 * i + 1];
	/* best_len starts at 1: a single zero word is not shortened. */
	for (i = 0; i < 8; i = j + 1) {
		for (j = i; j < 8 && words[j] == 0; j++)
			;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
	}

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

char *
fmt_quote(char *dst, const char *s, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	char *p = dst;
	size_t i;

	for (i = 0; i < n && u[i] != '\0' && i < max; i++) {
		if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '\\') {
			*p++ = (char)u[i];
			continue;
		}
		*p++ = '\\';
		*p++ = 'x';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 0xf];
	}
	if (i < n && u[i] != '\0')
		p = stpcpy(p, "...");
	*p = '\0';
	return dst;
}

/* U+202A..U+202E and U+2066..U+2069 reorder the text around them. */
static bool
is_bidi_control(const unsigned char *u, size_t len)
{
	if (len != 3 || u[0] != 0xe2)
		return false;
	return (u[1] == 0x80 && u[2] >= 0xaa && u[2] <= 0xae) ||
	    (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9);
}

size_t
fmt_printable_len(const unsigned char *s, size_t n)
{
	size_t len;

	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] < 0x7f ? 1 : 0;
	len = fmt_utf8_len(s, n);
	/* C1 controls (U+0080..U+009F) are 0xc2 0x80..0x9f. */
	if (len == 0 || (s[0] == 0xc2 && s[1] < 0xa0) ||
	    is_bidi_control(s, len))
		return 0;
	return len;
}

uint32_t
fmt_utf8_decode(const unsigned char *s, size_t len)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[len];
	size_t i;

	for (i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}
