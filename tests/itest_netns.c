/*
 * itest_netns.c - integration test of -N and --all-netns (root)
 *
 * The test runs as pid 1 of a pid namespace of its own, with its own mount
 * namespace, /proc and /run (a tmpfs), so --all-netns sees exactly the
 * namespaces made here and nothing is left behind on the host:
 *
 *   host       the test's own namespace (that of its PID 1): one UDP
 *              socket
 *   blue       named (a bind mount under /run/netns) and held by no
 *              process: the test enters it, opens sockets there and comes
 *              back, so their holder (pid 1) lives in another namespace
 *   pid:S1     held only by a sleeping child: a v6only listener, a dual
 *              listener, an IPv4 client and its mapped server end
 *   pid:S2     held by a sleeping child and its own child, which share a
 *              dual listener and a v6only UDP socket across fork()
 *
 * Then: --all-netns -a -p -j finds each socket once, in the right
 * namespace (name and inode), with the right mode and holders; -N by name
 * and by path selects one; bad -N arguments fail cleanly; an entry under
 * /run/netns that is not a namespace is a warning, not a failure; and
 * netns_call() leaves the calling thread where it was.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"
#include "netns.h"

/*
 * In --enable-sanitizers builds: LeakSanitizer cannot stop the world from
 * pid 1 of a pid namespace, where this harness runs.  dualstat itself,
 * which it runs, keeps leak checking.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

struct rec {
	uint32_t inode;
	int fd;
	char mode[8];
	char state[12];
};

struct expect {
	struct rec r;
	char netns[32];
	uint64_t netns_inode;
	int pids[2], npids; /* holders, by pid */
	const char *comms[2];
	int seen;
};

#define MAX_EXPECT 32
static struct expect exp_tab[MAX_EXPECT];
static size_t nexp;

static uint64_t
inode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		itest_fatal("stat %s: %s", path, strerror(errno));
	return st.st_ino;
}

static void
expect(const struct rec *r, const char *netns, uint64_t ns_ino, int pid0,
    const char *comm0, int pid1, const char *comm1)
{
	struct expect *e = &exp_tab[nexp++];

	memset(e, 0, sizeof(*e));
	e->r = *r;
	snprintf(e->netns, sizeof(e->netns), "%s", netns);
	e->netns_inode = ns_ino;
	e->pids[0] = pid0;
	e->comms[0] = comm0;
	e->npids = 1;
	if (pid1 > 0) {
		e->pids[1] = pid1;
		e->comms[1] = comm1;
		e->npids = 2;
	}
}

static struct rec
rec_of(int fd, const char *mode, const char *state)
{
	struct rec r;

	/* dualstat, run from here, must not hold it too. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		itest_fatal("FD_CLOEXEC: %s", strerror(errno));
	memset(&r, 0, sizeof(r));
	r.inode = itest_inode(fd);
	r.fd = fd;
	snprintf(r.mode, sizeof(r.mode), "%s", mode);
	snprintf(r.state, sizeof(r.state), "%s", state);
	return r;
}

static void
write_all(int fd, const void *buf, size_t len)
{
	if (write(fd, buf, len) != (ssize_t)len)
		itest_fatal("write to parent: %s", strerror(errno));
}

static void
read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, (char *)buf + got, len - got);
		if (n <= 0)
			itest_fatal("child report cut short");
		got += (size_t)n;
	}
}

/* Blocks until the parent closes the other end (or dies). */
static void
wait_parent(int fd)
{
	char b;

	while (read(fd, &b, 1) > 0)
		;
}

/*
 * Sleeper 1: its own namespace, held by nobody else.  Reports its records
 * on out and sleeps until hold is closed.
 */
static void
sleeper1(int out, int hold)
{
	struct rec r[4];
	int l6, ld, c, s, n = 4;

	prctl(PR_SET_NAME, "sleeper1");
	itest_enter_netns();
	l6 = itest_bind(SOCK_STREAM, "::1", 8002, 0);
	ld = itest_bind(SOCK_STREAM, "::", 8003, 0);
	c = itest_connect(SOCK_STREAM, "127.0.0.1", 8003);
	s = itest_accept(ld);
	r[0] = rec_of(l6, "v6only", "LISTEN");
	r[1] = rec_of(ld, "dual", "LISTEN");
	r[2] = rec_of(c, "v4", "ESTAB");
	r[3] = rec_of(s, "mapped", "ESTAB");
	write_all(out, &n, sizeof(n));
	write_all(out, r, sizeof(r));
	close(out);
	wait_parent(hold);
	_exit(0);
}

/* Sleeper 2: a namespace held by it and its child, sharing two sockets. */
static void
sleeper2(int out, int hold)
{
	struct rec r[2];
	int l, u, n = 2, named[2];
	pid_t kid;
	char c;

	prctl(PR_SET_NAME, "sleeper2");
	itest_enter_netns();
	l = itest_bind(SOCK_STREAM, "::", 8001, 0);
	u = itest_bind(SOCK_DGRAM, "::1", 5353, -1);
	r[0] = rec_of(l, "dual", "LISTEN");
	r[1] = rec_of(u, "v6only", "UNCONN");
	if (pipe(named) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	kid = fork();
	if (kid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (kid == 0) {
		prctl(PR_SET_NAME, "sleeper2-kid");
		close(out);
		close(named[0]);
		close(named[1]); /* named: the parent may report us now */
		wait_parent(hold);
		_exit(0);
	}
	/* The test expects the child's own name: wait until it has it. */
	close(named[1]);
	while (read(named[0], &c, 1) > 0)
		;
	close(named[0]);
	write_all(out, &kid, sizeof(kid));
	write_all(out, &n, sizeof(n));
	write_all(out, r, sizeof(r));
	close(out);
	wait_parent(hold);
	_exit(0);
}

/* Starts a child running fn; returns its pid and the report pipe. */
static pid_t
start(void (*fn)(int, int), const int hold[2], int *report)
{
	int p[2];
	pid_t pid;

	if (pipe(p) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		/* Only the test may hold the write end: its close ends us. */
		close(hold[1]);
		fn(p[1], hold[0]);
	}
	close(p[1]);
	*report = p[0];
	return pid;
}

/*
 * Makes the named namespace "blue": a child unshares, the bind mount keeps
 * the namespace alive after the child exits.
 */
static void
make_named(const char *name)
{
	char path[64], src[64];
	int p[2], fd;
	pid_t pid;
	char b;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0444);
	if (fd < 0)
		itest_fatal("create %s: %s", path, strerror(errno));
	close(fd);
	if (pipe(p) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		itest_enter_netns();
		write_all(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &b, 1) != 1)
		itest_fatal("namespace helper failed");
	snprintf(src, sizeof(src), "/proc/%d/ns/net", (int)pid);
	if (mount(src, path, NULL, MS_BIND, NULL) < 0)
		itest_fatal("bind %s on %s: %s", src, path, strerror(errno));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
}

/* Opens sockets inside blue and comes back: pid 1 holds them. */
static void
fill_named(const char *path)
{
	int home, blue, l, c, s, u, sysctl_fd;
	struct rec r;
	uint64_t ino = inode_of(path);

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	blue = open(path, O_RDONLY | O_CLOEXEC);
	if (home < 0 || blue < 0 || setns(blue, CLONE_NEWNET) < 0)
		itest_fatal("enter %s: %s", path, strerror(errno));
	/* lo is up: the helper brought it up and it stays with blue. */
	l = itest_bind(SOCK_STREAM, "::", 8001, 0);
	c = itest_connect(SOCK_STREAM, "127.0.0.1", 8001);
	s = itest_accept(l);
	u = itest_bind(SOCK_DGRAM, "127.0.0.1", 53, -1);
	/* -s must show blue's own bindv6only, not ours (0). */
	sysctl_fd = open("/proc/sys/net/ipv6/bindv6only", O_WRONLY);
	if (sysctl_fd < 0 || write(sysctl_fd, "1\n", 2) != 2)
		itest_fatal("bindv6only in blue: %s", strerror(errno));
	close(sysctl_fd);
	if (setns(home, CLONE_NEWNET) < 0)
		itest_fatal("back home: %s", strerror(errno));
	close(home);
	close(blue);
	r = rec_of(l, "dual", "LISTEN");
	expect(&r, "blue", ino, 1, "itest-main", 0, NULL);
	r = rec_of(c, "v4", "ESTAB");
	expect(&r, "blue", ino, 1, "itest-main", 0, NULL);
	r = rec_of(s, "mapped", "ESTAB");
	expect(&r, "blue", ino, 1, "itest-main", 0, NULL);
	r = rec_of(u, "v4", "UNCONN");
	expect(&r, "blue", ino, 1, "itest-main", 0, NULL);
}

static struct expect *
find(uint32_t inode)
{
	size_t i;

	for (i = 0; i < nexp; i++)
		if (exp_tab[i].r.inode == inode)
			return &exp_tab[i];
	return NULL;
}

static bool
field(const char *line, const char *key, char *buf, size_t len)
{
	return itest_check(itest_json_get(line, key, buf, len),
	    "no \"%s\" in %.*s", key, (int)strcspn(line, "\n"), line);
}

/*
 * Runs dualstat with args and checks every row against the table: each
 * expected socket selected by want() once, nothing else but unknown
 * inodes of other namespaces (none here).  netns: whether rows carry the
 * namespace; procs: whether they carry holders.
 */
static void
check_rows(const char *const args[], bool (*want)(const struct expect *),
    bool netns, bool procs, const char *warning)
{
	char *out, *err, buf[512], want_text[512], argtext[160] = "";
	size_t i, n, len;
	int status;

	for (i = 0; args[i] != NULL; i++) {
		strcat(argtext, " ");
		strcat(argtext, args[i]);
	}
	for (i = 0; i < nexp; i++)
		exp_tab[i].seen = 0;
	status = itest_run(args, &out, &err);
	/* A namespace left out makes the listing incomplete: exit 2. */
	itest_check(status == (warning == NULL ? 0 : 2),
	    "dualstat%s: exit %d: %s", argtext, status, err);
	if (warning == NULL)
		itest_check(
		    err[0] == '\0', "dualstat%s: stderr: %s", argtext, err);
	else
		itest_check(
		    itest_count_lines(err) == 1 && strstr(err, warning) != NULL,
		    "dualstat%s: stderr should be one line with \"%s\": %s",
		    argtext, warning, err);
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		struct expect *e;
		uint32_t inode;

		if (line == NULL || line[0] != '{')
			continue;
		if (!field(line, "inode", buf, sizeof(buf)))
			continue;
		inode = (uint32_t)strtoul(buf, NULL, 10);
		e = find(inode);
		if (!itest_check(e != NULL && want(e),
			"dualstat%s: unexpected row %.*s", argtext, (int)len,
			line))
			continue;
		e->seen++;
		if (field(line, "mode", buf, sizeof(buf)))
			itest_check(strcmp(buf, e->r.mode) == 0,
			    "dualstat%s: inode %u: mode %s, want %s", argtext,
			    inode, buf, e->r.mode);
		if (field(line, "state", buf, sizeof(buf)))
			itest_check(strcmp(buf, e->r.state) == 0,
			    "dualstat%s: inode %u: state %s, want %s", argtext,
			    inode, buf, e->r.state);
		if (!netns) {
			itest_check(
			    !itest_json_get(line, "netns", buf, sizeof(buf)),
			    "dualstat%s: netns in a plain run", argtext);
		} else if (field(line, "netns", buf, sizeof(buf))) {
			itest_check(strcmp(buf, e->netns) == 0,
			    "dualstat%s: inode %u in netns %s, want %s",
			    argtext, inode, buf, e->netns);
			if (field(line, "netns_inode", buf, sizeof(buf)))
				itest_check(
				    strtoull(buf, NULL, 10) == e->netns_inode,
				    "dualstat%s: inode %u: netns_inode %s, "
				    "want %llu",
				    argtext, inode, buf,
				    (unsigned long long)e->netns_inode);
		}
		if (!procs)
			continue;
		snprintf(want_text, sizeof(want_text),
		    "[{\"pid\":%d,\"comm\":\"%s\",\"fd\":%d}", e->pids[0],
		    e->comms[0], e->r.fd);
		if (e->npids == 2)
			snprintf(want_text + strlen(want_text),
			    sizeof(want_text) - strlen(want_text),
			    ",{\"pid\":%d,\"comm\":\"%s\",\"fd\":%d}",
			    e->pids[1], e->comms[1], e->r.fd);
		strcat(want_text, "]");
		if (field(line, "processes", buf, sizeof(buf)))
			itest_check(strcmp(buf, want_text) == 0,
			    "dualstat%s: inode %u: processes %s, want %s",
			    argtext, inode, buf, want_text);
	}
	for (i = 0; i < nexp; i++)
		if (want(&exp_tab[i]))
			itest_check(exp_tab[i].seen == 1,
			    "dualstat%s: %s %s in %s (inode %u) listed %d "
			    "times, want 1",
			    argtext, exp_tab[i].r.mode, exp_tab[i].r.state,
			    exp_tab[i].netns, exp_tab[i].r.inode,
			    exp_tab[i].seen);
	free(out);
	free(err);
}

static char s1_label[32];

static bool
any(const struct expect *e)
{
	(void)e;
	return true;
}

static bool
in_blue(const struct expect *e)
{
	return strcmp(e->netns, "blue") == 0;
}

static bool
s1_listening(const struct expect *e)
{
	return strcmp(e->netns, s1_label) == 0 &&
	    strcmp(e->r.state, "LISTEN") == 0;
}

static bool
in_home(const struct expect *e)
{
	return strcmp(e->netns, "host") == 0;
}

/* Bad -N arguments: one line on stderr, exit 2, nothing on stdout. */
static void
check_bad_netns(const char *arg, const char *words)
{
	const char *args[] = { "-l", "-j", "-N", arg, NULL };
	char *out, *err;
	int status;

	status = itest_run(args, &out, &err);
	itest_check(status == 2, "-N %s: exit %d, want 2", arg, status);
	itest_check(out[0] == '\0', "-N %s: stdout not empty: %s", arg, out);
	itest_check(itest_count_lines(err) == 1 && strstr(err, arg) != NULL &&
		strstr(err, words) != NULL,
	    "-N %s: stderr should be one line naming it (%s): %s", arg, words,
	    err);
	free(out);
	free(err);
}

static void check_audit(bool bogus);

#define BOGUS "/run/netns/bo\ngus\x1b[1m"

/*
 * A name under /run/netns that is no namespace: a warning and a count.
 * The name is hostile (a newline, an escape sequence): the warning stays
 * one line, the name escaped.
 */
static void
check_bogus_named(void)
{
	const char *args[] = { "--all-netns", "-a", "-j", NULL };
	int fd;

	fd = open(BOGUS, O_WRONLY | O_CREAT | O_EXCL, 0444);
	if (fd < 0)
		itest_fatal("create bogus: %s", strerror(errno));
	close(fd);
	/* Still complete for the others, and exit 0 (no --check). */
	check_rows(args, any, true, false,
	    "could not enter 1 of 5 network namespaces (bo\\ngus\\x1b[1m): "
	    "not a network namespace; skipped");
	check_audit(true);
	unlink(BOGUS);
}

/*
 * -s --all-netns: one JSON summary per namespace, each with its own
 * bindv6only and the count of its own sockets.
 */
static void
check_summaries(void)
{
	const char *args[] = { "--all-netns", "-s", "-a", "-j", NULL };
	char *out, *err, label[64], buf[512];
	size_t i, k, n, len, objects = 0;
	int status;

	status = itest_run(args, &out, &err);
	itest_check(status == 0 && err[0] == '\0',
	    "-s --all-netns: exit %d: %s", status, err);
	itest_check(out[0] == '[', "-s --all-netns -j: not an array: %s", out);
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		unsigned long want = 0;
		const char *total;

		if (line == NULL || line[0] != '{')
			continue;
		objects++;
		if (!field(line, "netns", label, sizeof(label)) ||
		    !field(line, "bindv6only", buf, sizeof(buf)))
			continue;
		itest_check(
		    strcmp(buf, strcmp(label, "blue") == 0 ? "1" : "0") == 0,
		    "-s: %s has bindv6only %s", label, buf);
		for (k = 0; k < nexp; k++)
			if (strcmp(exp_tab[k].netns, label) == 0)
				want++;
		/* The object ends with "total":{...,"total":N}}. */
		total = strstr(line, ",\"total\":{");
		total = total != NULL ? strstr(total + 9, "\"total\":") : NULL;
		itest_check(
		    total != NULL && strtoul(total + 8, NULL, 10) == want,
		    "-s: %s counts %s sockets, want %lu", label,
		    total != NULL ? total + 8 : "no", want);
	}
	itest_check(
	    objects == 4, "-s --all-netns: %zu summaries, want 4", objects);
	free(out);
	free(err);
}

/*
 * --check: 1 for a finding, even where a namespace could not be looked at
 * (it says so on stderr, unless -q); 2 for no finding when one could not
 * be; 0 only for none after looking everywhere.
 */
static void
check_audit(bool bogus)
{
	const char *found[] = { "--all-netns", "--check", "-l", "-m", "v6only",
		NULL };
	const char *found_q[] = { "--all-netns", "--check", "-q", "-l", "-m",
		"v6only", NULL };
	const char *nothing[] = { "--all-netns", "--check", "-l", "--sport",
		"1", NULL };
	const char *none[] = { "-N", "blue", "--check", "-l", "-m", "v6only",
		NULL };
	char *out, *err;
	int status;

	status = itest_run(found, &out, &err);
	itest_check(status == 1, "--all-netns --check -m v6only%s: exit %d",
	    bogus ? " with a bogus name" : "", status);
	itest_check((strstr(err, "could not enter") != NULL) == bogus,
	    "--all-netns --check%s: stderr: %s", bogus ? " (bogus)" : "", err);
	free(out);
	free(err);
	status = itest_run(found_q, &out, &err);
	itest_check(status == 1, "--all-netns --check -q%s: exit %d",
	    bogus ? " with a bogus name" : "", status);
	itest_check(err[0] == '\0', "--check -q is not quiet: %s", err);
	free(out);
	free(err);
	status = itest_run(nothing, NULL, NULL);
	itest_check(status == (bogus ? 2 : 0),
	    "--all-netns --check, nothing found%s: exit %d, want %d",
	    bogus ? " with a bogus name" : "", status, bogus ? 2 : 0);
	if (bogus)
		return;
	status = itest_run(none, NULL, NULL);
	itest_check(
	    status == 0, "-N blue --check -m v6only: exit %d, want 0", status);
}

static int
thread_ns_cb(void *arg)
{
	*(uint64_t *)arg = inode_of("/proc/thread-self/ns/net");
	return 7;
}

/* netns_call() runs inside the namespace and leaves this thread home. */
static void
check_call(uint64_t home_ino, uint64_t blue_ino)
{
	uint64_t seen = 0;
	int fd = open("/run/netns/blue", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		itest_fatal("open blue: %s", strerror(errno));
	itest_check(netns_call(fd, thread_ns_cb, &seen) == 7,
	    "netns_call: fn's value not returned");
	itest_check(seen == blue_ino, "netns_call: fn ran in %llu, want %llu",
	    (unsigned long long)seen, (unsigned long long)blue_ino);
	itest_check(inode_of("/proc/thread-self/ns/net") == home_ino,
	    "netns_call: the caller moved");
	close(fd);
}

/* As pid 1 we ignore signals we have no handler for: give SIGALRM one. */
static void
on_alarm(int sig)
{
	(void)sig;
	_exit(1);
}

static void
run_tests(void)
{
	int hold[2], rep1, rep2, n, fd;
	pid_t s1, s2, kid;
	struct rec r[8];
	uint64_t home_ino, s1_ino, s2_ino;
	char path[64];
	int i;

	prctl(PR_SET_NAME, "itest-main");
	signal(SIGALRM, on_alarm);
	alarm(120);
	/* A private mount tree: our own /proc (this pid namespace) and /run. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("proc", "/proc", "proc", 0, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, "mode=755") < 0 ||
	    mkdir("/run/netns", 0755) < 0)
		itest_fatal("private /proc and /run: %s", strerror(errno));
	itest_enter_netns();
	home_ino = inode_of("/proc/self/ns/net");
	make_named("blue");

	/* The sleepers first, so they inherit none of our sockets. */
	if (pipe(hold) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	s1 = start(sleeper1, hold, &rep1);
	s2 = start(sleeper2, hold, &rep2);
	close(hold[0]);

	read_all(rep1, &n, sizeof(n));
	read_all(rep1, r, (size_t)n * sizeof(r[0]));
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)s1);
	s1_ino = inode_of(path);
	/* Unnamed namespaces are known by their inode (issue 17). */
	snprintf(s1_label, sizeof(s1_label), "netns:%llu",
	    (unsigned long long)s1_ino);
	for (i = 0; i < n; i++)
		expect(&r[i], s1_label, s1_ino, s1, "sleeper1", 0, NULL);

	read_all(rep2, &kid, sizeof(kid));
	read_all(rep2, &n, sizeof(n));
	read_all(rep2, r, (size_t)n * sizeof(r[0]));
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)s2);
	s2_ino = inode_of(path);
	snprintf(path, sizeof(path), "netns:%llu", (unsigned long long)s2_ino);
	for (i = 0; i < n; i++)
		expect(&r[i], path, s2_ino, s2 < kid ? s2 : kid,
		    s2 < kid ? "sleeper2" : "sleeper2-kid", s2 < kid ? kid : s2,
		    s2 < kid ? "sleeper2-kid" : "sleeper2");

	fd = itest_bind(SOCK_DGRAM, "127.0.0.1", 9, -1);
	r[0] = rec_of(fd, "v4", "UNCONN");
	expect(&r[0], "host", home_ino, 1, "itest-main", 0, NULL);
	fill_named("/run/netns/blue");

	{
		const char *all[] = { "--all-netns", "-a", "-p", "-j", NULL };
		const char *all_np[] = { "--all-netns", "-a", "-j", NULL };
		const char *blue[] = { "-N", "blue", "-a", "-j", NULL };
		const char *s1l[] = { "-N", NULL, "-l", "-p", "-j", NULL };
		const char *s1p[] = { "-N", NULL, "-l", "-j", NULL };
		const char *home[] = { "-a", "-j", NULL };
		char s1path[64], s1pid[32];

		check_rows(all, any, true, true, NULL);
		check_rows(all_np, any, true, false, NULL);
		/* -N rows say which namespace, as --all-netns rows do. */
		check_rows(blue, in_blue, true, false, NULL);
		snprintf(s1path, sizeof(s1path), "/proc/%d/ns/net", (int)s1);
		s1l[1] = s1path;
		check_rows(s1l, s1_listening, true, true, NULL);
		/* -N takes what the labels print, "pid:PID" and a bare
		 * pid; each labels the namespace as --all-netns does. */
		s1p[1] = s1_label;
		check_rows(s1p, s1_listening, true, false, NULL);
		snprintf(s1pid, sizeof(s1pid), "pid:%d", (int)s1);
		s1p[1] = s1pid;
		check_rows(s1p, s1_listening, true, false, NULL);
		snprintf(s1pid, sizeof(s1pid), "%d", (int)s1);
		s1p[1] = s1pid;
		check_rows(s1p, s1_listening, true, false, NULL);
		/* After all that, a plain run is still at home. */
		check_rows(home, in_home, false, false, NULL);
	}
	check_summaries();
	check_audit(false);
	check_bad_netns("nope", "No such file");
	check_bad_netns("/proc/self/status", "not a network namespace");
	check_bad_netns("/nonexistent/ns", "No such file");
	check_bogus_named();
	check_call(home_ino, inode_of("/run/netns/blue"));

	close(hold[1]);
	waitpid(s1, NULL, 0);
	waitpid(s2, NULL, 0);
	umount2("/run/netns/blue", MNT_DETACH);
	itest_finish("itest_netns");
}

int
main(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root for namespaces\n");
		return ITEST_SKIP;
	}
	if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0) {
		fprintf(stderr, "SKIP: unshare(CLONE_NEWNS|CLONE_NEWPID): %s\n",
		    strerror(errno));
		return ITEST_SKIP;
	}
	/* The first child is pid 1 of the new pid namespace. */
	pid = fork();
	if (pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (pid == 0)
		run_tests();
	if (waitpid(pid, &status, 0) < 0)
		itest_fatal("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
