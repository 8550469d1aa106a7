/*
 * itest_modes.c - integration test of the core listing (root, netns)
 *
 * Opens a known population in a private network namespace: AF_INET
 * listeners, dual and v6only AF_INET6 listeners, IPv4 clients of a dual
 * listener (mapped on the server side), IPv6 clients, UDP sockets of each
 * kind, a UDP socket connected to a mapped address, TIME-WAIT sockets.
 * The expected mode of each follows from how it was made, not from
 * dualstat.  Then checks dualstat -j socket by socket (by inode), that
 * -l, -a, -t, -u, -4, -6 select exactly the right sockets, the table
 * layout, and the v6only flags against ss -tuane.
 */
#include "config.h"

#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "itest.h"

struct expect {
	uint32_t inode; /* 0: TIME-WAIT, matched by ports */
	const char *proto; /* "tcp", "udp" */
	const char *family; /* "inet", "inet6" */
	const char *state;
	const char *mode;
	const char *v6only; /* "true", "false", "null" */
	const char *laddr;
	uint16_t lport;
	const char *paddr;
	uint16_t pport;
	int seen;
};

#define MAX_EXPECT 64
static struct expect exp_tab[MAX_EXPECT];
static size_t nexp;

static void
expect(uint32_t inode, const char *proto, const char *family, const char *state,
    const char *mode, const char *v6only, const char *laddr, uint16_t lport,
    const char *paddr, uint16_t pport)
{
	struct expect *e = &exp_tab[nexp++];

	*e = (struct expect){ inode, proto, family, state, mode, v6only, laddr,
		lport, paddr, pport, 0 };
}

/* Listener of the given kind; records it and returns its fd. */
static int
listener(int type, const char *addr, int v6only, const char *mode,
    const char *v6only_text)
{
	int fd = itest_bind(type, addr, 0, v6only);
	bool v6 = strchr(addr, ':') != NULL;

	expect(itest_inode(fd), type == SOCK_STREAM ? "tcp" : "udp",
	    v6 ? "inet6" : "inet", type == SOCK_STREAM ? "LISTEN" : "UNCONN",
	    mode, v6only_text, addr, itest_port(fd), v6 ? "::" : "0.0.0.0", 0);
	return fd;
}

/* A TCP connection to a listener; records both ends. */
static void
connection(int lfd, const char *connect_addr, const char *client_family,
    const char *client_mode, const char *server_family, const char *server_mode,
    const char *server_addr)
{
	uint16_t lport = itest_port(lfd);
	int c = itest_connect(SOCK_STREAM, connect_addr, lport);
	int s = itest_accept(lfd);
	uint16_t cport = itest_port(c);

	expect(itest_inode(c), "tcp", client_family, "ESTAB", client_mode,
	    "null", connect_addr, cport, connect_addr, lport);
	expect(itest_inode(s), "tcp", server_family, "ESTAB", server_mode,
	    "null", server_addr, lport, server_addr, cport);
}

/*
 * Leaves a TIME-WAIT socket on the side that closes first: the client, or
 * with server_first the accepted socket.
 */
static void
time_wait(int lfd, const char *connect_addr, bool server_first,
    const char *family, const char *mode, const char *addr_text)
{
	uint16_t lport = itest_port(lfd);
	int c = itest_connect(SOCK_STREAM, connect_addr, lport);
	int s = itest_accept(lfd);
	uint16_t cport = itest_port(c);
	int first = server_first ? s : c, second = server_first ? c : s;
	char b;

	close(first);
	if (read(second, &b, 1) != 0)
		itest_fatal("expected EOF after the peer closed");
	close(second);
	usleep(50000);
	if (server_first)
		expect(0, "tcp", family, "TIME-WAIT", mode, "null", addr_text,
		    lport, addr_text, cport);
	else
		expect(0, "tcp", family, "TIME-WAIT", mode, "null", addr_text,
		    cport, addr_text, lport);
}

static bool
field(const char *line, const char *key, char *buf, size_t len)
{
	if (!itest_json_get(line, key, buf, len)) {
		itest_check(false, "no \"%s\" in %.*s", key,
		    (int)strcspn(line, "\n"), line);
		return false;
	}
	return true;
}

static struct expect *
find_expect(uint32_t inode, uint16_t lport, uint16_t pport)
{
	size_t i;

	for (i = 0; i < nexp; i++) {
		if (exp_tab[i].inode != inode)
			continue;
		if (inode != 0 ||
		    (exp_tab[i].lport == lport && exp_tab[i].pport == pport))
			return &exp_tab[i];
	}
	return NULL;
}

static bool
selected(const struct expect *e, const char *view, const char *proto,
    const char *family)
{
	bool listening =
	    strcmp(e->state, "LISTEN") == 0 || strcmp(e->state, "UNCONN") == 0;
	bool hidden = listening || strcmp(e->state, "TIME-WAIT") == 0;

	if (proto != NULL && strcmp(e->proto, proto) != 0)
		return false;
	if (family != NULL && strcmp(e->family, family) != 0)
		return false;
	if (strcmp(view, "-l") == 0)
		return listening;
	if (strcmp(view, "-a") == 0)
		return true;
	return !hidden;
}

/*
 * Runs dualstat -j with the options and checks that it printed exactly the
 * expected sockets that view/proto/family select, each field as expected.
 */
static void
check_listing(const char *const args[], const char *view, const char *proto,
    const char *family)
{
	char *out, *err, buf[128], argtext[128] = "";
	size_t i, n, len, rows = 0, want = 0;
	int status;

	for (i = 0; args[i] != NULL; i++) {
		strcat(argtext, " ");
		strcat(argtext, args[i]);
	}
	status = itest_run(args, &out, &err);
	itest_check(status == 0, "dualstat%s: exit %d, stderr: %s", argtext,
	    status, err);
	itest_check(
	    err[0] == '\0', "dualstat%s: stderr not empty: %s", argtext, err);
	for (i = 0; i < nexp; i++)
		exp_tab[i].seen = 0;
	n = itest_count_lines(out);
	itest_check(n >= 1 && strncmp(out, "[", 1) == 0,
	    "dualstat%s: output does not open a JSON array", argtext);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		struct expect *e;
		uint32_t inode;
		uint16_t lport, pport;

		if (line == NULL || line[0] != '{')
			continue;
		rows++;
		if (!field(line, "inode", buf, sizeof(buf)))
			continue;
		inode = (uint32_t)strtoul(buf, NULL, 10);
		field(line, "local_port", buf, sizeof(buf));
		lport = (uint16_t)atoi(buf);
		field(line, "peer_port", buf, sizeof(buf));
		pport = (uint16_t)atoi(buf);
		e = find_expect(inode, lport, pport);
		if (!itest_check(e != NULL, "dualstat%s: unexpected row %.*s",
			argtext, (int)len, line))
			continue;
		itest_check(selected(e, view, proto, family),
		    "dualstat%s: row should not be listed: %.*s", argtext,
		    (int)len, line);
		e->seen++;
#define FIELD_IS(key, want_text) \
	do { \
		if (field(line, key, buf, sizeof(buf))) \
			itest_check(strcmp(buf, want_text) == 0, \
			    "dualstat%s: inode %u port %u: %s is %s, not %s", \
			    argtext, inode, lport, key, buf, want_text); \
	} while (0)
		FIELD_IS("proto", e->proto);
		FIELD_IS("family", e->family);
		FIELD_IS("state", e->state);
		FIELD_IS("mode", e->mode);
		FIELD_IS("v6only", e->v6only);
		FIELD_IS("local_addr", e->laddr);
		FIELD_IS("peer_addr", itest_json_peer(e->paddr, e->pport));
#undef FIELD_IS
	}
	for (i = 0; i < nexp; i++) {
		if (!selected(&exp_tab[i], view, proto, family))
			continue;
		want++;
		itest_check(exp_tab[i].seen == 1,
		    "dualstat%s: %s %s %s:%u (%s) listed %d times, want 1",
		    argtext, exp_tab[i].proto, exp_tab[i].state,
		    exp_tab[i].laddr, exp_tab[i].lport, exp_tab[i].mode,
		    exp_tab[i].seen);
	}
	itest_check(rows == want, "dualstat%s: %zu rows, want %zu", argtext,
	    rows, want);
	free(out);
	free(err);
}

/* The v6only flag of every socket that has one, against ss -tuane. */
static void
check_against_ss(void)
{
	const char *argv[] = { "ss", "-tuaneH", NULL };
	char *out, *err;
	size_t i, n, len, checked = 0;

	if (itest_run_prog(argv, &out, &err) != 0) {
		itest_check(false, "ss -tuaneH failed: %s", err);
		return;
	}
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		const char *line = itest_line(out, i, &len);
		char copy[1024];
		const char *ino, *v6;
		uint32_t inode;
		size_t k;

		if (line == NULL || len >= sizeof(copy))
			continue;
		memcpy(copy, line, len);
		copy[len] = '\0';
		ino = strstr(copy, "ino:");
		v6 = strstr(copy, "v6only:");
		if (ino == NULL || v6 == NULL)
			continue;
		inode = (uint32_t)strtoul(ino + 4, NULL, 10);
		for (k = 0; k < nexp; k++) {
			if (exp_tab[k].inode != inode)
				continue;
			itest_check(strcmp(exp_tab[k].v6only,
					v6[7] == '1' ? "true" : "false") == 0,
			    "ss says v6only:%c for inode %u, we expect %s",
			    v6[7], inode, exp_tab[k].v6only);
			checked++;
		}
	}
	/* Every listener and unconnected AF_INET6 socket has the flag. */
	itest_check(checked == 7,
	    "ss reported v6only for %zu of our 7 "
	    "AF_INET6 LISTEN/UNCONN sockets",
	    checked);
	free(out);
	free(err);
}

/* The table: title line, one row per socket, columns as documented. */
static void
check_table(int v4_listener)
{
	const char *args[] = { "-l", "-t", "-4", NULL };
	const char *eargs[] = { "-l", "-t", "-4", "-e", "-H", NULL };
	char *out, *err, want[256], addr[32];
	struct passwd *pw;
	size_t len;
	const char *line;

	itest_run(args, &out, &err);
	line = itest_line(out, 0, &len);
	/* Not a terminal: each column as wide as its title or its widest
	 * cell, one blank between, none at the end (issue 11). */
	itest_check(line != NULL &&
		strncmp(line,
		    "Proto State  Mode Local Address:Port Peer Address:Port\n",
		    len + 1) == 0,
	    "table title line: %s", out);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", itest_port(v4_listener));
	snprintf(want, sizeof(want), "tcp   LISTEN v4   %-18s 0.0.0.0:*", addr);
	line = itest_line(out, 1, &len);
	itest_check(line != NULL && len == strlen(want) &&
		strncmp(line, want, len) == 0,
	    "table row:\n got: %.*s\nwant: %s", line ? (int)len : 0,
	    line ? line : "", want);
	itest_check(itest_count_lines(out) == 2, "table: %zu lines, want 2",
	    itest_count_lines(out));
	free(out);
	free(err);

	itest_run(eargs, &out, &err);
	/* -e: Recv-Q, Send-Q (the backlog of 128 itest_bind() asks for),
	 * inode and the user name of our uid; -H: as wide as the one row. */
	pw = getpwuid(geteuid());
	snprintf(want, sizeof(want), "tcp LISTEN 0 128 v4 %s 0.0.0.0:* %u %s -",
	    addr, itest_inode(v4_listener), pw != NULL ? pw->pw_name : "?");
	line = itest_line(out, 0, &len);
	itest_check(line != NULL && len == strlen(want) &&
		strncmp(line, want, len) == 0,
	    "table -e -H row:\n got: %.*s\nwant: %s", line ? (int)len : 0,
	    line ? line : "", want);
	itest_check(itest_count_lines(out) == 1, "-H: %zu lines, want 1",
	    itest_count_lines(out));
	free(out);
	free(err);
}

int
main(void)
{
	int l4, ldual, lv6only, lv6addr, lmapped, u4, u6only, udual;
	int fd;

	itest_enter_netns();

	/* Listeners: v4; dual; v6only set by hand; v6only set by the kernel
	 * on a specific address; bound to a mapped address. */
	l4 = listener(SOCK_STREAM, "127.0.0.1", -1, "v4", "null");
	ldual = listener(SOCK_STREAM, "::", 0, "dual", "false");
	lv6only = listener(SOCK_STREAM, "::", 1, "v6only", "true");
	lv6addr = listener(SOCK_STREAM, "::1", 0, "v6only", "true");
	lmapped =
	    listener(SOCK_STREAM, "::ffff:127.0.0.1", 0, "mapped", "false");
	/* The peer of a listener bound to a mapped address is "::". */

	u4 = listener(SOCK_DGRAM, "127.0.0.1", -1, "v4", "null");
	udual = listener(SOCK_DGRAM, "::", 0, "dual", "false");
	u6only = listener(SOCK_DGRAM, "::", 1, "v6only", "true");
	listener(SOCK_DGRAM, "::1", 0, "v6only", "true");
	(void)udual;

	/* Connections: IPv4 to dual (mapped server side), IPv6 to dual and
	 * to v6only, IPv4 to IPv4, IPv4 to a mapped-bound listener. */
	connection(ldual, "127.0.0.1", "inet", "v4", "inet6", "mapped",
	    "::ffff:127.0.0.1");
	connection(ldual, "::1", "inet6", "v6", "inet6", "v6", "::1");
	connection(lv6only, "::1", "inet6", "v6", "inet6", "v6", "::1");
	connection(lv6addr, "::1", "inet6", "v6", "inet6", "v6", "::1");
	connection(l4, "127.0.0.1", "inet", "v4", "inet", "v4", "127.0.0.1");
	connection(lmapped, "127.0.0.1", "inet", "v4", "inet6", "mapped",
	    "::ffff:127.0.0.1");

	/* Connected UDP: AF_INET6 to a mapped address, AF_INET6 to ::1. */
	fd = itest_connect_v6only(
	    SOCK_DGRAM, "::ffff:127.0.0.1", itest_port(u4), 0);
	expect(itest_inode(fd), "udp", "inet6", "ESTAB", "mapped", "null",
	    "::ffff:127.0.0.1", itest_port(fd), "::ffff:127.0.0.1",
	    itest_port(u4));
	fd = itest_connect(SOCK_DGRAM, "::1", itest_port(u6only));
	expect(itest_inode(fd), "udp", "inet6", "ESTAB", "v6", "null", "::1",
	    itest_port(fd), "::1", itest_port(u6only));
	fd = itest_connect(SOCK_DGRAM, "127.0.0.1", itest_port(u4));
	expect(itest_inode(fd), "udp", "inet", "ESTAB", "v4", "null",
	    "127.0.0.1", itest_port(fd), "127.0.0.1", itest_port(u4));

	/* TIME-WAIT: AF_INET, native AF_INET6, and the server side of an
	 * IPv4 connection to the dual listener (mapped). */
	time_wait(l4, "127.0.0.1", false, "inet", "v4", "127.0.0.1");
	time_wait(lv6only, "::1", false, "inet6", "v6", "::1");
	time_wait(
	    ldual, "127.0.0.1", true, "inet6", "mapped", "::ffff:127.0.0.1");

	{
		const char *a[] = { "-a", "-j", NULL };
		const char *d[] = { "-j", NULL };
		const char *l[] = { "-l", "-j", NULL };
		const char *t[] = { "-a", "-t", "-j", NULL };
		const char *u[] = { "-a", "-u", "-j", NULL };
		const char *f4[] = { "-a", "-4", "-j", NULL };
		const char *f6[] = { "-a", "-6", "-j", NULL };
		const char *l6u[] = { "-l", "-6", "-u", "-j", NULL };
		const char *la[] = { "-l", "-a", "-j", NULL };

		check_listing(a, "-a", NULL, NULL);
		check_listing(d, "", NULL, NULL);
		check_listing(l, "-l", NULL, NULL);
		check_listing(t, "-a", "tcp", NULL);
		check_listing(u, "-a", "udp", NULL);
		check_listing(f4, "-a", NULL, "inet");
		check_listing(f6, "-a", NULL, "inet6");
		check_listing(l6u, "-l", "udp", "inet6");
		/* As in ss, the last of -l and -a wins. */
		check_listing(la, "-a", NULL, NULL);
	}
	check_against_ss();
	check_table(l4);
	itest_finish("itest_modes");
}
