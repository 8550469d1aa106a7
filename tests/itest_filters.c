/*
 * itest_filters.c - integration test of the filters (root, netns):
 * -m, --dual, --state, --sport, --dport, --src, --dst, --unmap, -s,
 * --check/-q
 *
 * Opens a known mixed population in a private network namespace, with
 * 10.1.2.3 and 2001:db8::1 on lo so prefixes have something to tell
 * apart.  The mode of each socket follows from how it was made.  For each
 * filter:
 *   - dualstat -j FILTER lists exactly the sockets the filter selects,
 *     decided here by a matcher written for this test, socket by socket;
 *   - its rows are, byte for byte, the rows of the unfiltered dualstat -a
 *     -j that this test's matcher keeps (kernel-filtered output equals
 *     unfiltered output filtered afterwards);
 * and where ss has the same filter, ss selects the same sockets.  Every
 * kind of bytecode program bc_compile() emits is sent to the kernel, which
 * must accept it.  Then random FILTER expressions (issue 9): 300 in ss's
 * own terms, given to both ss -H and dualstat -H and compared socket by
 * socket with each other and with this test's evaluator; 150 with mode
 * and v6only terms, compared with the -a -j listing filtered here.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bc.h"
#include "diag.h"
#include "filter.h"
#include "itest.h"
#include "ssfilter.h"

/* One socket of the population, as its making defines it. */
struct sk {
	const char *proto, *family, *state, *mode;
	char laddr[48];
	uint16_t lport;
	char paddr[48];
	uint16_t pport;
	int seen;
	/* ss cannot list it: a bound-inactive TCP socket, for an ss older
	 * than iproute2 6.8 (found by asking it, see mark_ss_blind()). */
	bool ss_blind;
};

#define MAX_SK 64
static struct sk pop[MAX_SK];
static size_t npop;

static void
add(const char *proto, const char *family, const char *state, const char *mode,
    const char *laddr, uint16_t lport, const char *paddr, uint16_t pport)
{
	struct sk *s = &pop[npop++];

	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->family = family;
	s->state = state;
	s->mode = mode;
	snprintf(s->laddr, sizeof(s->laddr), "%s", laddr);
	s->lport = lport;
	snprintf(s->paddr, sizeof(s->paddr), "%s", paddr);
	s->pport = pport;
}

static bool
is6(const char *addr)
{
	return strchr(addr, ':') != NULL;
}

static int
listener(int type, const char *addr, int v6only, const char *mode)
{
	int fd = itest_bind(type, addr, 0, v6only);
	bool tcp = type == SOCK_STREAM;

	add(tcp ? "tcp" : "udp", is6(addr) ? "inet6" : "inet",
	    tcp ? "LISTEN" : "UNCONN", mode, addr, itest_port(fd),
	    is6(addr) ? "::" : "0.0.0.0", 0);
	return fd;
}

/*
 * A TCP connection to lfd through addr.  The server end of an IPv4
 * connection to an AF_INET6 listener is mapped, at ::ffff:addr.  With
 * tw_server or tw_client, that end is closed first and left in TIME-WAIT.
 */
enum { OPEN, TW_SERVER, TW_CLIENT };

static void
connection(int lfd, const char *addr, bool server6, int how)
{
	uint16_t lport = itest_port(lfd), cport;
	int c = itest_connect(SOCK_STREAM, addr, lport);
	int s = itest_accept(lfd);
	char saddr[48];
	const char *smode, *cmode = is6(addr) ? "v6" : "v4";
	char b;

	cport = itest_port(c);
	if (server6 && !is6(addr)) {
		snprintf(saddr, sizeof(saddr), "::ffff:%s", addr);
		smode = "mapped";
	} else {
		snprintf(saddr, sizeof(saddr), "%s", addr);
		smode = cmode;
	}
	if (how != OPEN) {
		int first = how == TW_SERVER ? s : c;
		int second = how == TW_SERVER ? c : s;

		close(first);
		if (read(second, &b, 1) != 0)
			itest_fatal("expected EOF after the peer closed");
		close(second);
	}
	if (how != TW_SERVER)
		add("tcp", is6(addr) ? "inet6" : "inet",
		    how == OPEN ? "ESTAB" : "TIME-WAIT", cmode, addr, cport,
		    addr, lport);
	if (how != TW_CLIENT)
		add("tcp", server6 ? "inet6" : "inet",
		    how == OPEN ? "ESTAB" : "TIME-WAIT", smode, saddr, lport,
		    saddr, cport);
}

static void
udp_connected(int v6only, const char *addr, uint16_t port, const char *mode)
{
	int fd = itest_connect_v6only(SOCK_DGRAM, addr, port, v6only);

	add("udp", is6(addr) ? "inet6" : "inet", "ESTAB", mode, addr,
	    itest_port(fd), addr, port);
}

/*
 * Issue 18.1: a TCP socket bound to 127.0.0.1:port whose non-blocking
 * connect() to a closed port got a RST stays in CLOSE with its peer (a
 * blocking connect() would disconnect it, clearing the peer port); it is
 * bound-inactive (Linux 6.8+ lists it).
 */
static void
tcp_refused(uint16_t port, uint16_t closed_port)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr("127.0.0.1", port, &ss);
	struct pollfd pfd;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t elen = sizeof(err);

	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("bind 127.0.0.1:%u: %s", port, strerror(errno));
	len = itest_sockaddr("127.0.0.1", closed_port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 ||
	    errno != EINPROGRESS)
		itest_fatal("connect to :%u: %s", closed_port, strerror(errno));
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, 5000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 ||
	    err != ECONNREFUSED)
		itest_fatal("connect to :%u was not refused", closed_port);
	add("tcp", "inet", "UNCONN", "v4", "127.0.0.1", port, "127.0.0.1",
	    closed_port);
}

/*
 * Issue 18.2: a client explicitly bound to 127.0.0.1:cport connected to
 * lfd; closed first (TIME-WAIT) with tw.  Neither end is autobound: the
 * server's accepted end lost the bind lock, the TIME-WAIT socket does
 * not report it, and only the port range tells them apart.
 */
static void
bound_connection(int lfd, uint16_t cport, bool tw)
{
	uint16_t lport = itest_port(lfd);
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr("127.0.0.1", cport, &ss);
	int one = 1, c = socket(AF_INET, SOCK_STREAM, 0), s;
	char b;

	if (c < 0 ||
	    setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(c, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("bind :%u: %s", cport, strerror(errno));
	len = itest_sockaddr("127.0.0.1", lport, &ss);
	if (connect(c, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("connect :%u: %s", lport, strerror(errno));
	s = itest_accept(lfd);
	if (tw) {
		close(c);
		if (read(s, &b, 1) != 0)
			itest_fatal("expected EOF after the peer closed");
		close(s);
		add("tcp", "inet", "TIME-WAIT", "v4", "127.0.0.1", cport,
		    "127.0.0.1", lport);
		return;
	}
	add("tcp", "inet", "ESTAB", "v4", "127.0.0.1", cport, "127.0.0.1",
	    lport);
	add("tcp", "inet", "ESTAB", "v4", "127.0.0.1", lport, "127.0.0.1",
	    cport);
}

static void
run_ip(const char *const argv[])
{
	char *out, *err;

	if (itest_run_prog(argv, &out, &err) != 0)
		itest_fatal("%s %s %s: %s", argv[0], argv[1], argv[2], err);
	free(out);
	free(err);
}

/* ---- this test's own matcher ---- */

struct gen;
static bool eval(const struct gen *g, const struct sk *s);

#define MAXV 3
/* Ports are kept plus one in struct fcase, so that 0 can mean "unused". */
#define P(port) ((int)(port) + 1)

struct fcase {
	const char *args[16]; /* dualstat's arguments, -j added */
	const char *modes; /* comma list, NULL: any */
	const char *states; /* comma list of state texts, NULL: any */
	const char *proto, *family; /* NULL: any */
	int sports[MAXV], dports[MAXV]; /* P(port); 0: unused */
	const char *srcs[MAXV], *dsts[MAXV];
	const struct gen *expr; /* a FILTER, judged by eval() below */
};

static bool
in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word)) != NULL) {
		if ((p == list || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

/* Written for the test: an IPv4 prefix also covers ::ffff:a.b.c.d. */
static bool
prefix_has(const char *prefix, const char *addr_text)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char p[64];
	char *slash;
	uint8_t net[16], addr[16];
	int pfam = is6(prefix) ? AF_INET6 : AF_INET, afam, bits, i;
	const uint8_t *a = addr;

	snprintf(p, sizeof(p), "%s", prefix);
	slash = strchr(p, '/');
	if (slash != NULL)
		*slash = '\0';
	bits = slash != NULL ? atoi(slash + 1) : pfam == AF_INET ? 32 : 128;
	if (inet_pton(pfam, p, net) != 1)
		itest_fatal("bad prefix %s in the test", prefix);
	afam = is6(addr_text) ? AF_INET6 : AF_INET;
	if (inet_pton(afam, addr_text, addr) != 1)
		itest_fatal("bad address %s in the test", addr_text);
	if (pfam == AF_INET && afam == AF_INET6) {
		if (memcmp(addr, mapped, 12) != 0)
			return false;
		a = addr + 12;
	} else if (pfam != afam) {
		return false;
	}
	for (i = 0; i < bits; i++)
		if (((a[i / 8] ^ net[i / 8]) & (0x80 >> (i % 8))) != 0)
			return false;
	return true;
}

static bool
port_ok(const int *ports, uint16_t port)
{
	int i;

	if (ports[0] == 0)
		return true;
	for (i = 0; i < MAXV && ports[i] != 0; i++)
		if (ports[i] == P(port))
			return true;
	return false;
}

static bool
addr_ok(const char *const *prefixes, const char *addr)
{
	int i;

	if (prefixes[0] == NULL)
		return true;
	for (i = 0; i < MAXV && prefixes[i] != NULL; i++)
		if (prefix_has(prefixes[i], addr))
			return true;
	return false;
}

static bool
selects(const struct fcase *c, const struct sk *s)
{
	return (c->proto == NULL || strcmp(c->proto, s->proto) == 0) &&
	    (c->family == NULL || strcmp(c->family, s->family) == 0) &&
	    (c->modes == NULL || in_list(c->modes, s->mode)) &&
	    (c->states == NULL || in_list(c->states, s->state)) &&
	    port_ok(c->sports, s->lport) && port_ok(c->dports, s->pport) &&
	    addr_ok(c->srcs, s->laddr) && addr_ok(c->dsts, s->paddr) &&
	    (c->expr == NULL || eval(c->expr, s));
}

/* ---- running dualstat ---- */

static void
args_text(const char *const args[], char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; args[i] != NULL && used < len; i++)
		used +=
		    (size_t)snprintf(buf + used, len - used, " %s", args[i]);
}

/* Runs dualstat ARGS -j; returns its output, checked to succeed. */
static char *
run_json(const char *const args[], const char *what)
{
	const char *argv[40];
	char *out, *err;
	size_t i;
	int status;

	for (i = 0; args[i] != NULL && i < 37; i++)
		argv[i] = args[i];
	argv[i++] = "-j";
	argv[i] = NULL;
	status = itest_run(argv, &out, &err);
	itest_check(status == 0 && err[0] == '\0', "dualstat%s: exit %d: %s",
	    what, status, err);
	free(err);
	return out;
}

static struct sk *
find(const char *proto, uint16_t lport, uint16_t pport)
{
	size_t i;

	for (i = 0; i < npop; i++)
		if (strcmp(pop[i].proto, proto) == 0 && pop[i].lport == lport &&
		    pop[i].pport == pport)
			return &pop[i];
	return NULL;
}

/* Finds the socket a JSON row is about, or NULL. */
static struct sk *
row_sock(const char *line)
{
	char proto[8], lport[8], pport[8];

	if (!itest_json_get(line, "proto", proto, sizeof(proto)) ||
	    !itest_json_get(line, "local_port", lport, sizeof(lport)) ||
	    !itest_json_get(line, "peer_port", pport, sizeof(pport)))
		return NULL;
	return find(proto, (uint16_t)atoi(lport), (uint16_t)atoi(pport));
}

static void
field_is(const char *line, const char *key, const char *want, const char *what,
    const struct sk *s)
{
	char buf[64];

	if (!itest_json_get(line, key, buf, sizeof(buf)))
		buf[0] = '\0';
	itest_check(strcmp(buf, want) == 0,
	    "dualstat%s: %s %s:%u: %s is %s, not %s", what, s->proto, s->laddr,
	    s->lport, key, buf, want);
}

/* Copies line number i of text (without "," and newline) into buf. */
static bool
row_text(const char *text, size_t i, char *buf, size_t len)
{
	size_t n;
	const char *line = itest_line(text, i, &n);

	if (line == NULL || line[0] != '{')
		return false;
	if (n > 0 && line[n - 1] == ',')
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	return true;
}

/*
 * Steps through the JSON rows of text from line *i on: copies the next row
 * into buf, points *s at its socket (NULL if unknown) and returns true, or
 * returns false at the end.
 */
static bool
next_row(const char *text, size_t *i, char *buf, size_t len, struct sk **s)
{
	size_t n = itest_count_lines(text);

	for (; *i < n; (*i)++) {
		if (row_text(text, *i, buf, len)) {
			(*i)++;
			*s = row_sock(buf);
			return true;
		}
	}
	return false;
}

static bool
text_has_row(const char *text, const char *row)
{
	char buf[512];
	struct sk *s;
	size_t i = 0;

	while (next_row(text, &i, buf, sizeof(buf), &s))
		if (strcmp(buf, row) == 0)
			return true;
	return false;
}

static void
check_case(const struct fcase *c, const char *all)
{
	char what[256], buf[512];
	char *out = NULL;
	struct sk *s;
	size_t i, rows = 0, want = 0, kept = 0;

	args_text(c->args, what, sizeof(what));
	out = run_json(c->args, what);
	for (i = 0; i < npop; i++)
		pop[i].seen = 0;
	for (i = 0; next_row(out, &i, buf, sizeof(buf), &s);) {
		rows++;
		if (!itest_check(
			s != NULL, "dualstat%s: unknown row %s", what, buf))
			continue;
		s->seen++;
		itest_check(
		    selects(c, s), "dualstat%s: should not list %s", what, buf);
		field_is(buf, "mode", s->mode, what, s);
		field_is(buf, "state", s->state, what, s);
		field_is(buf, "family", s->family, what, s);
		field_is(buf, "local_addr", s->laddr, what, s);
		field_is(buf, "peer_addr", itest_json_peer(s->paddr, s->pport),
		    what, s);
		/* The same row, byte for byte, in the unfiltered listing. */
		itest_check(text_has_row(all, buf),
		    "dualstat%s: row not in dualstat -a -j: %s", what, buf);
	}
	for (i = 0; i < npop; i++) {
		if (!selects(c, &pop[i]))
			continue;
		want++;
		itest_check(pop[i].seen == 1,
		    "dualstat%s: %s %s %s:%u -> %s:%u (%s) listed %d times",
		    what, pop[i].proto, pop[i].state, pop[i].laddr,
		    pop[i].lport, pop[i].paddr, pop[i].pport, pop[i].mode,
		    pop[i].seen);
	}
	itest_check(
	    rows == want, "dualstat%s: %zu rows, want %zu", what, rows, want);
	/* Unfiltered output filtered here: the same rows. */
	for (i = 0; next_row(all, &i, buf, sizeof(buf), &s);) {
		if (s == NULL || !selects(c, s))
			continue;
		kept++;
		itest_check(text_has_row(out, buf),
		    "dualstat%s: missing row of the unfiltered listing: %s",
		    what, buf);
	}
	itest_check(kept == rows, "dualstat%s: %zu rows, filtered -a has %zu",
	    what, rows, kept);
	free(out);
}

/* ---- ss as a cross-check ---- */

/* The port after the last ':' of an ss address column ("*": 0). */
static uint16_t
ss_port(const char *col)
{
	const char *colon = strrchr(col, ':');

	if (colon == NULL || colon[1] == '*')
		return 0;
	return (uint16_t)atoi(colon + 1);
}

/*
 * Runs ss with ss_args and dualstat with ds_args; both must name the same
 * (protocol, local port, peer port) set.
 */
static void
check_ss(const char *const ss_args[], const char *const ds_args[])
{
	char what[256], buf[512], *out, *err, *ds;
	struct sk *s;
	size_t i, n, ss_rows = 0, ds_rows = 0;

	args_text(ss_args, what, sizeof(what));
	if (itest_run_prog(ss_args, &out, &err) != 0) {
		itest_check(false, "%s failed: %s", what, err);
		return;
	}
	ds = run_json(ds_args, what);
	for (i = 0; i < npop; i++)
		pop[i].seen = 0;
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		char copy[512], *tok[8], *save = NULL, *t;
		size_t len, ntok = 0;
		const char *line = itest_line(out, i, &len);

		if (line == NULL || len >= sizeof(copy))
			continue;
		memcpy(copy, line, len);
		copy[len] = '\0';
		/*
		 * Netid [State] Recv-Q Send-Q Local Peer: ss leaves the State
		 * column out when the filter names a single state.
		 */
		for (t = strtok_r(copy, " \t", &save); t != NULL && ntok < 8;
		     t = strtok_r(NULL, " \t", &save))
			tok[ntok++] = t;
		if (ntok < 5)
			continue;
		ss_rows++;
		s = find(
		    tok[0], ss_port(tok[ntok - 2]), ss_port(tok[ntok - 1]));
		if (itest_check(s != NULL, "%s: unknown row %.*s", what,
			(int)len, line))
			s->seen = 1;
	}
	for (i = 0; next_row(ds, &i, buf, sizeof(buf), &s);) {
		if (s != NULL && s->ss_blind)
			continue;
		ds_rows++;
		itest_check(s != NULL && s->seen == 1,
		    "%s: dualstat lists a row ss does not: %s", what, buf);
	}
	itest_check(ss_rows == ds_rows && ss_rows > 0,
	    "%s: ss lists %zu rows, dualstat %zu", what, ss_rows, ds_rows);
	free(out);
	free(err);
	free(ds);
}

/* ---- every kind of program, sent to the kernel ---- */

static int
ok_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return 0;
}

static void
check_kernel_accepts(void)
{
	/* Every op and layout bc.c emits, and the mode approximations. */
	static const char *const specs[] = {
		"mode mapped",
		"mode dual",
		"mode dual,mapped",
		"mode v6",
		"mode v6only,dual",
		"mode v6,v6only",
		"mode v4", /* on AF_INET6: the reject-all JMP */
		"not mode dual and sport = :22",
		"v6only or dport = :22",
		"sport = :22 and dport = :22",
		"sport >= :1024 or sport <= :22",
		"dport > :1024 and dport < :2000",
		"not ( sport != :22 or not dport = :0 )",
		"src 10.0.0.0/8 or dst 10.0.0.0/8",
		"src 2001:db8::/32 or dst 2001:db8::/32",
		"src [::ffff:10.0.0.0/104]:22 and dst *:0",
		"src [::1]:22 or dst 127.0.0.1:22",
		"dev lo or not dev lo",
		"autobound",
		"not autobound and sport >= :1",
		"mode dual,mapped and ( sport = :22 or src ::ffff:10.0.0.0/104 )",
	};
	struct diag *d = diag_new();
	uint8_t bc[BC_MAX_LEN];
	size_t i, kinds = 0;
	int family, proto;

	if (d == NULL)
		itest_fatal("diag_new: %s", strerror(errno));
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		static struct filter f;
		struct ssfilter_error e;

		memset(&f, 0, sizeof(f));
		if (ssfilter_parse(&f, specs[i], NULL, &e) != 0)
			itest_fatal("%s: %s", specs[i], e.msg);
		for (family = AF_INET; family <= AF_INET6;
		     family += AF_INET6 - AF_INET) {
			struct diag_request req = { .family = (uint8_t)family,
				.states = 0x1ffe };
			int len = bc_compile(&f, family, bc, sizeof(bc), NULL);

			if (len <= 0)
				continue;
			kinds++;
			req.bytecode = bc;
			req.bytecode_len = (size_t)len;
			for (proto = 0; proto < 2; proto++) {
				int ret;

				req.protocol =
				    proto == 0 ? IPPROTO_TCP : IPPROTO_UDP;
				ret = diag_dump(d, &req, ok_cb, NULL);
				itest_check(ret == 0,
				    "kernel refused the program for '%s' "
				    "(family %d, %d bytes): %s",
				    specs[i], family, len, strerror(-ret));
			}
		}
	}
	itest_check(kinds >= 30, "only %zu programs sent", kinds);
	diag_free(d);
}

/* ---- random FILTER expressions: against ss, and with mode terms ---- */

enum gen_kind {
	G_AND,
	G_OR,
	G_NOT,
	G_SPORT,
	G_DPORT,
	G_SRC,
	G_DST,
	G_MODE,
	G_V6ONLY
};

struct gen {
	enum gen_kind kind;
	int op; /* ports: 0 =, 1 !=, 2 <, 3 >, 4 <=, 5 >= */
	unsigned int port; /* ports; SRC/DST: 0 any, else the port + 1 */
	const char *prefix; /* SRC/DST: NULL for "*" */
	unsigned int modes; /* bits in the order of mode_names[] */
	struct gen *a, *b;
};

static const char *const mode_names[] = { "v4", "v6", "v6only", "dual",
	"mapped" };
static const char *const port_ops[] = { "=", "!=", "<", ">", "<=", ">=" };
/* IPv6 in brackets, as ss wants it. */
static const char *const prefixes[] = { "10.0.0.0/8", "127.0.0.1", "10.1.2.3",
	"0.0.0.0/0", "[::/0]", "[::]", "[::1]", "[2001:db8::/32]",
	"[2001:db8::1]", "[::ffff:127.0.0.0/104]", "127.0.0.0/8" };
static uint16_t gen_ports[MAX_SK * 2 + 4];
static size_t ngen_ports;

#define GEN_MAX 48

struct gen_pool {
	struct gen g[GEN_MAX];
	int n;
};

static struct gen *
gen_tree(struct gen_pool *p, int depth, bool user_terms)
{
	struct gen *g = &p->g[p->n++];
	int r = rand() % 100;

	memset(g, 0, sizeof(*g));
	if (depth > 0 && p->n < GEN_MAX - 6 && r < 45) {
		g->kind = r < 20 ? G_AND : r < 38 ? G_OR : G_NOT;
		g->a = gen_tree(p, depth - 1, user_terms);
		if (g->kind != G_NOT)
			g->b = gen_tree(p, depth - 1, user_terms);
		return g;
	}
	r = rand() % (user_terms ? 100 : 70);
	g->kind = r < 20 ? G_SPORT
	    : r < 40	 ? G_DPORT
	    : r < 55	 ? G_SRC
	    : r < 70	 ? G_DST
	    : r < 90	 ? G_MODE
			 : G_V6ONLY;
	g->op = rand() % 6;
	g->port = gen_ports[(size_t)rand() % ngen_ports];
	if (g->kind == G_SRC || g->kind == G_DST) {
		g->prefix = rand() % 5 == 0
		    ? NULL
		    : prefixes[(size_t)rand() %
			  (sizeof(prefixes) / sizeof(prefixes[0]))];
		/* With a port now and then. */
		g->port = rand() % 3 == 0 ? g->port + 1 : 0;
		if (g->prefix == NULL && g->port == 0)
			g->port = 1; /* "*:0" */
	}
	g->modes = 1U + (unsigned int)rand() % 31;
	return g;
}

static void
gen_app(char *buf, size_t len, const char *text)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s", text);
}

/* Writes g as ss filter text (words ss knows too). */
static void
gen_text(const struct gen *g, char *buf, size_t len)
{
	char t[96];
	size_t m;
	bool first = true;

	switch (g->kind) {
	case G_AND:
	case G_OR:
		gen_app(buf, len, "( ");
		gen_text(g->a, buf, len);
		gen_app(buf, len,
		    g->kind == G_OR ? (rand() % 2 ? " or " : " || ")
				    : (rand() % 2 ? " and " : " "));
		gen_text(g->b, buf, len);
		gen_app(buf, len, " )");
		return;
	case G_NOT:
		gen_app(buf, len, rand() % 2 ? "not " : "! ");
		gen_text(g->a, buf, len);
		return;
	case G_SPORT:
	case G_DPORT:
		/* ss's other spellings (issue 18.5): no "=", geq, leq. */
		snprintf(t, sizeof(t), "%s %s :%u",
		    g->kind == G_SPORT ? "sport" : "dport",
		    g->op == 0 && g->port % 3 == 0	 ? ""
			: g->op == 4 && g->port % 2 == 0 ? "leq"
			: g->op == 5 && g->port % 2 == 0 ? "geq"
							 : port_ops[g->op],
		    g->port);
		break;
	case G_SRC:
	case G_DST:
		if (g->port != 0)
			snprintf(t, sizeof(t), "%s %s:%u",
			    g->kind == G_SRC ? "src" : "dst",
			    g->prefix != NULL ? g->prefix : "*", g->port - 1);
		else /* any port, now and then as ss's ":*" */
			snprintf(t, sizeof(t), "%s %s%s",
			    g->kind == G_SRC ? "src" : "dst",
			    g->prefix != NULL ? g->prefix : "*",
			    g->op % 2 == 0 ? ":*" : "");
		break;
	case G_MODE:
		snprintf(t, sizeof(t), "mode ");
		for (m = 0; m < 5; m++)
			if (g->modes & (1U << m)) {
				snprintf(t + strlen(t), sizeof(t) - strlen(t),
				    "%s%s", first ? "" : ",", mode_names[m]);
				first = false;
			}
		break;
	default:
		snprintf(t, sizeof(t), "v6only");
		break;
	}
	gen_app(buf, len, t);
}

static bool
port_cmp(int op, unsigned int have, unsigned int want)
{
	switch (op) {
	case 0:
		return have == want;
	case 1:
		return have != want;
	case 2:
		return have < want;
	case 3:
		return have > want;
	case 4:
		return have <= want;
	default:
		return have >= want;
	}
}

/* The test's evaluator, on the socket as the test made it. */
static bool
eval(const struct gen *g, const struct sk *s)
{
	const char *addr;
	size_t m;

	switch (g->kind) {
	case G_AND:
		return eval(g->a, s) && eval(g->b, s);
	case G_OR:
		return eval(g->a, s) || eval(g->b, s);
	case G_NOT:
		return !eval(g->a, s);
	case G_SPORT:
		return port_cmp(g->op, s->lport, g->port);
	case G_DPORT:
		return port_cmp(g->op, s->pport, g->port);
	case G_MODE:
		for (m = 0; m < 5; m++)
			if ((g->modes & (1U << m)) &&
			    strcmp(s->mode, mode_names[m]) == 0)
				return true;
		return false;
	case G_V6ONLY:
		/* Listeners on "::" with v6only, or on a specific address. */
		return strcmp(s->mode, "v6only") == 0;
	default:
		break;
	}
	addr = g->kind == G_SRC ? s->laddr : s->paddr;
	if (g->port != 0 &&
	    g->port - 1 != (g->kind == G_SRC ? s->lport : s->pport))
		return false;
	if (g->prefix != NULL && g->prefix[0] == '[') {
		char bare[64];

		snprintf(bare, sizeof(bare), "%.*s", (int)strlen(g->prefix) - 2,
		    g->prefix + 1);
		return prefix_has(bare, addr);
	}
	return g->prefix == NULL || prefix_has(g->prefix, addr);
}

static bool eval_all(const struct sk *s, const char *text);

/* Splits a filter text into words, as a shell would pass it to ss. */
static size_t
split_words(char *text, const char *argv[], size_t max)
{
	char *save = NULL, *t;
	size_t n = 0;

	for (t = strtok_r(text, " ", &save); t != NULL && n < max;
	     t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	return n;
}

/*
 * dualstat -a -H FILTER and ss -tuanH FILTER must list the same sockets,
 * and the test's evaluator too; a refused filter must be one nothing can
 * pass.  Returns the number of rows.
 */
static size_t
check_random_ss(const char *text)
{
	char copy[4096], *out, *err, *ds, *dserr;
	const char *ss_argv[256] = { "ss", "-tuanH" };
	const char *ds_argv[256] = { "-a", "-H" };
	size_t n, i, k, ss_rows = 0, ds_rows = 0, want = 0;
	int status;

	snprintf(copy, sizeof(copy), "%s", text);
	n = split_words(copy, ss_argv + 2, 250);
	ss_argv[n + 2] = NULL;
	for (i = 0; i < n; i++)
		ds_argv[i + 2] = ss_argv[i + 2];
	ds_argv[n + 2] = NULL;
	for (i = 0; i < npop; i++) {
		pop[i].seen = 0;
		if (eval_all(&pop[i], text))
			want++;
	}
	if (itest_run_prog(ss_argv, &out, &err) != 0) {
		itest_check(false, "ss '%s' failed: %s", text, err);
		return 0;
	}
	status = itest_run(ds_argv, &ds, &dserr);
	if (status == 2 && strstr(dserr, "can never match") != NULL) {
		itest_check(want == 0 && out[0] == '\0',
		    "'%s' refused, but %zu sockets match: %s", text, want,
		    dserr);
		goto done;
	}
	itest_check(
	    status == 0, "dualstat -a '%s': exit %d: %s", text, status, dserr);
	for (k = 0; k < 2; k++) {
		const char *list = k == 0 ? out : ds;
		size_t lines = itest_count_lines(list);

		for (i = 0; i < lines; i++) {
			char line[512], *tok[8], *save = NULL, *t;
			size_t len, ntok = 0;
			const char *l = itest_line(list, i, &len);
			struct sk *s;

			if (l == NULL || len >= sizeof(line))
				continue;
			memcpy(line, l, len);
			line[len] = '\0';
			for (t = strtok_r(line, " \t", &save);
			     t != NULL && ntok < 8;
			     t = strtok_r(NULL, " \t", &save))
				tok[ntok++] = t;
			if (ntok < 5)
				continue;
			/* ss: Netid State Recv-Q Send-Q Local Peer;
			 * dualstat: Proto State Mode Local Peer. */
			s = find(tok[0], ss_port(tok[ntok - 2]),
			    ss_port(tok[ntok - 1]));
			if (!itest_check(
				s != NULL, "'%s': unknown row %s", text, l))
				continue;
			s->seen |= 1 << k;
			if (k == 0)
				ss_rows++;
			else if (!s->ss_blind)
				ds_rows++;
		}
	}
	for (i = 0; i < npop; i++) {
		bool w = eval_all(&pop[i], text);

		/* ss cannot see a blind socket: dualstat and the test
		 * still must agree on it. */
		int want_seen = !w ? 0 : pop[i].ss_blind ? 2 : 3;

		itest_check(pop[i].seen == want_seen,
		    "'%s': %s %s %s:%u -> %s:%u (%s): ss %s, dualstat %s, "
		    "test %s",
		    text, pop[i].proto, pop[i].state, pop[i].laddr,
		    pop[i].lport, pop[i].paddr, pop[i].pport, pop[i].mode,
		    pop[i].seen & 1 ? "lists it" : "not",
		    pop[i].seen & 2 ? "lists it" : "not",
		    w ? "wants it" : "not");
	}
	itest_check(ss_rows == ds_rows, "'%s': ss %zu rows, dualstat %zu", text,
	    ss_rows, ds_rows);
done:
	free(out);
	free(err);
	free(ds);
	free(dserr);
	return want;
}

/* The expression under test, for eval_all(). */
static const struct gen *current;

static bool
eval_all(const struct sk *s, const char *text)
{
	(void)text;
	return eval(current, s);
}

static void
check_random(const char *all)
{
	struct gen_pool pool;
	char text[4096];
	size_t i, k, nonempty = 0;

	for (i = 0; i < npop; i++) {
		gen_ports[ngen_ports++] = pop[i].lport;
		gen_ports[ngen_ports++] = pop[i].pport;
	}
	gen_ports[ngen_ports++] = 1024;
	gen_ports[ngen_ports++] = 65535;
	srand(9);
	/* ss's own terms, against ss. */
	for (k = 0; k < 300; k++) {
		memset(&pool, 0, sizeof(pool));
		current = gen_tree(&pool, 1 + rand() % 4, false);
		text[0] = '\0';
		gen_text(current, text, sizeof(text));
		if (check_random_ss(text) > 0)
			nonempty++;
	}
	itest_check(
	    nonempty >= 100, "only %zu of 300 ss filters matched", nonempty);
	/* With mode and v6only terms, against -a -j filtered here. */
	for (k = 0; k < 150; k++) {
		struct fcase c;
		const char *argv[260];
		char *out, *err;
		size_t n, want = 0;
		int status;

		memset(&pool, 0, sizeof(pool));
		memset(&c, 0, sizeof(c));
		current = gen_tree(&pool, 1 + rand() % 4, true);
		text[0] = '\0';
		gen_text(current, text, sizeof(text));
		c.expr = current;
		for (i = 0; i < npop; i++)
			want += eval(current, &pop[i]);
		argv[0] = "-a";
		argv[1] = text;
		argv[2] = NULL;
		if (want > 0) {
			c.args[0] = "-a";
			c.args[1] = text;
			check_case(&c, all);
			continue;
		}
		/* Nothing matches: refused (exit 2) or an empty list. */
		status = itest_run(argv, &out, &err);
		n = itest_count_lines(out);
		itest_check(
		    (status == 0 && n == 1) || (status == 2 && out[0] == '\0'),
		    "'%s': nothing matches, but exit %d and %zu lines", text,
		    status, n);
		free(out);
		free(err);
	}
}

/* ---- --unmap, -s, --check ---- */

static void
check_unmap(void)
{
	const char *jargs[] = { "-a", "-m", "mapped", "--unmap", NULL };
	const char *targs[] = { "-a", "-m", "mapped", "--unmap", "-H", NULL };
	char *out, *err, buf[512], want[64];
	struct sk *s;
	size_t i, n, rows = 0;

	out = run_json(jargs, " --unmap");
	for (i = 0; next_row(out, &i, buf, sizeof(buf), &s);) {
		rows++;
		if (!itest_check(s != NULL, "--unmap: unknown row %s", buf))
			continue;
		/* The mode and family stay; addresses lose ::ffff:. */
		field_is(buf, "mode", "mapped", " --unmap", s);
		field_is(buf, "family", "inet6", " --unmap", s);
		if (strncmp(s->laddr, "::ffff:", 7) == 0)
			field_is(
			    buf, "local_addr", s->laddr + 7, " --unmap", s);
		if (strncmp(s->paddr, "::ffff:", 7) == 0)
			field_is(buf, "peer_addr", s->paddr + 7, " --unmap", s);
	}
	itest_check(rows >= 4, "--unmap: %zu mapped rows", rows);
	free(out);

	itest_run(targs, &out, &err);
	n = itest_count_lines(out);
	itest_check(n == rows, "--unmap table: %zu rows, want %zu", n, rows);
	for (i = 0; i < npop; i++) {
		if (strcmp(pop[i].mode, "mapped") != 0 ||
		    strncmp(pop[i].laddr, "::ffff:", 7) != 0)
			continue;
		snprintf(want, sizeof(want), " %s:%u ", pop[i].laddr + 7,
		    pop[i].lport);
		itest_check(strstr(out, want) != NULL,
		    "--unmap table: no '%s' in\n%s", want, out);
	}
	itest_check(strstr(out, "::ffff:") == NULL,
	    "--unmap table still shows ::ffff:\n%s", out);
	free(out);
	free(err);
}

/* The summary's JSON keys are snake_case (issue 11). */
static const char *const groups[] = { "listening", "connected", "time_wait" };

static const char *
group_of(const char *state)
{
	if (strcmp(state, "LISTEN") == 0 || strcmp(state, "UNCONN") == 0)
		return groups[0];
	if (strcmp(state, "TIME-WAIT") == 0)
		return groups[2];
	return groups[1];
}

/* dualstat -s -j ARGS against counts made here from the population. */
static void
check_summary(const struct fcase *c, int bindv6only)
{
	static const char *const modes[] = { "v4", "v6", "v6only", "dual",
		"mapped" };
	static const char *const protos[] = { "tcp", "udp" };
	const char *args[20];
	char what[256], *out, proto_obj[1024], group_obj[256], val[32];
	size_t i, p, g, m, k, total = 0;

	args[0] = "-s";
	for (i = 0; c->args[i] != NULL; i++)
		args[i + 1] = c->args[i];
	args[i + 1] = NULL;
	args_text(args, what, sizeof(what));
	out = run_json(args, what);
	/* One shape with or without --all-netns: an array of one object
	 * per namespace. */
	itest_check(itest_count_lines(out) == 3 && out[0] == '[' &&
		strcmp(out + strlen(out) - 2, "]\n") == 0,
	    "dualstat%s: not an array of one object: %s", what, out);
	itest_check(itest_json_get(out, "bindv6only", val, sizeof(val)) &&
		atoi(val) == bindv6only,
	    "dualstat%s: bindv6only %s, want %d", what, val, bindv6only);
	for (p = 0; p < 2; p++) {
		if (!itest_check(itest_json_get(out, protos[p], proto_obj,
				     sizeof(proto_obj)),
			"dualstat%s: no %s in %s", what, protos[p], out))
			continue;
		for (g = 0; g < 3; g++) {
			/* UDP has no TIME-WAIT line. */
			if (p == 1 && g == 2) {
				itest_check(
				    !itest_json_get(proto_obj, groups[g],
					group_obj, sizeof(group_obj)),
				    "dualstat%s: udp time-wait", what);
				continue;
			}
			if (!itest_check(itest_json_get(proto_obj, groups[g],
					     group_obj, sizeof(group_obj)),
				"dualstat%s: no %s.%s", what, protos[p],
				groups[g]))
				continue;
			for (m = 0; m < 5; m++) {
				size_t want = 0;

				for (k = 0; k < npop; k++)
					if (strcmp(pop[k].proto, protos[p]) ==
						0 &&
					    group_of(pop[k].state) ==
						groups[g] &&
					    strcmp(pop[k].mode, modes[m]) ==
						0 &&
					    selects(c, &pop[k]))
						want++;
				total += want;
				itest_check(itest_json_get(group_obj, modes[m],
						val, sizeof(val)) &&
					(size_t)atol(val) == want,
				    "dualstat%s: %s.%s.%s is %s, want %zu",
				    what, protos[p], groups[g], modes[m], val,
				    want);
			}
		}
	}
	itest_check(
	    itest_json_get(out, "total", proto_obj, sizeof(proto_obj)) &&
		itest_json_get(proto_obj, "total", val, sizeof(val)) &&
		(size_t)atol(val) == total,
	    "dualstat%s: total %s, want %zu", what, val, total);
	free(out);
}

static int
run_status(const char *const args[], char **out, char **err)
{
	return itest_run(args, out, err);
}

static void
check_audit(uint16_t unused_port)
{
	const char *found[] = { "--check", "-q", "-l", "-m", "dual", NULL };
	const char *shown[] = { "--check", "-l", "-m", "dual", "-H", NULL };
	const char *none[] = { "--check", "-q", "-a", "-m", "dual", "--sport",
		NULL, NULL };
	char port[8], *out, *err;
	int status;

	status = run_status(found, &out, &err);
	itest_check(status == 1 && out[0] == '\0' && err[0] == '\0',
	    "--check -q -l -m dual: exit %d, stdout '%s', stderr '%s'", status,
	    out, err);
	free(out);
	free(err);
	status = run_status(shown, &out, &err);
	/* Two dual listeners (TCP and UDP), printed. */
	itest_check(status == 1 && itest_count_lines(out) == 2,
	    "--check -l -m dual: exit %d, output:\n%s", status, out);
	free(out);
	free(err);
	snprintf(port, sizeof(port), "%u", unused_port);
	none[6] = port;
	status = run_status(none, &out, &err);
	itest_check(status == 0 && out[0] == '\0' && err[0] == '\0',
	    "--check -q (nothing): exit %d, stdout '%s', stderr '%s'", status,
	    out, err);
	free(out);
	free(err);
}

static int
bindv6only_set(const char *value)
{
	FILE *f = fopen("/proc/sys/net/ipv6/bindv6only", "w");

	if (f == NULL || fputs(value, f) < 0 || fclose(f) != 0)
		itest_fatal("cannot write net.ipv6.bindv6only");
	return atoi(value);
}

/*
 * Marks the sockets plain ss -tuanH does not list: bound-inactive TCP
 * sockets, for an ss older than iproute2 6.8 (Debian 12 has 6.1).  Every
 * other socket must be there.
 */
static void
mark_ss_blind(void)
{
	const char *const argv[] = { "ss", "-tuanH", NULL };
	char *out, *err;
	size_t i, n, len;
	struct sk *s;

	if (itest_run_prog(argv, &out, &err) != 0)
		itest_fatal("ss -tuanH: %s", err);
	for (i = 0; i < npop; i++)
		pop[i].ss_blind = true;
	n = itest_count_lines(out);
	for (i = 0; i < n; i++) {
		char copy[512], *tok[8], *save = NULL, *t;
		size_t ntok = 0;
		const char *line = itest_line(out, i, &len);

		if (line == NULL || len >= sizeof(copy))
			continue;
		memcpy(copy, line, len);
		copy[len] = '\0';
		for (t = strtok_r(copy, " \t", &save); t != NULL && ntok < 8;
		     t = strtok_r(NULL, " \t", &save))
			tok[ntok++] = t;
		s = ntok >= 5 ? find(tok[0], ss_port(tok[ntok - 2]),
				    ss_port(tok[ntok - 1]))
			      : NULL;
		if (s != NULL)
			s->ss_blind = false;
	}
	for (i = 0; i < npop; i++)
		itest_check(
		    !pop[i].ss_blind || strcmp(pop[i].state, "UNCONN") == 0,
		    "ss -tuanH does not list %s %s %s:%u", pop[i].proto,
		    pop[i].state, pop[i].laddr, pop[i].lport);
	free(out);
	free(err);
}

/* ss -tuanH TEXT and dualstat -a TEXT (words split at spaces). */
static void
check_ss_form(const char *text)
{
	const char *ss_argv[32] = { "ss", "-tuanH" };
	const char *ds_argv[32] = { "-a" };
	char copy[256];
	size_t n, i;

	snprintf(copy, sizeof(copy), "%s", text);
	n = split_words(copy, ss_argv + 2, 28);
	ss_argv[n + 2] = NULL;
	for (i = 0; i < n; i++)
		ds_argv[i + 1] = ss_argv[i + 2];
	ds_argv[n + 1] = NULL;
	check_ss(ss_argv, ds_argv);
}

#define PORT_ARG(i, port) snprintf(ports[i], sizeof(ports[i]), "%u", (port))

int
main(void)
{
	static const char *const addr4[] = { "ip", "addr", "add", "10.1.2.3/8",
		"dev", "lo", NULL };
	static const char *const addr6[] = { "ip", "-6", "addr", "add",
		"2001:db8::1/64", "dev", "lo", "nodad", NULL };
	const char *all_args[] = { "-a", NULL };
	int l4, l4any, ldual, lv6only, lmapped, u4, uv6only, lexplicit;
	char ports[4][8], *all;
	uint16_t pdual, pv6only;
	size_t i;

	itest_enter_netns();
	run_ip(addr4);
	run_ip(addr6);
	/* The route to a new IPv6 address on lo can lag behind "ip addr". */
	itest_wait_route("2001:db8::1");
	itest_wait_route("10.1.2.3");

	l4 = listener(SOCK_STREAM, "127.0.0.1", -1, "v4");
	l4any = listener(SOCK_STREAM, "0.0.0.0", -1, "v4");
	ldual = listener(SOCK_STREAM, "::", 0, "dual");
	lv6only = listener(SOCK_STREAM, "::", 1, "v6only");
	listener(SOCK_STREAM, "2001:db8::1", 0, "v6only");
	lmapped = listener(SOCK_STREAM, "::ffff:127.0.0.1", 0, "mapped");
	u4 = listener(SOCK_DGRAM, "127.0.0.1", -1, "v4");
	listener(SOCK_DGRAM, "::", 0, "dual");
	uv6only = listener(SOCK_DGRAM, "::", 1, "v6only");
	listener(SOCK_DGRAM, "10.1.2.3", -1, "v4");

	connection(ldual, "127.0.0.1", true, OPEN);
	connection(ldual, "10.1.2.3", true, OPEN);
	connection(ldual, "2001:db8::1", true, OPEN);
	connection(lv6only, "::1", true, OPEN);
	connection(l4, "127.0.0.1", false, OPEN);
	connection(l4any, "10.1.2.3", false, OPEN);
	connection(lmapped, "127.0.0.1", true, OPEN);
	connection(ldual, "10.1.2.3", true, TW_SERVER);
	connection(l4, "127.0.0.1", false, TW_CLIENT);
	connection(ldual, "2001:db8::1", true, TW_CLIENT);
	udp_connected(0, "::ffff:127.0.0.1", itest_port(u4), "mapped");
	udp_connected(-1, "::1", itest_port(uv6only), "v6");
	udp_connected(-1, "10.1.2.3", itest_port(u4), "v4");
	/* Issue 18.1: ESTAB with peer port 0; CLOSE with peer port 9. */
	udp_connected(-1, "127.0.0.1", 0, "v4");
	tcp_refused(4444, 9);
	/* Issue 18.2: explicit ports outside the ephemeral range. */
	lexplicit = itest_bind(SOCK_STREAM, "127.0.0.1", 9200, -1);
	add("tcp", "inet", "LISTEN", "v4", "127.0.0.1", 9200, "0.0.0.0", 0);
	bound_connection(lexplicit, 1022, false);
	bound_connection(lexplicit, 1023, true);
	usleep(50000);
	mark_ss_blind();

	pdual = itest_port(ldual);
	pv6only = itest_port(lv6only);
	PORT_ARG(0, pdual);
	PORT_ARG(1, pv6only);
	PORT_ARG(2, itest_port(u4));

	{
		const struct fcase cases[] = {
			{ { "-a", "-m", "dual", NULL }, .modes = "dual" },
			{ { "-a", "-m", "mapped", NULL }, .modes = "mapped" },
			{ { "-a", "-m", "v6", NULL }, .modes = "v6" },
			{ { "-a", "-m", "v6only", NULL }, .modes = "v6only" },
			{ { "-a", "-m", "v4", NULL }, .modes = "v4" },
			{ { "-a", "--mode", "v4,v6", NULL }, .modes = "v4,v6" },
			{ { "--dual", NULL }, .modes = "dual,mapped" },
			{ { "--dual", "-u", NULL }, .modes = "dual,mapped",
			    .proto = "udp" },
			{ { "-l", "-m", "dual,v6only", NULL },
			    .modes = "dual,v6only", .states = "LISTEN,UNCONN" },
			{ { "-l", "-t", "-m", "v6only", NULL },
			    .modes = "v6only", .states = "LISTEN",
			    .proto = "tcp" },
			{ { "-m", "mapped", NULL }, .modes = "mapped",
			    .states = "ESTAB" },
			{ { "--state", "established", NULL },
			    .states = "ESTAB" },
			{ { "--state", "time-wait", "-m", "mapped", NULL },
			    .states = "TIME-WAIT", .modes = "mapped" },
			{ { "--state", "listen,closed", "-l", NULL },
			    .states = "LISTEN,UNCONN" },
			{ { "-a", "--sport", ports[0], NULL },
			    .sports = { P(pdual) } },
			{ { "-a", "--dport", ports[0], NULL },
			    .dports = { P(pdual) } },
			{ { "-a", "--sport", ports[0], "--sport", ports[1],
			      "--dport", "0", NULL },
			    .sports = { P(pdual), P(pv6only) },
			    .dports = { P(0) } },
			{ { "-a", "--src", "10.0.0.0/8", NULL },
			    .srcs = { "10.0.0.0/8" } },
			{ { "-a", "--dst", "10.1.2.3", NULL },
			    .dsts = { "10.1.2.3" } },
			{ { "-a", "--src", "2001:db8::/32", NULL },
			    .srcs = { "2001:db8::/32" } },
			{ { "-a", "--src", "::ffff:127.0.0.0/104", NULL },
			    .srcs = { "::ffff:127.0.0.0/104" } },
			{ { "-a", "--dst", "::/0", "--dst", "127.0.0.1", NULL },
			    .dsts = { "::/0", "127.0.0.1" } },
			{ { "-a", "-m", "mapped", "--src", "127.0.0.1", "--src",
			      "10.1.2.3", NULL },
			    .modes = "mapped",
			    .srcs = { "127.0.0.1", "10.1.2.3" } },
			{ { "-a", "-6", "--src", "10.0.0.0/8", NULL },
			    .family = "inet6", .srcs = { "10.0.0.0/8" } },
			{ { "-a", "-4", "--dst", "10.0.0.0/8", "--sport",
			      ports[0], NULL },
			    .family = "inet", .dsts = { "10.0.0.0/8" },
			    .sports = { P(pdual) } },
			{ { "-a", "-u", "-m", "mapped,v4", "--dport", ports[2],
			      NULL },
			    .proto = "udp", .modes = "mapped,v4",
			    .dports = { P(itest_port(u4)) } },
			/* Issue 18.1: peer ports in any state. */
			{ { "-u", "dport = :0", NULL }, .proto = "udp",
			    .states = "ESTAB", .dports = { P(0) } },
			{ { "-u", "-a", "dport = :0", NULL }, .proto = "udp",
			    .dports = { P(0) } },
			{ { "-t", "-a", "dport = :9", NULL }, .proto = "tcp",
			    .dports = { P(9) } },
			{ { "-t", "--state", "bound-inactive", "dport = :9",
			      NULL },
			    .proto = "tcp", .states = "UNCONN",
			    .dports = { P(9) } },
			{ { "-a", "dst 127.0.0.1:9", NULL },
			    .dsts = { "127.0.0.1" }, .dports = { P(9) } },
			{ { "--dual", "--dst", "10.1.2.3", "--state",
			      "established", NULL },
			    .modes = "dual,mapped", .states = "ESTAB",
			    .dsts = { "10.1.2.3" } },
		};

		all = run_json(all_args, " -a");
		itest_check(itest_count_lines(all) == npop + 2,
		    "dualstat -a -j: %zu lines for %zu sockets",
		    itest_count_lines(all), npop);
		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			check_case(&cases[i], all);
		check_random(all);
		free(all);

		check_summary(&cases[0], 0);
		check_summary(&cases[6], 0);
		{
			const struct fcase everything = { { "-a", NULL },
				.modes = NULL };

			/* -s alone counts every state, as ss -s does. */
			const struct fcase bare = { { NULL }, .modes = NULL };

			check_summary(&everything, 0);
			check_summary(&bare, 0);
		}
	}

	{
		const char *ss1[] = { "ss", "-tuanH", "state", "established",
			"src", "10.0.0.0/8", NULL };
		const char *ds1[] = { "--state", "established", "--src",
			"10.0.0.0/8", NULL };
		const char *ss2[] = { "ss", "-tuanH", "sport", "=", ports[0],
			NULL };
		const char *ds2[] = { "-a", "--sport", ports[0], NULL };
		const char *ss3[] = { "ss", "-tuanH", "dst", "10.1.2.3", NULL };
		const char *ds3[] = { "-a", "--dst", "10.1.2.3", NULL };
		const char *ss4[] = { "ss", "-tuanH", "state", "time-wait",
			NULL };
		const char *ds4[] = { "--state", "time-wait", NULL };
		const char *ss5[] = { "ss", "-tuanH", "state", "listening",
			"src", "2001:db8::/32", NULL };
		const char *ds5[] = { "--state", "listening", "--src",
			"2001:db8::/32", NULL };
		const char *ss6[] = { "ss", "-tuanH", "dport", "=", ports[0],
			NULL };
		const char *ds6[] = { "-a", "--dport", ports[0], NULL };

		/* Issue 18.5: ss's forms, the same words to both. */
		char form[64];
		const char *ss_ab[] = { "ss", "-tuanH", "autobound", NULL };
		const char *ds_ab[] = { "-tu", "-a", "autobound", NULL };
		const char *ss_nab[] = { "ss", "-tuanH", "not", "autobound",
			NULL };
		const char *ds_nab[] = { "-tu", "-a", "not", "autobound",
			NULL };
		static const char *const forms[] = {
			"src 127.0.0.0/8:*",
			"dst [::1]:*",
			"src *:*",
			"sport = :*",
			"dport geq :1",
			"dport leq :0",
			"dport :0",
			"not dev 1",
			"not dev if1",
			"dst inet6:[::1]",
			"excl all state established",
			"exclude all state established",
			"exclude listening excl unconnected",
			"state unconnected",
			"dst 0/0",
			"src 10/8",
			"sport = :9200 or sport = :1022",
		};

		for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
			check_ss_form(forms[i]);
		snprintf(form, sizeof(form), "sport %s", ports[0]);
		check_ss_form(form);
		snprintf(form, sizeof(form), "sport :%s", ports[0]);
		check_ss_form(form);
		/* Issue 18.2: autobound as ss judges it. */
		check_ss(ss_ab, ds_ab);
		check_ss(ss_nab, ds_nab);
		check_ss(ss1, ds1);
		check_ss(ss2, ds2);
		check_ss(ss3, ds3);
		check_ss(ss4, ds4);
		check_ss(ss5, ds5);
		check_ss(ss6, ds6);
	}

	check_kernel_accepts();
	check_unmap();
	check_audit(1);
	{
		/* The summary reads the namespace's own bindv6only. */
		const struct fcase everything = { { "-a", NULL },
			.modes = NULL };

		check_summary(&everything, bindv6only_set("1"));
		bindv6only_set("0");
	}
	itest_finish("itest_filters");
}
