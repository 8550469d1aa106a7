/*
 * relpop.c - socket populations for the reliability tests
 *
 *   relpop pop       opens the known population below, prints "ready" and
 *                    holds it until its standard input is closed
 *   relpop many N    opens N TCP listeners on 127.0.0.1:10000.. and N
 *                    dual UDP sockets on [::]:20000.., prints "ready" and
 *                    holds them until its standard input is closed
 *   relpop churn N   opens and closes TCP connections (AF_INET and dual
 *                    AF_INET6, 64 open at a time) until killed or N
 *                    seconds pass, printing "ready" once the first are up
 *
 * The population (loopback, in the test's private network namespace):
 *   tcp  0.0.0.0:2222           LISTEN  v4
 *   tcp  [::]:3128              LISTEN  dual     (IPV6_V6ONLY 0)
 *   tcp  [::]:8443              LISTEN  v6only   (IPV6_V6ONLY 1)
 *   tcp  127.0.0.1 -> :2222     ESTAB   v4       (and its accepted peer)
 *   tcp  127.0.0.1 -> [::]:3128 ESTAB   v4       client;
 *        accepted [::ffff:127.0.0.1]:3128 ESTAB  mapped
 *   tcp  [::1] -> [::]:8443     ESTAB   v6       (both ends)
 *   udp  0.0.0.0:5353           UNCONN  v4
 *   udp  [::]:5354              UNCONN  dual
 *   udp  [::1]:53               UNCONN  v6only   (the kernel sets it)
 *   udp  [::]:5355 connected to [::ffff:127.0.0.1]:5353  ESTAB  mapped
 */
#include <arpa/inet.h>
#include <err.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* In churn, a failed connect (ports all in TIME-WAIT) is skipped. */
static int lenient;

static int
sock6(int type, const char *addr, int port, int v6only)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	int fd, one = 1;

	fd = socket(AF_INET6, type, 0);
	if (fd < 0)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6only >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)))
		err(1, "IPV6_V6ONLY");
	sa.sin6_port = htons((uint16_t)port);
	if (inet_pton(AF_INET6, addr, &sa.sin6_addr) != 1)
		errx(1, "bad address %s", addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err(1, "bind [%s]:%d", addr, port);
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		err(1, "listen");
	return fd;
}

static int
sock4(int type, const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd, one = 1;

	fd = socket(AF_INET, type, 0);
	if (fd < 0)
		err(1, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		errx(1, "bad address %s", addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		err(1, "bind %s:%d", addr, port);
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		err(1, "listen");
	return fd;
}

/* Connects a new socket of family to addr:port; returns it. */
static int
connect_to(int family, int type, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sa = (struct sockaddr_in *)&ss;

		sa->sin_family = AF_INET;
		sa->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &sa->sin_addr);
		len = sizeof(*sa);
	} else {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;

		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &sa->sin6_addr);
		len = sizeof(*sa);
	}
	fd = socket(family, type, 0);
	if (fd < 0)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		if (!lenient)
			err(1, "connect %s:%d", addr, port);
		close(fd);
		return -1;
	}
	return fd;
}

static int
accept_one(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		err(1, "accept");
	return fd;
}

static int
run_pop(void)
{
	int l4, ldual, lv6only, u6;
	char c;

	l4 = sock4(SOCK_STREAM, "0.0.0.0", 2222);
	ldual = sock6(SOCK_STREAM, "::", 3128, 0);
	lv6only = sock6(SOCK_STREAM, "::", 8443, 1);
	connect_to(AF_INET, SOCK_STREAM, "127.0.0.1", 2222);
	accept_one(l4);
	connect_to(AF_INET, SOCK_STREAM, "127.0.0.1", 3128);
	accept_one(ldual);
	connect_to(AF_INET6, SOCK_STREAM, "::1", 8443);
	accept_one(lv6only);
	sock4(SOCK_DGRAM, "0.0.0.0", 5353);
	sock6(SOCK_DGRAM, "::", 5354, 0);
	sock6(SOCK_DGRAM, "::1", 53, -1);
	u6 = sock6(SOCK_DGRAM, "::", 5355, 0);
	close(u6);
	u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	{
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6,
			.sin6_port = htons(5355) };
		struct sockaddr_in6 peer = { .sin6_family = AF_INET6,
			.sin6_port = htons(5353) };

		if (bind(u6, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			err(1, "bind udp [::]:5355");
		inet_pton(AF_INET6, "::ffff:127.0.0.1", &peer.sin6_addr);
		if (connect(u6, (struct sockaddr *)&peer, sizeof(peer)) < 0)
			err(1, "connect udp mapped");
	}
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

static int
run_many(int n)
{
	char c;
	int i;

	if (n < 1 || n > 5000)
		errx(1, "many: N out of range");
	for (i = 0; i < n; i++) {
		sock4(SOCK_STREAM, "127.0.0.1", 10000 + i);
		sock6(SOCK_DGRAM, "::", 20000 + i, 0);
	}
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

#define CHURN_OPEN 64

static int
run_churn(int seconds)
{
	int l4, l6, pairs[CHURN_OPEN][2];
	unsigned long n = 0;
	time_t end = time(NULL) + seconds;
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	int i;

	lenient = 1;
	l4 = sock4(SOCK_STREAM, "127.0.0.1", 7000);
	l6 = sock6(SOCK_STREAM, "::", 7001, 0);
	for (i = 0; i < CHURN_OPEN; i++)
		pairs[i][0] = pairs[i][1] = -1;
	for (;;) {
		i = (int)(n % CHURN_OPEN);
		if (pairs[i][0] >= 0) {
			/* Every other close is a reset: no TIME-WAIT left. */
			if (n % 2 == 0)
				setsockopt(pairs[i][0], SOL_SOCKET, SO_LINGER,
				    &rst, sizeof(rst));
			close(pairs[i][0]);
			close(pairs[i][1]);
		}
		pairs[i][0] = connect_to(AF_INET, SOCK_STREAM, "127.0.0.1",
		    n % 2 == 0 ? 7000 : 7001);
		pairs[i][1] =
		    pairs[i][0] < 0 ? -1 : accept_one(n % 2 == 0 ? l4 : l6);
		if (++n == CHURN_OPEN) {
			printf("ready\n");
			fflush(stdout);
		}
		if (n % 256 == 0 && time(NULL) >= end)
			break;
	}
	fprintf(stderr, "relpop: %lu connections\n", n);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 2 && strcmp(argv[1], "pop") == 0)
		return run_pop();
	if (argc == 3 && strcmp(argv[1], "many") == 0)
		return run_many(atoi(argv[2]));
	if (argc == 3 && strcmp(argv[1], "churn") == 0)
		return run_churn(atoi(argv[2]));
	fprintf(stderr, "usage: relpop pop | many N | churn SECONDS\n");
	return 2;
}
