/*
 * popgen.c - build a large socket population for the benchmark (make bench)
 *
 *     popgen [-U] [-m KIND=WEIGHT|KIND=+COUNT,...] N
 *
 * Opens about N sockets of a chosen mix in the current network namespace,
 * prints "ready COUNT" on stdout once they all exist, and keeps them until
 * stdin reaches end of file or a SIGTERM, SIGINT or SIGHUP arrives.  It
 * changes the ephemeral port range, so it refuses to run in a namespace
 * with interfaces other than lo: run it under "unshare -n", or give -U to
 * make it unshare a namespace of its own (others can join it through
 * /proc/PID/ns/net).
 *
 * Kinds, in the order they are made (the scarce ports first):
 *
 *   ld  TCP listener, AF_INET6 on [::], v6only off          (dual)
 *   l6  TCP listener, AF_INET6 on [::1] or fd00::N          (v6only)
 *   l4  TCP listener, AF_INET on 127.3.x.y                  (v4)
 *   ud  UDP, AF_INET6 bound to [::], v6only off             (dual)
 *   u6  UDP, AF_INET6 bound to [::1]                        (v6only)
 *   u4  UDP, AF_INET bound to 127.4.x.y                     (v4)
 *   um  UDP, AF_INET6 bound to ::ffff:127.5.x.y, connected  (mapped)
 *   e4  TCP connection, IPv4 client to an IPv4 listener     (v4 + v4)
 *   em  TCP connection, IPv4 client to a dual listener      (v4 + mapped)
 *   e6  TCP connection, IPv6 client to a v6only listener    (v6 + v6)
 *
 * A weight is a share of N; KIND=+COUNT asks for exactly COUNT sockets of
 * a kind, the rest of N being shared by weight.  Both count sockets, so a
 * connection (both ends are in this namespace) takes two.  The listeners
 * the connections go to are extra: the parent opens one per
 * CONN_PER_LISTENER connections, each on a port of its own.  connect()
 * may give the same ephemeral port to connections to different
 * destinations (net/ipv4/inet_hashtables.c, __inet_hash_connect()), so
 * each destination needs fewer ports than the range holds, and the
 * standalone listeners bind ports outside that range so as not to take
 * any from it.
 *
 * The sockets are spread over holder processes as on a real server: the
 * first holder keeps HOLDER_BIG descriptors (the one big daemon), every
 * other one at most HOLDER_SMALL (many small ones), so -p's /proc walk
 * meets both shapes.  No high "ulimit -n" is assumed; RLIMIT_NOFILE is
 * raised as far as fs.nr_open and our privileges allow.  Holders are
 * built one after another: each accepts only the connections it made, and
 * the two cores of a small machine are left alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Ephemeral ports (TCP connect, UDP autobind) come from this range. */
#define EPH_RANGE "20000 65535\n"

/* Connections per listener: well below the ephemeral range. */
#define CONN_PER_LISTENER 20000
/* Listener ports for the connections: e4, em and e6 have their own. */
#define PORT_E4 1024
#define PORT_EM 1350
#define PORT_E6 1700
#define MAX_GROUPS 300
#define MAX_CONNS ((unsigned long)MAX_GROUPS * CONN_PER_LISTENER)

/* Standalone listener ports, outside the ephemeral range. */
#define PORT_L46 2000 /* l4 and l6, on many addresses: 2000-9999 */
#define NPORT_L46 8000
#define PORT_LD 10000 /* ld on [::]: 10000-19999 */
#define NPORT_LD 10000

/* UDP sockets per local address, for the kinds that rotate addresses. */
#define UDP_PER_ADDR 10000

/* Descriptors of the first holder process, and of each later one. */
#define HOLDER_BIG 20000
#define HOLDER_SMALL 1000
#define HOLDERS_MAX 4096

enum kind {
	K_LD,
	K_L6,
	K_L4,
	K_UD,
	K_U6,
	K_U4,
	K_UM,
	K_E4,
	K_EM,
	K_E6,
	K_COUNT,
};

struct kind_info {
	const char *name;
	unsigned int weight; /* default share of the sockets */
	unsigned long fixed; /* or an exact number of sockets (-m KIND=+N) */
	unsigned int fds; /* descriptors (and sockets) per item */
	unsigned long max; /* most items the port plan allows */
};

/* The default mix looks like a busy server: mostly connections. */
static struct kind_info kinds[K_COUNT] = {
	[K_LD] = { .name = "ld", .weight = 1, .fds = 1, .max = NPORT_LD },
	[K_L6] = { .name = "l6",
	    .weight = 1,
	    .fds = 1,
	    .max = 65535UL * NPORT_L46 },
	[K_L4] = { .name = "l4", .weight = 1, .fds = 1, .max = ULONG_MAX },
	[K_UD] = { .name = "ud", .weight = 1, .fds = 1, .max = 15000 },
	[K_U6] = { .name = "u6", .weight = 2, .fds = 1, .max = 25000 },
	[K_U4] = { .name = "u4", .weight = 10, .fds = 1, .max = ULONG_MAX },
	[K_UM] = { .name = "um", .weight = 4, .fds = 1, .max = ULONG_MAX },
	[K_E4] = { .name = "e4", .weight = 26, .fds = 2, .max = MAX_CONNS },
	[K_EM] = { .name = "em", .weight = 30, .fds = 2, .max = MAX_CONNS },
	[K_E6] = { .name = "e6", .weight = 24, .fds = 2, .max = MAX_CONNS },
};

/* A run of items of one kind, made by one holder. */
struct segment {
	enum kind kind;
	unsigned long first, count;
};

#define MAX_SEGMENTS (K_COUNT + 1)

/* The parent's listeners for e4, em and e6, inherited by every holder. */
static int group_fd[3][MAX_GROUPS];
static unsigned int ngroups[3];

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: popgen [-U] [-m KIND=WEIGHT|KIND=+COUNT,...] N\n"
	    "kinds: ld l6 l4 ud u6 u4 um e4 em e6 (see popgen.c)\n");
	exit(2);
}

static unsigned long
parse_ulong(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-')
		errx(2, "bad %s: %s", what, s);
	return v;
}

/*
 * -m replaces the whole default mix.  KIND=WEIGHT takes a share of the
 * sockets; KIND=+COUNT asks for exactly COUNT sockets of that kind (so
 * listeners can stay fixed while connections grow).
 */
static void
parse_mix(char *spec)
{
	char *item, *save = NULL;
	int k;

	for (k = 0; k < K_COUNT; k++)
		kinds[k].weight = 0;
	for (item = strtok_r(spec, ",", &save); item != NULL;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');

		if (eq == NULL)
			errx(2, "bad mix item (want KIND=WEIGHT): %s", item);
		*eq = '\0';
		for (k = 0; k < K_COUNT; k++)
			if (strcmp(item, kinds[k].name) == 0)
				break;
		if (k == K_COUNT)
			errx(2, "unknown kind in mix: %s", item);
		if (eq[1] == '+') {
			kinds[k].fixed = parse_ulong(eq + 2, "count");
		} else {
			unsigned long w = parse_ulong(eq + 1, "weight");

			if (w > 1000000)
				errx(2, "weight out of range (0-1000000): %s",
				    eq + 1);
			kinds[k].weight = (unsigned int)w;
		}
	}
}

/*
 * Our changes to sysctls must never reach a namespace others use.  A fresh
 * network namespace has lo and nothing else; anything more means we were
 * started somewhere real.
 */
static void
check_private_netns(void)
{
	struct if_nameindex *ifs, *i;

	ifs = if_nameindex();
	if (ifs == NULL)
		err(2, "if_nameindex");
	for (i = ifs; i->if_index != 0; i++)
		if (strcmp(i->if_name, "lo") != 0)
			errx(2,
			    "refusing to run in a network namespace with "
			    "interfaces (%s): use -U or unshare -n",
			    i->if_name);
	if_freenameindex(ifs);
}

static void
write_sysctl(const char *path, const char *value)
{
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		err(2, "%s", path);
	if (write(fd, value, strlen(value)) < 0)
		err(2, "%s", path);
	close(fd);
}

static void
lo_up(void)
{
	struct ifreq ifr;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		err(2, "socket");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err(2, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		err(2, "SIOCSIFFLAGS lo");
	close(fd);
}

/* Returns the soft descriptor limit after raising it as far as allowed. */
static unsigned long
raise_nofile(void)
{
	struct rlimit rl;
	unsigned long nr_open = 0;
	FILE *f;

	f = fopen("/proc/sys/fs/nr_open", "r");
	if (f != NULL) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 0;
		fclose(f);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		err(2, "getrlimit");
	if (nr_open > rl.rlim_max) {
		struct rlimit want = { nr_open, nr_open };

		/* Raising the hard limit needs CAP_SYS_RESOURCE. */
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return nr_open;
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		err(2, "setrlimit");
	return rl.rlim_cur;
}

static void
set_v6only(int fd, int on)
{
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0)
		err(2, "IPV6_V6ONLY");
}

static int
new_socket(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		err(2, "socket");
	return fd;
}

/* 127.P.x.y, one of 250 * 256 addresses under 127.P.0.0/16. */
static struct sockaddr_in
sin_at(unsigned int prefix, unsigned long n, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(0x7f000000U | prefix << 16 |
	    (uint32_t)(n / 250 % 256) << 8 | (uint32_t)(1 + n % 250));
	sin.sin_port = htons(port);
	return sin;
}

static struct sockaddr_in6
sin6_at(const struct in6_addr *addr, uint16_t port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	sin6.sin6_addr = *addr;
	sin6.sin6_port = htons(port);
	return sin6;
}

/* ::ffff:127.P.x.y */
static struct sockaddr_in6
mapped_at(unsigned int prefix, unsigned long n, uint16_t port)
{
	struct sockaddr_in sin = sin_at(prefix, n, port);
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	sin6.sin6_addr.s6_addr[10] = 0xff;
	sin6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&sin6.sin6_addr.s6_addr[12], &sin.sin_addr, 4);
	sin6.sin6_port = htons(port);
	return sin6;
}

static void
bind_or_die(int fd, const void *sa, socklen_t len, const char *what)
{
	if (bind(fd, sa, len) < 0)
		err(2, "bind (%s)", what);
}

static int
listener(
    int family, int v6only, const void *sa, socklen_t len, const char *what)
{
	int fd = new_socket(family, SOCK_STREAM);

	if (family == AF_INET6)
		set_v6only(fd, v6only);
	bind_or_die(fd, sa, len, what);
	if (listen(fd, 128) < 0)
		err(2, "listen (%s)", what);
	return fd;
}

/* One connection to group listener lfd; both ends stay open. */
static void
connect_pair(
    int family, const void *sa, socklen_t len, int lfd, const char *what)
{
	int fd;

	fd = new_socket(family, SOCK_STREAM);
	if (connect(fd, sa, len) < 0)
		err(2, "connect (%s)", what);
	/* Holders run one at a time: the oldest connection is ours. */
	if (accept4(lfd, NULL, NULL, SOCK_CLOEXEC) < 0)
		err(2, "accept (%s)", what);
}

/*
 * A v6only listener: on [::1] while its ports last, then on fd00::N, which
 * IPV6_FREEBIND lets us bind without configuring the address.  Binding a
 * specific address sets v6only either way (net/ipv6/af_inet6.c,
 * __inet6_bind()).
 */
static void
l6_listener(unsigned long i)
{
	struct sockaddr_in6 sin6 =
	    sin6_at(&in6addr_loopback, (uint16_t)(PORT_L46 + i % NPORT_L46));
	unsigned long n = i / NPORT_L46;
	int fd, on = 1;

	fd = new_socket(AF_INET6, SOCK_STREAM);
	set_v6only(fd, 1);
	if (n > 0) {
		memset(&sin6.sin6_addr, 0, sizeof(sin6.sin6_addr));
		sin6.sin6_addr.s6_addr[0] = 0xfd;
		sin6.sin6_addr.s6_addr[14] = (uint8_t)(n >> 8);
		sin6.sin6_addr.s6_addr[15] = (uint8_t)n;
		if (setsockopt(
			fd, IPPROTO_IPV6, IPV6_FREEBIND, &on, sizeof(on)) < 0)
			err(2, "IPV6_FREEBIND");
	}
	bind_or_die(fd, &sin6, sizeof(sin6), "l6");
	if (listen(fd, 128) < 0)
		err(2, "listen (l6)");
}

/* Makes item i of a kind; the descriptors stay open in this process. */
static void
make_item(enum kind k, unsigned long i)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	unsigned long g = i / CONN_PER_LISTENER;
	int fd;

	switch (k) {
	case K_LD:
		sin6 = sin6_at(&in6addr_any, (uint16_t)(PORT_LD + i));
		listener(AF_INET6, 0, &sin6, sizeof(sin6), "ld");
		break;
	case K_L6:
		l6_listener(i);
		break;
	case K_L4:
		sin = sin_at(
		    3, i / NPORT_L46, (uint16_t)(PORT_L46 + i % NPORT_L46));
		listener(AF_INET, 0, &sin, sizeof(sin), "l4");
		break;
	case K_UD:
		fd = new_socket(AF_INET6, SOCK_DGRAM);
		set_v6only(fd, 0);
		sin6 = sin6_at(&in6addr_any, 0);
		bind_or_die(fd, &sin6, sizeof(sin6), "ud");
		break;
	case K_U6:
		fd = new_socket(AF_INET6, SOCK_DGRAM);
		sin6 = sin6_at(&in6addr_loopback, 0);
		bind_or_die(fd, &sin6, sizeof(sin6), "u6");
		break;
	case K_U4:
		fd = new_socket(AF_INET, SOCK_DGRAM);
		sin = sin_at(4, i / UDP_PER_ADDR, 0);
		bind_or_die(fd, &sin, sizeof(sin), "u4");
		break;
	case K_UM:
		fd = new_socket(AF_INET6, SOCK_DGRAM);
		set_v6only(fd, 0);
		sin6 = mapped_at(5, i / UDP_PER_ADDR, 0);
		bind_or_die(fd, &sin6, sizeof(sin6), "um");
		/* ::ffff:127.0.0.1:9; UDP needs no one listening there. */
		sin6 = mapped_at(0, 0, 9);
		sin6.sin6_addr.s6_addr[15] = 1;
		sin6.sin6_addr.s6_addr[14] = 0;
		if (connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0)
			err(2, "connect (um)");
		break;
	case K_E4:
	case K_EM:
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port =
		    htons((uint16_t)((k == K_E4 ? PORT_E4 : PORT_EM) + g));
		connect_pair(AF_INET, &sin, sizeof(sin), group_fd[k - K_E4][g],
		    kinds[k].name);
		break;
	case K_E6:
		sin6 = sin6_at(&in6addr_loopback, (uint16_t)(PORT_E6 + g));
		connect_pair(
		    AF_INET6, &sin6, sizeof(sin6), group_fd[2][g], "e6");
		break;
	case K_COUNT:
		break;
	}
}

/* The listeners connections go to: one per CONN_PER_LISTENER of them. */
static unsigned long
open_groups(const unsigned long items[K_COUNT])
{
	unsigned long total = 0;
	unsigned int j, g;

	for (j = 0; j < 3; j++) {
		enum kind k = (enum kind)(K_E4 + j);
		struct sockaddr_in sin = { .sin_family = AF_INET };
		struct sockaddr_in6 sin6;

		ngroups[j] = (unsigned int)((items[k] + CONN_PER_LISTENER - 1) /
		    CONN_PER_LISTENER);
		for (g = 0; g < ngroups[j]; g++) {
			if (k == K_E4) {
				sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
				sin.sin_port = htons((uint16_t)(PORT_E4 + g));
				group_fd[j][g] = listener(AF_INET, 0, &sin,
				    sizeof(sin), "e4 listener");
			} else if (k == K_EM) {
				sin6 = sin6_at(
				    &in6addr_any, (uint16_t)(PORT_EM + g));
				group_fd[j][g] = listener(AF_INET6, 0, &sin6,
				    sizeof(sin6), "em listener");
			} else {
				sin6 = sin6_at(
				    &in6addr_loopback, (uint16_t)(PORT_E6 + g));
				group_fd[j][g] = listener(AF_INET6, 1, &sin6,
				    sizeof(sin6), "e6 listener");
			}
			total++;
		}
	}
	return total;
}

/* The holders and the two pipes that tie them to the parent. */
struct holders {
	pid_t pids[HOLDERS_MAX];
	unsigned int n;
	pid_t parent;
	FILE *report; /* read end: one "ok COUNT" line per holder */
	int report_fd; /* write end, for the holders */
	int stop_fd[2]; /* the holders wait for end of file on [0] */
};

/*
 * A holder: makes its segments, reports "ok COUNT", then keeps everything
 * open until the stop pipe reaches end of file (the parent closed it or
 * died).  Any failure ends the holder, and the parent reports it.
 */
static void
run_holder(
    const struct segment *segs, unsigned int nsegs, const struct holders *hs)
{
	unsigned long sockets = 0, i;
	unsigned int s;
	char line[64], c;
	ssize_t r;
	int len;

	close(hs->stop_fd[1]);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		err(2, "prctl");
	if (getppid() != hs->parent)
		_exit(2);
	for (s = 0; s < nsegs; s++) {
		for (i = 0; i < segs[s].count; i++)
			make_item(segs[s].kind, segs[s].first + i);
		sockets += segs[s].count * kinds[segs[s].kind].fds;
	}
	len = snprintf(line, sizeof(line), "ok %lu\n", sockets);
	if (write(hs->report_fd, line, (size_t)len) != len)
		_exit(2);
	close(hs->report_fd);
	for (;;) {
		r = read(hs->stop_fd[0], &c, 1);
		if (r == 0 || (r < 0 && errno != EINTR))
			break;
	}
	_exit(0);
}

/* Starts a holder, waits for its report and returns its socket count. */
static unsigned long
spawn_holder(const struct segment *segs, unsigned int nsegs, struct holders *hs)
{
	char line[64];
	unsigned long n;
	int status;
	pid_t pid;

	if (hs->n == sizeof(hs->pids) / sizeof(hs->pids[0]))
		errx(2, "too many holder processes");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		err(2, "fork");
	if (pid == 0)
		run_holder(segs, nsegs, hs);
	hs->pids[hs->n++] = pid;
	if (fgets(line, sizeof(line), hs->report) == NULL ||
	    sscanf(line, "ok %lu", &n) != 1) {
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
			errx(2, "holder %d failed (exit %d)", (int)pid,
			    WEXITSTATUS(status));
		errx(2, "holder %d failed", (int)pid);
	}
	return n;
}

int
main(int argc, char *argv[])
{
	unsigned long n, total_weight = 0, items[K_COUNT], sockets;
	unsigned long limit, cap, used;
	struct segment segs[MAX_SEGMENTS];
	struct holders hs = { .n = 0 };
	unsigned int nsegs = 0, h;
	struct sigaction sa;
	bool unshare_self = false;
	int report_pipe[2];
	int opt, k;
	char c;

	while ((opt = getopt(argc, argv, "Um:h")) != -1) {
		switch (opt) {
		case 'U':
			unshare_self = true;
			break;
		case 'm':
			parse_mix(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind + 1 != argc)
		usage();
	n = parse_ulong(argv[optind], "socket count");

	for (k = 0; k < K_COUNT; k++) {
		total_weight += kinds[k].weight;
		if (kinds[k].fixed > n)
			errx(2, "more %s sockets than in all", kinds[k].name);
		n -= kinds[k].fixed;
	}
	for (k = 0; k < K_COUNT; k++) {
		items[k] = kinds[k].fixed / kinds[k].fds;
		if (total_weight > 0)
			items[k] += (unsigned long)((double)n *
			    kinds[k].weight / total_weight / kinds[k].fds);
		if (items[k] > kinds[k].max)
			errx(2,
			    "%lu items of kind %s: at most %lu fit the "
			    "port plan",
			    items[k], kinds[k].name, kinds[k].max);
	}

	if (unshare_self && unshare(CLONE_NEWNET) < 0)
		err(2, "unshare(CLONE_NEWNET)");
	check_private_netns();
	lo_up();
	write_sysctl("/proc/sys/net/ipv4/ip_local_port_range", "20000 65535\n");
	limit = raise_nofile();

	sockets = open_groups(items);
	/* Room for the inherited listeners, stdio and the pipes. */
	if (limit < sockets + 1000)
		errx(2, "descriptor limit %lu is too low", limit);
	cap = limit - sockets - 64;
	if (cap > HOLDER_BIG)
		cap = HOLDER_BIG;

	if (pipe2(report_pipe, O_CLOEXEC) < 0 || pipe2(hs.stop_fd, O_CLOEXEC))
		err(2, "pipe");
	hs.report = fdopen(report_pipe[0], "r");
	if (hs.report == NULL)
		err(2, "fdopen");
	hs.report_fd = report_pipe[1];
	hs.parent = getpid();

	/* Fill holders with items in kind order, cap descriptors each. */
	used = 0;
	for (k = 0; k < K_COUNT; k++) {
		unsigned long first = 0, room, take;

		while (first < items[k]) {
			room = (cap - used) / kinds[k].fds;
			if (room == 0) {
				sockets += spawn_holder(segs, nsegs, &hs);
				nsegs = 0;
				used = 0;
				if (cap > HOLDER_SMALL)
					cap = HOLDER_SMALL;
				continue;
			}
			take = items[k] - first;
			if (take > room)
				take = room;
			segs[nsegs].kind = (enum kind)k;
			segs[nsegs].first = first;
			segs[nsegs].count = take;
			nsegs++;
			first += take;
			used += take * kinds[k].fds;
		}
	}
	if (nsegs > 0)
		sockets += spawn_holder(segs, nsegs, &hs);
	close(hs.stop_fd[0]);
	close(hs.report_fd);

	/* From here a signal stops us cleanly; before, it just kills. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	fprintf(stderr, "popgen: %lu sockets in %u holders:", sockets, hs.n);
	for (k = 0; k < K_COUNT; k++)
		if (items[k] > 0)
			fprintf(stderr, " %s %lu", kinds[k].name,
			    items[k] * kinds[k].fds);
	fprintf(
	    stderr, " +%u listeners\n", ngroups[0] + ngroups[1] + ngroups[2]);
	printf("ready %lu\n", sockets);
	fflush(stdout);

	/* No SA_RESTART: a signal makes read() fail with EINTR. */
	while (!stop_requested && read(STDIN_FILENO, &c, 1) > 0)
		;
	close(hs.stop_fd[1]);
	for (h = 0; h < hs.n; h++)
		waitpid(hs.pids[h], NULL, 0);
	return 0;
}
