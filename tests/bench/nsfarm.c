/*
 * nsfarm.c - many small network namespaces for the benchmark's
 * namespace-count axis (make bench; issue 20)
 *
 *     nsfarm DIR N
 *
 * Makes N network namespaces, each holding five sockets (TCP listeners
 * on 0.0.0.0 and [::], UDP on 0.0.0.0, [::] and [::] v6only), and names
 * them DIR/nsfarm-I by bind mounts, as ip-netns(8) does under /run/netns:
 * run it in a mount namespace of its own, with a tmpfs on DIR, so no one
 * else's --all-netns meets them.  This process holds the sockets from the
 * namespace it started in.  Prints "ready N" once all are made, then
 * waits for its standard input to close, unmounts the names and exits
 * (the namespaces go with their sockets).  Exit status 1 on any failure.
 */
#include "config.h"

#include <err.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* A socket of type on 0.0.0.0:7000, or [::]:7001 v6only, or [::]:7002
 * dual, listening if TCP. */
static void
sock_open(int type, int v6, int v6only)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET,
		.sin_port = htons(7000) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
		.sin6_port = htons(v6only ? 7001 : 7002),
		.sin6_addr = IN6ADDR_ANY_INIT };
	int fd, on = 1;

	fd = socket(v6 ? AF_INET6 : AF_INET, type, 0);
	if (fd < 0)
		err(1, "socket");
	if (v6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0 &&
	    v6only)
		err(1, "IPV6_V6ONLY");
	if (v6 && !v6only) {
		on = 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	}
	if (v6 ? bind(fd, (struct sockaddr *)&a6, sizeof(a6))
	       : bind(fd, (struct sockaddr *)&a4, sizeof(a4)))
		err(1, "bind");
	if (type == SOCK_STREAM && listen(fd, 1) < 0)
		err(1, "listen");
}

int
main(int argc, char *argv[])
{
	char path[4096], c;
	long n, i;
	int own, fd;

	if (argc != 3 || (n = strtol(argv[2], NULL, 10)) < 1 || n > 10000)
		errx(1, "usage: nsfarm DIR N (1 to 10000)");
	own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		err(1, "/proc/self/ns/net");
	for (i = 0; i < n; i++) {
		if (unshare(CLONE_NEWNET) < 0)
			err(1, "unshare");
		sock_open(SOCK_STREAM, 0, 0);
		sock_open(SOCK_STREAM, 1, 1);
		sock_open(SOCK_DGRAM, 0, 0);
		sock_open(SOCK_DGRAM, 1, 1);
		sock_open(SOCK_DGRAM, 1, 0);
		snprintf(path, sizeof(path), "%s/nsfarm-%ld", argv[1], i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
		if (fd < 0)
			err(1, "%s", path);
		close(fd);
		if (mount("/proc/thread-self/ns/net", path, NULL, MS_BIND,
			NULL) < 0)
			err(1, "mount %s", path);
	}
	if (setns(own, CLONE_NEWNET) < 0)
		err(1, "setns");
	printf("ready %ld\n", n);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/nsfarm-%ld", argv[1], i);
		umount2(path, MNT_DETACH);
		unlink(path);
	}
	return 0;
}
