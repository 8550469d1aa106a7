/*
 * itest_proto.c - integration test of -M, -w and bound-inactive TCP
 * (root, netns)
 *
 * In a private network namespace: MPTCP listeners of each mode (dual,
 * v6only, v4) and connections to them (an IPv4 client of the dual one,
 * mapped on the server side; IPv6; IPv4), checked by inode against
 * dualstat -j, with no second row for their TCP subflows, the same modes
 * under -t, and the same sockets as ss -M; a Go-style server (a child
 * process with a dual MPTCP listener on [::]:8080) under -l -p; a --dump-raw
 * of it replayed; TCP sockets bound but not listening; raw sockets of both
 * families against ss -w; and where SCTP is there (after modprobe sctp),
 * a dual SCTP endpoint and an IPv4 association to it.  Each part skips,
 * with its reason, where the kernel cannot do it (net.mptcp.enabled = 0,
 * no raw_diag, Linux < 6.8, no SCTP).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define MPTCP 262 /* IPPROTO_MPTCP, include/uapi/linux/in.h */

static unsigned int skipped;

static void
skip(const char *part, const char *why)
{
	printf("SKIP %s: %s\n", part, why);
	skipped++;
}

/* An MPTCP (or TCP) socket bound to addr:port; listens if asked. */
static int
bound(int proto, const char *addr, uint16_t port, int v6only, bool listens)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, port, &ss);
	int fd, one = 1;

	fd = socket(ss.ss_family, SOCK_STREAM, proto);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6 && v6only >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)))
		itest_fatal("IPV6_V6ONLY: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("bind %s: %s", addr, strerror(errno));
	if (listens && listen(fd, 16) < 0)
		itest_fatal("listen: %s", strerror(errno));
	return fd;
}

/* An MPTCP client connected to addr:port. */
static int
mptcp_connect(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, port, &ss);
	int fd = socket(ss.ss_family, SOCK_STREAM, MPTCP);

	if (fd < 0)
		itest_fatal("MPTCP socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("connect %s: %s", addr, strerror(errno));
	return fd;
}

static bool has_row(
    const char *out, const char *const *k, const char *const *v, size_t n);

struct want {
	uint32_t inode;
	const char *state, *mode;
};

/*
 * Runs dualstat with args (-j among them) and checks that each wanted
 * inode has exactly one row, of protocol proto, in the wanted state and
 * mode, and that no row of another protocol carries it.
 */
static void
check_rows(const char *const args[], const char *what, const char *proto,
    const struct want *w, size_t nw)
{
	char *out, *err, buf[64];
	size_t i, k, n, len;
	int status;

	status = itest_run(args, &out, &err);
	itest_check(status == 0 && err[0] == '\0', "%s: exit %d, stderr: %s",
	    what, status, err);
	n = itest_count_lines(out);
	for (k = 0; k < nw; k++) {
		unsigned int rows = 0;

		for (i = 0; i < n; i++) {
			const char *line = itest_line(out, i, &len);
			char one[1024];

			if (line == NULL || line[0] != '{' ||
			    len >= sizeof(one))
				continue;
			memcpy(one, line, len);
			one[len] = '\0';
			if (!itest_json_get(one, "inode", buf, sizeof(buf)) ||
			    strtoul(buf, NULL, 10) != w[k].inode)
				continue;
			rows++;
			itest_json_get(one, "proto", buf, sizeof(buf));
			itest_check(strcmp(buf, proto) == 0,
			    "%s: inode %u listed as %s", what, w[k].inode, buf);
			itest_json_get(one, "state", buf, sizeof(buf));
			itest_check(strcmp(buf, w[k].state) == 0,
			    "%s: inode %u state %s, want %s", what, w[k].inode,
			    buf, w[k].state);
			itest_json_get(one, "mode", buf, sizeof(buf));
			itest_check(strcmp(buf, w[k].mode) == 0,
			    "%s: inode %u mode %s, want %s", what, w[k].inode,
			    buf, w[k].mode);
		}
		itest_check(rows == 1, "%s: inode %u in %u rows, want 1", what,
		    w[k].inode, rows);
	}
	free(out);
	free(err);
}

/* Counts the lines of a command's output holding needle. */
static unsigned int
count_with(const char *const argv[], const char *needle)
{
	char *out, *err;
	unsigned int c = 0;
	const char *p;

	if (itest_run_prog(argv, &out, &err) != 0)
		itest_fatal("%s failed: %s", argv[0], err);
	for (p = out; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		c++;
	free(out);
	free(err);
	return c;
}

/* ss -Mnae names each socket's inode as "ino:N". */
static void
check_against_ss_m(const struct want *w, size_t nw)
{
	static const char *const ss[] = { "ss", "-Mnae", NULL };
	char needle[32];
	size_t k;

	for (k = 0; k < nw; k++) {
		snprintf(needle, sizeof(needle), "ino:%u ", w[k].inode);
		itest_check(count_with(ss, needle) == 1,
		    "ss -M does not list inode %u once", w[k].inode);
	}
	/* Header line plus one line per socket: as many as dualstat's. */
	itest_check(count_with(ss, "ino:") == nw,
	    "ss -M lists %u sockets, dualstat %zu", count_with(ss, "ino:"), nw);
}

/*
 * -s counts from whichever dump delivers first (issue 13's concurrent
 * dumps): every socket here is MPTCP, so no TCP subflow may be counted,
 * and each MPTCP socket once.
 */
static void
check_summary(size_t n)
{
	static const char *const sa[] = { "-s", "-a", "-j", NULL };
	char *out, *err, tcp[1024], mp[1024];
	unsigned long sum = 0;
	const char *p;
	int status;

	status = itest_run(sa, &out, &err);
	itest_check(status == 0, "-s -a -j: %s", err);
	itest_check(itest_json_get(out, "tcp", tcp, sizeof(tcp)) &&
		itest_json_get(out, "mptcp", mp, sizeof(mp)),
	    "-s -a -j: no tcp or mptcp member: %s", out);
	for (p = tcp; (p = strstr(p, "\"total\":")) != NULL; p++)
		itest_check(
		    p[8] == '0', "-s -a: TCP subflows counted: %s", tcp);
	/* Each state group's total: together, every MPTCP socket once. */
	for (p = mp; (p = strstr(p, "\"total\":")) != NULL; p++)
		sum += strtoul(p + 8, NULL, 10);
	itest_check(sum == n, "-s -a: %lu MPTCP sockets counted, want %zu: %s",
	    sum, n, mp);
	free(out);
	free(err);
}

static bool
mptcp_enabled(void)
{
	FILE *f = fopen("/proc/sys/net/mptcp/enabled", "r");
	int on = 0;

	if (f == NULL)
		return false;
	if (fscanf(f, "%d", &on) != 1)
		on = 0;
	fclose(f);
	return on != 0;
}

/* The Go 1.24 net.Listen("tcp", ":8080"): a dual MPTCP listener, owned
 * by a process of its own. */
static pid_t
go_server(void)
{
	int ready[2];
	pid_t pid;
	char c = 0;

	if (pipe(ready) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_NAME, "goserver");
		bound(MPTCP, "::", 8080, 0, true);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		itest_fatal("the Go-style server did not start");
	close(ready[0]);
	return pid;
}

/* Folds each run of blanks into one: the table sizes its columns. */
static void
squeeze(char *s)
{
	const char *p;
	char *d = s;

	for (p = s; *p != '\0'; p++)
		if (*p != ' ' || d == s || d[-1] != ' ')
			*d++ = *p;
	*d = '\0';
}

/* True if a line of out starts with row. */
static bool
line_starts(const char *out, const char *row)
{
	size_t n = strlen(row);
	const char *p = out, *nl;

	for (;;) {
		if (strncmp(p, row, n) == 0)
			return true;
		nl = strchr(p, '\n');
		if (nl == NULL)
			return false;
		p = nl + 1;
	}
}

static void
test_go_server(void)
{
	static const char *const lp[] = { "-l", "-p", "-H", NULL };
	char *out, *err, want[128];
	pid_t pid = go_server();
	int status;

	status = itest_run(lp, &out, &err);
	itest_check(status == 0, "-l -p: exit %d: %s", status, err);
	snprintf(
	    want, sizeof(want), "users:((\"goserver\",pid=%d,fd=", (int)pid);
	squeeze(out);
	itest_check(line_starts(out, "mptcp LISTEN dual [::]:8080 "),
	    "-l -p: no 'mptcp LISTEN dual [::]:8080' row:\n%s", out);
	itest_check(
	    strstr(out, want) != NULL, "-l -p: no owner %s:\n%s", want, out);
	itest_check(!line_starts(out, "tcp LISTEN dual [::]:8080"),
	    "-l -p: the subflow is listed as tcp too:\n%s", out);
	free(out);
	free(err);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* A --dump-raw of MPTCP sockets replays as it listed. */
static void
test_mptcp_replay(void)
{
	char path[] = "/tmp/itest_proto.XXXXXX";
	const char *rec[] = { "-a", "--dump-raw", path, NULL };
	const char *rep[] = { "-a", "--replay", path, NULL };
	char *out1, *err1, *out2, *err2;
	int fd = mkstemp(path);

	if (fd < 0)
		itest_fatal("mkstemp: %s", strerror(errno));
	close(fd);
	unlink(path); /* --dump-raw creates it (O_EXCL) */
	int s1, s2;

	s1 = itest_run(rec, &out1, &err1);
	itest_check(s1 == 0, "--dump-raw: %s", err1);
	s2 = itest_run(rep, &out2, &err2);
	itest_check(s2 == 0, "--replay: %s", err2);
	itest_check(strcmp(out1, out2) == 0 && strstr(out1, "mptcp") != NULL,
	    "replayed MPTCP listing differs:\n%s---\n%s", out1, out2);
	unlink(path);
	free(out1);
	free(err1);
	free(out2);
	free(err2);
}

/*
 * A connection not yet accepted: the server's MPTCP socket and its TCP
 * subflow both report inode 0.  The subflow is still not listed as tcp.
 */
static void
test_unaccepted(int lfd)
{
	static const char *const all[] = { "-a", "-j", NULL };
	int c = mptcp_connect("127.0.0.1", itest_port(lfd));
	char lport[8], pport[8], *out, *err;
	int status;
	const char *k[3] = { "local_port", "peer_port", "proto" };
	const char *v[3] = { lport, pport, "tcp" };

	usleep(100000); /* the handshake completes in the kernel */
	snprintf(lport, sizeof(lport), "%u", itest_port(lfd));
	snprintf(pport, sizeof(pport), "%u", itest_port(c));
	status = itest_run(all, &out, &err);
	itest_check(status == 0, "-a: %s", err);
	itest_check(!has_row(out, k, v, 3),
	    "the subflow of an unaccepted MPTCP connection is listed as "
	    "tcp:\n%s",
	    out);
	v[2] = "mptcp";
	itest_check(has_row(out, k, v, 3),
	    "an unaccepted MPTCP connection is not listed:\n%s", out);
	free(out);
	free(err);
	close(c);
}

static void
test_mptcp(void)
{
	static const char *const all[] = { "-a", "-j", NULL };
	static const char *const m[] = { "-M", "-a", "-j", NULL };
	static const char *const t[] = { "-t", "-a", "-j", NULL };
	struct want w[9];
	size_t n = 0;
	int l_dual, l_v6, l_v4, c, s;

	if (!mptcp_enabled()) {
		skip("MPTCP", "net.mptcp.enabled is 0 (or no MPTCP)");
		return;
	}
	l_dual = bound(MPTCP, "::", 0, 0, true);
	if (l_dual < 0) {
		skip("MPTCP", "socket(IPPROTO_MPTCP) refused");
		return;
	}
	l_v6 = bound(MPTCP, "::", 0, 1, true);
	l_v4 = bound(MPTCP, "0.0.0.0", 0, -1, true);
	w[n++] = (struct want){ itest_inode(l_dual), "LISTEN", "dual" };
	w[n++] = (struct want){ itest_inode(l_v6), "LISTEN", "v6only" };
	w[n++] = (struct want){ itest_inode(l_v4), "LISTEN", "v4" };
	/* IPv4 to the dual listener: a v4 client, a mapped server end. */
	c = mptcp_connect("127.0.0.1", itest_port(l_dual));
	s = itest_accept(l_dual);
	w[n++] = (struct want){ itest_inode(c), "ESTAB", "v4" };
	w[n++] = (struct want){ itest_inode(s), "ESTAB", "mapped" };
	/* IPv6 to the v6only one: v6 both ends. */
	c = mptcp_connect("::1", itest_port(l_v6));
	s = itest_accept(l_v6);
	w[n++] = (struct want){ itest_inode(c), "ESTAB", "v6" };
	w[n++] = (struct want){ itest_inode(s), "ESTAB", "v6" };
	/* IPv4 to IPv4. */
	c = mptcp_connect("127.0.0.1", itest_port(l_v4));
	s = itest_accept(l_v4);
	w[n++] = (struct want){ itest_inode(c), "ESTAB", "v4" };
	w[n++] = (struct want){ itest_inode(s), "ESTAB", "v4" };

	/* Default and -M: each once, as mptcp, the subflows hidden. */
	check_rows(all, "dualstat -a -j", "mptcp", w, n);
	check_rows(m, "dualstat -M -a -j", "mptcp", w, n);
	/* -t alone: the subflows, as tcp, in the same modes. */
	check_rows(t, "dualstat -t -a -j", "tcp", w, n);
	check_summary(n);
	check_against_ss_m(w, n);
	test_go_server();
	test_mptcp_replay();
	test_unaccepted(l_v4);
}

static bool
kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}

static void
test_bound_inactive(void)
{
	static const char *const a[] = { "-t", "-a", "-j", NULL };
	static const char *const bi[] = { "-t", "--state", "bound-inactive",
		"-j", NULL };
	static const char *const cl[] = { "--state", "closed", "-j", NULL };
	static const char *const l[] = { "-t", "-l", "-H", NULL };
	struct want w[3];
	char *out, *err;
	int fd[3];

	if (!kernel_at_least(6, 8)) {
		skip("bound-inactive", "Linux before 6.8 does not report them");
		return;
	}
	fd[0] = bound(IPPROTO_TCP, "::", 0, 0, false);
	fd[1] = bound(IPPROTO_TCP, "::", 0, 1, false);
	fd[2] = bound(IPPROTO_TCP, "127.0.0.1", 0, -1, false);
	w[0] = (struct want){ itest_inode(fd[0]), "UNCONN", "dual" };
	w[1] = (struct want){ itest_inode(fd[1]), "UNCONN", "v6only" };
	w[2] = (struct want){ itest_inode(fd[2]), "UNCONN", "v4" };
	check_rows(a, "dualstat -t -a -j", "tcp", w, 3);
	check_rows(bi, "dualstat -t --state bound-inactive", "tcp", w, 3);
	check_rows(cl, "dualstat --state closed", "tcp", w, 3);
	/* ss -l leaves them out; so does -l. */
	itest_run(l, &out, &err);
	itest_check(
	    itest_count_lines(out) == 0 || strstr(out, "UNCONN") == NULL,
	    "-t -l lists bound-inactive sockets:\n%s", out);
	free(out);
	free(err);
	close(fd[0]);
	close(fd[1]);
	close(fd[2]);
}

static void
test_raw(void)
{
	static const char *const w_args[] = { "-w", "-a", "-j", NULL };
	/* Where the kernel has no raw_diag, ss reads /proc/net/raw{,6},
	 * which gives no "ino:": its lines are counted. */
	static const char *const ss[] = { "ss", "-wnaH", NULL };
	static const char *const table[] = { "-w", "-a", "-H", NULL };
	struct want w[3];
	char *out, *err;
	int r4, r6, r6d, off = 0;
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 };

	r4 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	r6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	/* Bound to [::] with v6only 0: would be "dual" by the TCP rules,
	 * but an IPv6 raw socket never receives IPv4. */
	r6d = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
	if (r4 < 0 || r6 < 0 || r6d < 0)
		itest_fatal("raw socket: %s", strerror(errno));
	setsockopt(r6d, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(r6d, (struct sockaddr *)&any, sizeof(any)) < 0)
		itest_fatal("bind raw: %s", strerror(errno));
	itest_run(w_args, &out, &err);
	/* Without raw_diag dualstat reads /proc/net/raw{,6} instead. */
	if (strstr(err, "no raw_diag") != NULL) {
		skip("raw",
		    "no raw_diag (CONFIG_INET_RAW_DIAG), no /proc/net/raw");
		free(out);
		free(err);
		return;
	}
	free(out);
	free(err);
	w[0] = (struct want){ itest_inode(r4), "UNCONN", "v4" };
	w[1] = (struct want){ itest_inode(r6), "UNCONN", "v6only" };
	w[2] = (struct want){ itest_inode(r6d), "UNCONN", "v6only" };
	check_rows(w_args, "dualstat -w -a -j", "raw", w, 3);
	itest_check(count_with(ss, "\n") == 3, "ss -w does not list 3");
	/* The protocol number in the port column. */
	itest_run(table, &out, &err);
	itest_check(strstr(out, "0.0.0.0:1 ") != NULL &&
		strstr(out, "[::]:58 ") != NULL &&
		strstr(out, "[::]:17 ") != NULL,
	    "-w table: protocol numbers not in the port column:\n%s", out);
	free(out);
	free(err);
}

/*
 * Whether out has a JSON row whose fields k[i] hold v[i] (n pairs).
 */
static bool
has_row(const char *out, const char *const *k, const char *const *v, size_t n)
{
	char one[4096], buf[128];
	size_t i, j, len;

	for (i = 0; i < itest_count_lines(out); i++) {
		const char *line = itest_line(out, i, &len);

		if (line == NULL || line[0] != '{' || len >= sizeof(one))
			continue;
		memcpy(one, line, len);
		one[len] = '\0';
		for (j = 0; j < n; j++)
			if (!itest_json_get(one, k[j], buf, sizeof(buf)) ||
			    strcmp(buf, v[j]) != 0)
				break;
		if (j == n)
			return true;
	}
	return false;
}

/* An SCTP socket (one-to-one style); -errno if the kernel has none. */
static int
sctp_socket(int family)
{
	int fd = socket(family, SOCK_STREAM, IPPROTO_SCTP);

	return fd < 0 ? -errno : fd;
}

static void
test_sctp(void)
{
	static const char *const modprobe[] = { "modprobe", "sctp", NULL };
	static const char *const s_args[] = { "-S", "-a", "-j", NULL };
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 };
	struct sockaddr_in lo = { .sin_family = AF_INET };
	const char *k[3], *v[3];
	char *out, *err, port[8], ino[16];
	int l, c, s, off = 0, status;

	l = sctp_socket(AF_INET6);
	if (l < 0) {
		/* The test may load it; dualstat never does. */
		if (itest_run_prog(modprobe, &out, &err) == 0)
			l = sctp_socket(AF_INET6);
		free(out);
		free(err);
		if (l < 0) {
			skip("SCTP",
			    "no SCTP in this kernel (modprobe sctp "
			    "failed)");
			return;
		}
	}
	setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(l, (struct sockaddr *)&any, sizeof(any)) < 0 ||
	    listen(l, 4) < 0)
		itest_fatal("SCTP listener: %s", strerror(errno));
	c = sctp_socket(AF_INET);
	lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lo.sin_port = htons(itest_port(l));
	if (c < 0 || connect(c, (struct sockaddr *)&lo, sizeof(lo)) < 0)
		itest_fatal("SCTP connect: %s", strerror(errno));
	s = itest_accept(l);
	snprintf(port, sizeof(port), "%u", itest_port(l));
	snprintf(ino, sizeof(ino), "%u", itest_inode(l));
	status = itest_run(s_args, &out, &err);
	itest_check(status == 0, "-S -a: %s", err);
	/* The endpoint: bound to [::], v6only 0. */
	k[0] = "inode", v[0] = ino, k[1] = "state", v[1] = "LISTEN";
	k[2] = "mode", v[2] = "dual";
	itest_check(has_row(out, k, v, 3), "SCTP: no dual endpoint:\n%s", out);
	/* The server's association: an IPv4 peer on an IPv6 socket. */
	k[0] = "local_port", v[0] = port, k[1] = "state", v[1] = "ESTAB";
	k[2] = "mode", v[2] = "mapped";
	itest_check(
	    has_row(out, k, v, 3), "SCTP: no mapped association:\n%s", out);
	/* The client's: IPv4 on an IPv4 socket. */
	k[0] = "peer_port", v[0] = port, k[1] = "state", v[1] = "ESTAB";
	k[2] = "mode", v[2] = "v4";
	itest_check(has_row(out, k, v, 3), "SCTP: no v4 association:\n%s", out);
	free(out);
	free(err);
	close(s);
	close(c);
	close(l);
}

int
main(void)
{
	itest_enter_netns();
	test_mptcp();
	test_bound_inactive();
	test_raw();
	test_sctp();
	if (skipped > 0 && itest_failures() == 0)
		printf("itest_proto: %u part(s) skipped\n", skipped);
	itest_finish("itest_proto");
}
