/*
 * num.c - the one parser of decimal numbers (--sport, --dport, prefix
 * lengths, the pids and descriptors named in /proc)
 *
 * strtoul() takes signs, spaces and "0x" and wraps "-1" to ULONG_MAX:
 * none of that belongs in a port number or a /proc name.
 */
#include "config.h"

#include <errno.h>

#include "num.h"

int
num_parse_ulong(const char *text, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *p = text;

	if (*p == '\0')
		return -EINVAL;
	for (; *p != '\0'; p++) {
		unsigned long d = (unsigned long)(*p - '0');

		if (*p < '0' || *p > '9')
			return -EINVAL;
		/* Checked before each step, so v never wraps. */
		if (v > max / 10)
			return -ERANGE;
		v *= 10;
		if (d > max - v)
			return -ERANGE;
		v += d;
	}
	*out = v;
	return 0;
}
