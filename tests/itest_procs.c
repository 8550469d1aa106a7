/*
 * itest_procs.c - integration test of -p/--processes (root, netns)
 *
 * In a private network namespace: a dual listener and a UDP socket shared
 * with a forked child whose name is hostile (a quote, a backslash, a
 * newline, an escape sequence, a byte that is not UTF-8), a UDP socket
 * only the child holds, a connection held by the test, and one still in
 * the accept queue, which nobody holds.  Checks the holders of each socket
 * in JSON (exact text, escaping included) and in the table, and the pids
 * and fds against ss -tuanpe.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

/* A process name (15 bytes at most) with a quote, a backslash, a newline,
 * ESC, an invalid byte, the C1 CSI (U+009B) and RIGHT-TO-LEFT OVERRIDE
 * (U+202E). */
static const char evil[] = "e\"\\\n\x1b[\xff\xc2\x9b\xe2\x80\xae";
static const char evil_json[] = "e\\\"\\\\\\u000a\\u001b[\\ufffd\\u009b\\u202e";
static const char evil_table[] =
    "e\\\"\\\\\\n\\x1b[\\xff\\xc2\\x9b\\xe2\\x80\\xae";
static const char me[] = "itest-procs";

struct expect {
	const char *what;
	uint32_t inode;
	int fd;
	bool parent, child; /* who holds it */
	int seen;
};

static struct expect exp_tab[8];
static size_t nexp;
static pid_t parent_pid, child_pid;

static void
expect(const char *what, int fd, bool parent, bool child)
{
	exp_tab[nexp++] =
	    (struct expect){ what, itest_inode(fd), fd, parent, child, 0 };
}

static int
cloexec(int fd)
{
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		itest_fatal("FD_CLOEXEC: %s", strerror(errno));
	return fd;
}

/* The JSON "processes" text we expect, holders by pid. */
static void
want_json(const struct expect *e, char *buf, size_t len)
{
	pid_t pids[2] = { parent_pid, child_pid };
	bool holds[2] = { e->parent, e->child };
	const char *names[2] = { me, evil_json };
	size_t i, first = parent_pid < child_pid ? 0 : 1;
	int n = 0;

	buf[0] = '\0';
	strcat(buf, "[");
	for (i = 0; i < 2; i++) {
		size_t k = (first + i) % 2;

		if (!holds[k])
			continue;
		snprintf(buf + strlen(buf), len - strlen(buf),
		    "%s{\"pid\":%d,\"comm\":\"%s\",\"fd\":%d}", n++ ? "," : "",
		    (int)pids[k], names[k], e->fd);
	}
	strcat(buf, "]");
}

static struct expect *
find(uint32_t inode)
{
	size_t i;

	for (i = 0; i < nexp; i++)
		if (exp_tab[i].inode == inode)
			return &exp_tab[i];
	return NULL;
}

/* stderr may only say that some processes (not ours) were unreadable. */
static void
check_stderr(const char *what, const char *err)
{
	size_t i, len, n = itest_count_lines(err);

	for (i = 0; i < n; i++) {
		const char *line = itest_line(err, i, &len);

		itest_check(line != NULL &&
			strncmp(line,
			    "dualstat: -p: could not read the descriptors of ",
			    48) == 0,
		    "%s: unexpected stderr: %.*s", what, (int)len, line);
	}
}

static void
check_json(uint16_t lport)
{
	const char *args[] = { "-a", "-p", "-j", NULL };
	char *out, *err, buf[512], want[512];
	size_t i, n, len;
	int status, queued = 0;

	status = itest_run(args, &out, &err);
	itest_check(status == 0, "-a -p -j: exit %d: %s", status, err);
	check_stderr("-a -p -j", err);
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		struct expect *e;

		if (line == NULL || line[0] != '{')
			continue;
		if (!itest_check(
			itest_json_get(line, "processes", buf, sizeof(buf)),
			"no processes in %.*s", (int)len, line))
			continue;
		itest_json_get(line, "inode", want, sizeof(want));
		e = find((uint32_t)strtoul(want, NULL, 10));
		if (e == NULL) {
			/* The accepted-by-nobody end: inode 0 in the dump,
			 * so no owner: inode and uid null (issue 18). */
			itest_json_get(line, "local_port", want, sizeof(want));
			if (strtoul(want, NULL, 10) == lport &&
			    strstr(line, "\"inode\":null,\"uid\":null") !=
				NULL &&
			    strstr(line, "\"ESTAB\"") != NULL) {
				queued++;
				itest_check(strcmp(buf, "[]") == 0,
				    "queued connection: processes %s, want []",
				    buf);
			}
			continue;
		}
		e->seen++;
		want_json(e, want, sizeof(want));
		itest_check(strcmp(buf, want) == 0,
		    "%s: processes\n %s\nwant\n %s", e->what, buf, want);
	}
	itest_check(
	    queued == 1, "%d queued connections listed, want 1", queued);
	for (i = 0; i < nexp; i++)
		itest_check(exp_tab[i].seen == 1, "%s listed %d times, want 1",
		    exp_tab[i].what, exp_tab[i].seen);
	free(out);
	free(err);
}

/* The table: the shared UDP socket's users, the hostile name escaped. */
static void
check_table(const struct expect *shared)
{
	const char *args[] = { "-l", "-p", "-u", "-4", "-H", NULL };
	char *out, *err, want[512];
	const char *users;
	int status;

	if (parent_pid < child_pid)
		snprintf(want, sizeof(want),
		    "users:((\"%s\",pid=%d,fd=%d),(\"%s\",pid=%d,fd=%d))\n", me,
		    (int)parent_pid, shared->fd, evil_table, (int)child_pid,
		    shared->fd);
	else
		snprintf(want, sizeof(want),
		    "users:((\"%s\",pid=%d,fd=%d),(\"%s\",pid=%d,fd=%d))\n",
		    evil_table, (int)child_pid, shared->fd, me, (int)parent_pid,
		    shared->fd);
	status = itest_run(args, &out, &err);
	itest_check(status == 0, "-l -p -u -4: exit %d", status);
	check_stderr("-l -p -u -4", err);
	users = strstr(out, "users:");
	itest_check(itest_count_lines(out) == 1 && users != NULL &&
		strcmp(users, want) == 0,
	    "table:\n got: %s\nwant: ...%s", out, want);
	free(out);
	free(err);
}

/* pid=P,fd=F pairs of every socket of ours, as ss -tuanpe reports them. */
static void
check_against_ss(void)
{
	const char *argv[] = { "ss", "-tuanpeH", NULL };
	char *out, *err, tok[64], got[256];
	size_t i, n, len, holders, checked = 0;

	if (itest_run_prog(argv, &out, &err) != 0) {
		itest_check(false, "ss -tuanpeH failed: %s", err);
		return;
	}
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		char copy[2048];
		const char *ino, *p;
		struct expect *e;

		if (line == NULL || len >= sizeof(copy))
			continue;
		memcpy(copy, line, len);
		copy[len] = '\0';
		ino = strstr(copy, "ino:");
		if (ino == NULL ||
		    (e = find((uint32_t)strtoul(ino + 4, NULL, 10))) == NULL)
			continue;
		/* ss lists holders in its own order: compare as sets. */
		strcpy(got, " ");
		holders = 0;
		for (p = copy; (p = strstr(p, ",pid=")) != NULL; p++) {
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%d/%d ", atoi(p + 5), atoi(strstr(p, ",fd=") + 4));
			holders++;
		}
		itest_check(holders == (size_t)e->parent + (size_t)e->child,
		    "ss says%sholds %s, %zu holders", got, e->what, holders);
		snprintf(tok, sizeof(tok), " %d/%d ", (int)parent_pid, e->fd);
		itest_check(!e->parent || strstr(got, tok) != NULL,
		    "ss says%sholds %s, not%s", got, e->what, tok);
		snprintf(tok, sizeof(tok), " %d/%d ", (int)child_pid, e->fd);
		itest_check(!e->child || strstr(got, tok) != NULL,
		    "ss says%sholds %s, not%s", got, e->what, tok);
		checked++;
	}
	itest_check(
	    checked == nexp, "ss showed %zu of our %zu sockets", checked, nexp);
	free(out);
	free(err);
}

int
main(void)
{
	int l, u, v, c, s, q, rep[2], hold[2], vfd;
	uint32_t vino;
	char b;

	itest_enter_netns();
	prctl(PR_SET_NAME, me);
	parent_pid = getpid();
	l = cloexec(itest_bind(SOCK_STREAM, "::", 0, 0));
	u = cloexec(itest_bind(SOCK_DGRAM, "127.0.0.1", 0, -1));
	if (pipe(rep) < 0 || pipe(hold) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	child_pid = fork();
	if (child_pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (child_pid == 0) {
		close(hold[1]);
		prctl(PR_SET_NAME, evil);
		v = itest_bind(SOCK_DGRAM, "::1", 0, -1);
		vino = itest_inode(v);
		if (write(rep[1], &v, sizeof(v)) != sizeof(v) ||
		    write(rep[1], &vino, sizeof(vino)) != sizeof(vino))
			_exit(1);
		while (read(hold[0], &b, 1) > 0)
			;
		_exit(0);
	}
	close(hold[0]);
	if (read(rep[0], &vfd, sizeof(vfd)) != sizeof(vfd) ||
	    read(rep[0], &vino, sizeof(vino)) != sizeof(vino))
		itest_fatal("child report");
	c = cloexec(itest_connect(SOCK_STREAM, "127.0.0.1", itest_port(l)));
	s = cloexec(itest_accept(l));
	q = cloexec(itest_connect(SOCK_STREAM, "::1", itest_port(l)));

	expect("dual listener (shared)", l, true, true);
	expect("udp socket (shared)", u, true, true);
	expect("client", c, true, false);
	expect("accepted", s, true, false);
	expect("client of the queued connection", q, true, false);
	exp_tab[nexp++] = (struct expect){ "child's own udp socket", vino, vfd,
		false, true, 0 };

	check_json(itest_port(l));
	check_table(&exp_tab[1]);
	check_against_ss();

	close(hold[1]);
	waitpid(child_pid, NULL, 0);
	itest_finish("itest_procs");
}
