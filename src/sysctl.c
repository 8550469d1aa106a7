/*
 * sysctl.c - read one integer sysctl (-s/--summary shows bindv6only)
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

int
sysctl_read_int(const char *path, int *value)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	saved = errno;
	close(fd);
	if (n < 0)
		return -saved;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || errno != 0 || v < INT_MIN || v > INT_MAX ||
	    (*end != '\n' && *end != '\0'))
		return -EINVAL;
	*value = (int)v;
	return 0;
}
