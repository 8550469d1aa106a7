/*
 * nlforge.c - a hostile neighbour for itest_forge.sh (issue 14, item 1)
 *
 *   nlforge PORT   listens on TCP 0.0.0.0:PORT (a real socket dualstat must
 *                  always list), prints "ready", then until its standard
 *                  input is closed (or 600 s pass) finds every other
 *                  NETLINK_SOCK_DIAG socket of its network namespace in
 *                  /proc/net/netlink and unicasts forged sock_diag replies
 *                  at it
 *
 * What it sends, over and over, each datagram to every target:
 *   a reply for a socket that does not exist: AF_INET, LISTEN,
 *     192.0.2.66:31337 (TEST-NET-1), inode 31337; once with seq 0 and
 *     portid 0 (what libmnl takes as "any"), once with the target's portid
 *     and each seq from 1 to 8 (what dualstat sends first)
 *   that reply followed by NLMSG_DONE (status 0), which ends a dump early
 *
 * Sending to another socket's portid needs CAP_NET_ADMIN in the namespace
 * (net/netlink/af_netlink.c, netlink_sendmsg()): root here, or anyone
 * after unshare -Urn.  A socket connected to the kernel refuses the
 * datagrams (netlink_getsockbyportid() answers ECONNREFUSED).
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#define FORGED_PORT 31337
#define FORGED_ADDR "192.0.2.66"
#define MAX_TARGETS 64

static size_t
put_row(uint8_t *buf, uint32_t seq, uint32_t portid)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct inet_diag_msg *m = NLMSG_DATA(nlh);

	memset(buf, 0, NLMSG_SPACE(sizeof(*m)));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*m));
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	m->idiag_family = AF_INET;
	m->idiag_state = 10; /* TCP_LISTEN */
	m->id.idiag_sport = htons(FORGED_PORT);
	inet_pton(AF_INET, FORGED_ADDR, m->id.idiag_src);
	m->idiag_inode = FORGED_PORT;
	return NLMSG_SPACE(sizeof(*m));
}

static size_t
put_done(uint8_t *buf, uint32_t seq, uint32_t portid)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int32_t status = 0;

	memset(buf, 0, NLMSG_SPACE(sizeof(status)));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(status));
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = portid;
	memcpy(NLMSG_DATA(nlh), &status, sizeof(status));
	return NLMSG_SPACE(sizeof(status));
}

/* The portids of the namespace's other sock_diag sockets. */
static size_t
find_targets(uint32_t self, uint32_t *v)
{
	char line[256];
	unsigned int proto, pid;
	size_t n = 0;
	FILE *f;

	f = fopen("/proc/net/netlink", "r");
	if (f == NULL)
		err(1, "/proc/net/netlink");
	/* sk Eth Pid Groups ...: Eth is the protocol, Pid the portid. */
	while (fgets(line, sizeof(line), f) != NULL && n < MAX_TARGETS)
		if (sscanf(line, "%*s %u %u", &proto, &pid) == 2 &&
		    proto == NETLINK_SOCK_DIAG && pid != 0 && pid != self)
			v[n++] = pid;
	fclose(f);
	return n;
}

static void
send_to(int fd, uint32_t portid, const uint8_t *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = portid };

	/* A full queue or a refusing socket: try again next round. */
	(void)sendto(
	    fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
}

static void
forge_at(int fd, uint32_t portid)
{
	uint8_t buf[512] __attribute__((aligned(4)));
	uint32_t seq;
	size_t len;

	len = put_row(buf, 0, 0);
	send_to(fd, portid, buf, len);
	len += put_done(buf + len, 0, 0);
	send_to(fd, portid, buf, len);
	for (seq = 1; seq <= 8; seq++) {
		len = put_row(buf, seq, portid);
		send_to(fd, portid, buf, len);
		len += put_done(buf + len, seq, portid);
		send_to(fd, portid, buf, len);
	}
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	socklen_t melen = sizeof(me);
	uint32_t targets[MAX_TARGETS];
	struct pollfd in = { .fd = 0, .events = POLLIN };
	time_t end = time(NULL) + 600;
	size_t i, n;
	int lfd, nfd, one = 1;
	char c;

	if (argc != 2)
		errx(1, "usage: nlforge PORT");
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		err(1, "socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 8) < 0)
		err(1, "listen on port %s", argv[1]);
	nfd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nfd < 0)
		err(1, "netlink socket");
	if (bind(nfd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
	    getsockname(nfd, (struct sockaddr *)&me, &melen) < 0)
		err(1, "netlink bind");
	printf("ready\n");
	fflush(stdout);
	while (time(NULL) < end) {
		if (poll(&in, 1, 0) > 0 && read(0, &c, 1) <= 0)
			break;
		n = find_targets(me.nl_pid, targets);
		for (i = 0; i < n; i++)
			forge_at(nfd, targets[i]);
		/* A pause: spinning on /proc/net/netlink and refused sends
		 * slows every netlink call of the namespace (a dump took a
		 * second), and some hundred rounds a second are plenty. */
		usleep(200);
	}
	return 0;
}
