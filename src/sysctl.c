/*
 * sysctl.c - read integer sysctls (-s/--summary shows bindv6only; the
 * autobound filter term reads the ephemeral port range)
 *
 * /proc/sys/net shows the sysctls of the network namespace of the thread
 * that opens it, not of the process (net/sysctl_net.c, net_ctl_header_
 * lookup() reads current->nsproxy): called on a thread that has entered a
 * namespace (scope.c, under netns_call()), this reads that namespace's.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "sysctl.h"

/* Reads the file at path into buf (NUL-terminated); returns 0 or -errno. */
static int
read_small(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	saved = errno;
	close(fd);
	if (n < 0)
		return -saved;
	buf[n] = '\0';
	return 0;
}

/* Parses one integer at *p, moving *p past it; returns 0 or -EINVAL. */
static int
parse_one(const char **p, int *value)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(*p, &end, 10);
	if (end == *p || errno != 0 || v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	*p = end;
	*value = (int)v;
	return 0;
}

int
sysctl_read_int(const char *path, int *value)
{
	char buf[32];
	const char *p = buf;
	int v, ret;

	ret = read_small(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (parse_one(&p, &v) < 0 || (*p != '\n' && *p != '\0'))
		return -EINVAL;
	*value = v;
	return 0;
}

int
sysctl_read_range(const char *path, int *lo, int *hi)
{
	char buf[64];
	const char *p = buf;
	int a, b, ret;

	ret = read_small(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (parse_one(&p, &a) < 0 || (*p != '\t' && *p != ' ') ||
	    parse_one(&p, &b) < 0 || (*p != '\n' && *p != '\0') || a > b)
		return -EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}
