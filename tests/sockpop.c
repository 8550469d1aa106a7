/*
 * sockpop.c - hold a small, described socket population (make demo)
 *
 * Usage: sockpop SPEC...   where SPEC is one of
 *   tcp:ADDR:PORT        TCP listener, IPV6_V6ONLY as the system default
 *   tcp-dual:ADDR:PORT   TCP listener with IPV6_V6ONLY 0
 *   tcp-v6only:ADDR:PORT TCP listener with IPV6_V6ONLY 1
 *   udp:ADDR:PORT        bound UDP socket (likewise udp-dual, udp-v6only)
 *   connect:ADDR:PORT    TCP client
 *   raw:ADDR:PROTO       raw socket of protocol PROTO bound to ADDR
 *   rawc:ADDR:PROTO      raw socket of protocol PROTO connected to ADDR
 *   close:ADDR:PORT      TCP client closed at once: once its peer has
 *                        acknowledged the FIN, a FIN-WAIT-2 that no
 *                        descriptor holds (the peer, accepted, stays
 *                        in CLOSE-WAIT)
 * IPv6 addresses go in brackets: tcp-dual:[::]:3128.  A kind may end in
 * @IFNAME to bind to that device first (SO_BINDTODEVICE): tcp@eth0:...  Pending
 * connections are accepted, then "ready" is printed and the sockets are
 * held until standard input closes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itest.h"

#define MAX_SOCKS 256

static void
split(char *spec, char **kind, char **addr, uint16_t *port)
{
	char *p = strchr(spec, ':'), *colon;

	if (p == NULL)
		itest_fatal("bad spec '%s'", spec);
	*p++ = '\0';
	*kind = spec;
	if (*p == '[') {
		*addr = p + 1;
		p = strchr(p, ']');
		if (p == NULL || p[1] != ':')
			itest_fatal("bad address in spec");
		*p = '\0';
		colon = p + 1;
	} else {
		*addr = p;
		colon = strrchr(p, ':');
		if (colon == NULL)
			itest_fatal("no port in spec");
		*colon = '\0';
	}
	*port = (uint16_t)atoi(colon + 1);
}

/* A raw socket of protocol proto, bound to addr or connected to it. */
static void
raw(const char *kind, const char *addr, uint16_t proto)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, 0, &ss);
	int fd;

	fd = socket(ss.ss_family, SOCK_RAW, proto);
	if (fd < 0)
		itest_fatal("raw socket %s: %s", addr, strerror(errno));
	if (strcmp(kind, "raw") == 0
		? bind(fd, (struct sockaddr *)&ss, len) < 0
		: connect(fd, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("%s %s: %s", kind, addr, strerror(errno));
}

int
main(int argc, char *argv[])
{
	int listeners[MAX_SOCKS], nl = 0, i, n = 0;
	char buf[64];

	for (i = 1; i < argc && i < MAX_SOCKS; i++) {
		char *kind, *addr, *dev;
		uint16_t port;
		int v6only = -1;

		split(argv[i], &kind, &addr, &port);
		dev = strchr(kind, '@');
		if (dev != NULL)
			*dev++ = '\0';
		if (strstr(kind, "-dual") != NULL)
			v6only = 0;
		else if (strstr(kind, "-v6only") != NULL)
			v6only = 1;
		if (strncmp(kind, "tcp", 3) == 0)
			listeners[nl++] = itest_bind_dev(
			    SOCK_STREAM, addr, port, v6only, dev);
		else if (strncmp(kind, "udp", 3) == 0)
			itest_bind_dev(SOCK_DGRAM, addr, port, v6only, dev);
		else if (strcmp(kind, "connect") == 0)
			itest_connect(SOCK_STREAM, addr, port);
		else if (strcmp(kind, "raw") == 0 || strcmp(kind, "rawc") == 0)
			raw(kind, addr, port);
		else if (strcmp(kind, "close") == 0)
			close(itest_connect(SOCK_STREAM, addr, port));
		else
			itest_fatal("unknown kind '%s'", kind);
		n++;
	}
	/* Accept what is pending, so both ends of each connection show. */
	usleep(20000);
	for (i = 0; i < nl; i++) {
		fcntl(listeners[i], F_SETFL, O_NONBLOCK);
		while (accept(listeners[i], NULL, NULL) >= 0)
			n++;
	}
	printf("ready %d\n", n);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
