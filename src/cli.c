/*
 * cli.c - argv to struct options (every option; --help)
 *
 * The options follow ss(8) where ss has one: -t -u -4 -6 -l -a -e -n -H -s
 * -p -N -F, the state names of --state and the FILTER words after the
 * options (ssfilter.c).  As in ss, the last of -l and -a wins, and
 * --state, when given, replaces both.  The filter options become one
 * expression tree with the FILTER; query_check() refuses, after parsing,
 * a filter that can never match.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "msg.h"

#include "fmt.h"
#include "ssfilter.h"

static const char short_opts[] = ":tu46laenHjhVm:sqpN:MSwA:F:";

/* Long options without a short form. */
enum {
	OPT_DUAL = 256,
	OPT_STATE,
	OPT_SPORT,
	OPT_DPORT,
	OPT_SRC,
	OPT_DST,
	OPT_UNMAP,
	OPT_CHECK,
	OPT_ALL_NETNS,
	OPT_DUMP_RAW,
	OPT_REPLAY,
	OPT_METRICS,
	OPT_METRICS_LISTENERS,
	OPT_EMIT_POLICY,
};

static const struct option long_opts[] = {
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "listening", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'a' },
	{ "extended", no_argument, NULL, 'e' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "json", no_argument, NULL, 'j' },
	{ "processes", no_argument, NULL, 'p' },
	{ "netns", required_argument, NULL, 'N' },
	{ "all-netns", no_argument, NULL, OPT_ALL_NETNS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "mode", required_argument, NULL, 'm' },
	{ "dual", no_argument, NULL, OPT_DUAL },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "unmap", no_argument, NULL, OPT_UNMAP },
	{ "summary", no_argument, NULL, 's' },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "quiet", no_argument, NULL, 'q' },
	{ "dump-raw", required_argument, NULL, OPT_DUMP_RAW },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "filter-file", required_argument, NULL, 'F' },
	{ "mptcp", no_argument, NULL, 'M' },
	{ "sctp", no_argument, NULL, 'S' },
	{ "raw", no_argument, NULL, 'w' },
	{ "query", required_argument, NULL, 'A' },
	{ "metrics", optional_argument, NULL, OPT_METRICS },
	{ "metrics-listeners", required_argument, NULL, OPT_METRICS_LISTENERS },
	{ "emit-policy", no_argument, NULL, OPT_EMIT_POLICY },
	{ NULL, 0, NULL, 0 },
};

void
cli_usage(FILE *out)
{
	fputs(
	    "Usage: dualstat [-tuMSw46laenp] [-A LIST] [-j | -H] [-m LIST | --dual]\n"
	    "                [--state LIST] [--sport PORT] [--dport PORT] [--src PREFIX]\n"
	    "                [--dst PREFIX] [--unmap] [-s | --check [-q]]\n"
	    "                [-N NAME | --all-netns] [--dump-raw FILE | --replay FILE]\n"
	    "                [-h] [-V] [--metrics[=FILE]\n"
	    "                [--metrics-listeners=dual|all]]\n"
	    "                [--emit-policy]\n"
	    "                [FILTER | -F FILE]\n"
	    "List sockets with the mode that tells how IPv4 reaches them: v4, v6,\n"
	    "v6only, dual (IPv6 socket taking IPv4 too) or mapped (IPv4 traffic on\n"
	    "an IPv6 socket).\n"
	    "\n"
	    "  -t, --tcp         TCP sockets (default: TCP, UDP and MPTCP; --dual,\n"
	    "                    --check and --metrics add SCTP; only protocols the\n"
	    "                    kernel has loaded)\n"
	    "  -u, --udp         UDP sockets\n"
	    "  -M, --mptcp       MPTCP sockets (their TCP subflows are then not listed)\n"
	    "  -S, --sctp        SCTP endpoints and associations\n"
	    "  -w, --raw         raw sockets (protocol number in the port column)\n"
	    "  -A, --query LIST  protocols, comma-separated: tcp,udp,mptcp,sctp,raw,all;\n"
	    "                    !NAME removes one (-A all,!raw)\n"
	    "  -4, --ipv4        AF_INET sockets only\n"
	    "  -6, --ipv6        AF_INET6 sockets only (dual and mapped ones included)\n"
	    "  -l, --listening   listening TCP and unconnected UDP sockets only\n"
	    "  -a, --all         sockets in every state (TIME-WAIT and SYN-RECV too)\n"
	    "  -e, --extended    add the Recv-Q, Send-Q, Inode, User and V6only\n"
	    "                    columns\n"
	    "  -n, --numeric     numeric addresses and ports (always the case)\n"
	    "  -H, --no-header   no column titles\n"
	    "  -j, --json        one JSON array, one object per socket and line\n"
	    "  -m, --mode LIST   modes, comma-separated: v4,v6,v6only,dual,mapped\n"
	    "      --dual        every way IPv4 reaches an IPv6 socket: -a -m dual,mapped\n"
	    "      --state LIST  ss state names: established, syn-sent, syn-recv,\n"
	    "                    fin-wait-1, fin-wait-2, time-wait, closed, close-wait,\n"
	    "                    last-ack, listen, closing; connected, synchronized,\n"
	    "                    bucket, big, all (replaces -l and -a)\n"
	    "      --sport PORT  local port: 22, :22, ssh; a list: 22,80\n"
	    "      --dport PORT  peer port, likewise\n"
	    "      --src PREFIX  local address or prefix, maybe with a port: 10.0.0.0/8,\n"
	    "                    [2001:db8::1]:443; IPv4 also matches mapped addresses\n"
	    "      --dst PREFIX  peer address or prefix, likewise\n"
	    "  -F, --filter-file FILE  read the FILTER from FILE (- for stdin)\n"
	    "      --unmap       print IPv4-mapped addresses as a.b.c.d\n"
	    "  -s, --summary     counts per protocol, state group and mode, of every\n"
	    "                    state unless -l, -a or --state narrows it\n"
	    "      --check       audit: exit 1 if any socket matched, 0 if none\n"
	    "  -q, --quiet       with --check, print nothing, not even warnings\n"
	    "  -p, --processes   show the processes holding each socket\n"
	    "  -N, --netns NAME  list the network namespace NAME (under /run/netns),\n"
	    "                    PATH (such as /proc/PID/ns/net), or that of a\n"
	    "                    process: PID or pid:PID; rows are labelled\n"
	    "                    pid:PID for a process or /proc/PID/ns/net, else\n"
	    "                    with the argument as given\n"
	    "      --all-netns   list every network namespace on the host\n"
	    "      --dump-raw FILE  also write the kernel's replies, as received,\n"
	    "                    to FILE (for a bug report, or --replay)\n"
	    "      --replay FILE list from a --dump-raw FILE instead of the kernel\n"
	    "      --metrics[=FILE]  Prometheus metrics (every state unless -l, -a or\n"
	    "                    --state), to stdout or written atomically to FILE\n"
	    "      --metrics-listeners=dual|all  dualstat_listener_info for dual\n"
	    "                    listeners only (default) or for every listener\n"
	    "      --emit-policy print a policy file (a FILTER for -F) that accepts\n"
	    "                    what is listed now, by service, process or port\n"
	    "  -h, --help        this text\n"
	    "  -V, --version     version\n"
	    "\n"
	    "Without -l or -a, connected sockets are listed, as ss does.  Filters\n"
	    "of one kind are ORed (--sport 22 --sport 80), different kinds ANDed.\n"
	    "FILTER is ss's language plus mode and v6only terms, ANDed with them:\n"
	    "  'mode dual and not ( sport = :22 or sport = :https )'\n"
	    "Exit status: 0 success; 2 any error, namespaces left out, or a\n"
	    "protocol named (-t -u -M -S -w -A) that could not be dumped; with\n"
	    "--check, 1 something matched (even where it could not look\n"
	    "everywhere), 0 nothing matched and it looked everywhere, 2 otherwise.\n"
	    "See dualstat(8).\n",
	    out);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Every command-line error is a usage error: -EINVAL. */
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = msg_vset(err, errlen, -EINVAL, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Copies the first n bytes of an argument into q for an error message: at
 * most QUOTE_MAX of them, and every byte that is not printable ASCII as
 * \xNN, so an argument holding a newline or a terminal escape cannot add a
 * line to the message or reach the terminal raw.
 */
#define QUOTE_MAX 64

struct quoted {
	char s[QUOTE_MAX * 4 + 4];
};

static const char *
quote_n(struct quoted *q, const char *arg, size_t n)
{
	return fmt_quote(q->s, arg, n, QUOTE_MAX);
}

static const char *
quote(struct quoted *q, const char *arg)
{
	return quote_n(q, arg, SIZE_MAX);
}

static int
bad_option(int argc, char *argv[], char *err, size_t errlen, int c)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = strncmp(arg, "--", 2) == 0;
	char opt[3] = { '-', (char)optopt, '\0' };
	struct quoted q;

	/* A short option takes its argument from the rest of its word
	 * ("-tm" is -t and -m with none left): name the option itself.
	 * ss users reach for -m as memory; here it is the mode. */
	if (c == ':')
		return fail(err, errlen, "option '%s' needs an argument%s",
		    is_long ? quote(&q, arg) : opt,
		    optopt == 'm' ? " (dualstat's -m is the mode: -m "
				    "dual; ss's -m, memory, has no "
				    "equivalent here)"
				  : "");
	/* getopt_long() sets optopt for a long option given "=value". */
	if (is_long && optopt != 0)
		return fail(err, errlen, "option '%s' takes no argument",
		    quote_n(&q, arg, strcspn(arg, "=")));
	if (!is_long && optopt != 0)
		return fail(err, errlen, "unknown option '%s'", quote(&q, opt));
	return fail(
	    err, errlen, "unknown or ambiguous option '%s'", quote(&q, arg));
}

/* The filter options, kept in order until -t/-u are known. */
#define MAX_FILTER_ARGS FILTER_MAX_NODES

struct filter_args {
	struct {
		int c;
		const char *arg;
	} v[MAX_FILTER_ARGS];
	unsigned int n;
	unsigned int modes; /* -m and --dual */
};

static const char *
opt_name(int c)
{
	return c == OPT_SPORT ? "--sport"
	    : c == OPT_DPORT  ? "--dport"
	    : c == OPT_SRC    ? "--src"
			      : "--dst";
}

/* One value of --sport, --dport, --src or --dst as a term of the tree. */
static int
value_node(int c, const char *arg, const char *proto, struct filter_node *n,
    char *err, size_t errlen)
{
	struct quoted q;
	int ret;

	memset(n, 0, sizeof(*n));
	if ((c == OPT_SPORT || c == OPT_DPORT) &&
	    (strcmp(arg, "*") == 0 || strcmp(arg, ":*") == 0)) {
		/* ss's port wildcard: any port, as "sport = :*". */
		n->kind = c == OPT_SPORT ? FILTER_SRC : FILTER_DST;
		n->prefix.family = AF_UNSPEC;
		n->hport = -1;
		return 0;
	}
	if (c == OPT_SPORT || c == OPT_DPORT) {
		n->kind = c == OPT_SPORT ? FILTER_SPORT : FILTER_DPORT;
		n->cmp = FILTER_EQ;
		if (filter_parse_port(arg, proto, &n->port) < 0)
			return fail(err, errlen,
			    "%s: '%s' is not a port number (0-65535) or a "
			    "service name",
			    opt_name(c), quote(&q, arg));
		return 0;
	}
	n->kind = c == OPT_SRC ? FILTER_SRC : FILTER_DST;
	ret = filter_parse_host(arg, proto, &n->prefix, &n->hport);
	if (ret == -ERANGE)
		return fail(err, errlen,
		    "%s: '%s': prefix length out of range (0-32 for IPv4, "
		    "0-128 for IPv6)",
		    opt_name(c), quote(&q, arg));
	if (ret == -ENOENT)
		return fail(err, errlen,
		    "%s: '%s': bad port (a number 0-65535 or a service name)",
		    opt_name(c), quote(&q, arg));
	if (ret < 0)
		return fail(err, errlen,
		    "%s: '%s' is not an IPv4 or IPv6 address or prefix",
		    opt_name(c), quote(&q, arg));
	return 0;
}

/* ORs every value of option c (comma lists too) into one term. */
static int
kind_tree(struct filter *f, const struct filter_args *fa, int c,
    const char *proto, char *err, size_t errlen)
{
	unsigned int i;
	int tree = -1, ret;

	for (i = 0; i < fa->n; i++) {
		const char *p = fa->v[i].arg;

		if (fa->v[i].c != c)
			continue;
		for (;;) {
			size_t len = strcspn(p, ",");
			char buf[128];
			struct filter_node n;
			int leaf;

			snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
			if (len >= sizeof(buf))
				buf[0] = '\0'; /* too long: reported as bad */
			ret = value_node(c, len >= sizeof(buf) ? p : buf, proto,
			    &n, err, errlen);
			if (ret < 0)
				return ret;
			leaf = filter_add(f, &n);
			tree = leaf < 0 || tree < 0
			    ? leaf
			    : filter_add_op(f, FILTER_OR, tree, leaf);
			if (tree < 0)
				return fail(err, errlen,
				    "%s: more than %d terms and operators in "
				    "all",
				    opt_name(c), FILTER_MAX_NODES);
			if (p[len] == '\0')
				break;
			p += len + 1;
		}
	}
	return tree;
}

/*
 * The options as one expression: the values of one option ORed, the
 * options ANDed, as they always were; a FILTER is ANDed to it later.
 */
static int
build_filter(struct filter *f, const struct filter_args *fa, const char *proto,
    char *err, size_t errlen)
{
	static const int kinds[] = { OPT_SPORT, OPT_DPORT, OPT_SRC, OPT_DST };
	struct filter_node n;
	size_t k;
	int t;

	if (fa->modes != 0) {
		memset(&n, 0, sizeof(n));
		n.kind = FILTER_MODE_IN;
		n.value = fa->modes;
		if (filter_and_root(f, filter_add(f, &n)) < 0)
			return fail(err, errlen, "too many filters");
	}
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		t = kind_tree(f, fa, kinds[k], proto, err, errlen);
		if (t == -EINVAL)
			return t;
		if (t >= 0 && filter_and_root(f, t) < 0)
			return fail(err, errlen, "too many filters");
	}
	return 0;
}

/* -m, --state, --sport, --dport, --src or --dst, kept for later. */
static int
add_filter(struct options *o, struct filter_args *fa, int c, const char *arg,
    char *err, size_t errlen)
{
	char bad[QUOTE_MAX + 2]; /* one more than quote() shows */
	struct quoted q;

	switch (c) {
	case 'm':
		if (filter_parse_modes(arg, &fa->modes, bad, sizeof(bad)) < 0)
			return fail(err, errlen,
			    "-m/--mode: unknown mode '%s' (modes: v4, v6, "
			    "v6only, dual, mapped)",
			    quote(&q, bad));
		return 0;
	case OPT_STATE:
		if (filter_parse_states(
			arg, &o->filter.states, bad, sizeof(bad)) < 0)
			return fail(err, errlen,
			    "--state: unknown state '%s' (ss names: established, "
			    "listen, time-wait, connected, all...; or as the "
			    "table shows them: ESTAB, LISTEN, UNCONN...)",
			    quote(&q, bad));
		return 0;
	default:
		if (fa->n == MAX_FILTER_ARGS)
			return fail(err, errlen, "more than %d filter options",
			    MAX_FILTER_ARGS);
		fa->v[fa->n].c = c;
		fa->v[fa->n].arg = arg;
		fa->n++;
		return 0;
	}
}

/* -F FILE: at most this much policy. */
#define FILTER_TEXT_MAX 65536

/* The protocols -A names, in the bits of a mask. */
enum {
	Q_TCP = 1 << 0,
	Q_UDP = 1 << 1,
	Q_MPTCP = 1 << 2,
	Q_SCTP = 1 << 3,
	Q_RAW = 1 << 4,
	Q_ALL = Q_TCP | Q_UDP | Q_MPTCP | Q_SCTP | Q_RAW,
};

static const struct {
	const char *name;
	unsigned int bits;
} query_names[] = {
	{ .name = "tcp", .bits = Q_TCP },
	{ .name = "udp", .bits = Q_UDP },
	{ .name = "mptcp", .bits = Q_MPTCP },
	{ .name = "sctp", .bits = Q_SCTP },
	{ .name = "raw", .bits = Q_RAW },
	{ .name = "all", .bits = Q_ALL },
	{ .name = "inet", .bits = Q_ALL },
};

/*
 * -A/--query LIST: adds each named protocol to *mask, left to right; a
 * name after '!' is removed instead.  A list that starts with a removal
 * removes from every protocol (-A !raw: all but raw), as in ss.
 */
static int
parse_query(const char *list, unsigned int *mask, char *err, size_t errlen)
{
	const char *p = list;
	struct quoted q;
	size_t len, i;
	bool neg;

	if (*p == '!' && *mask == 0)
		*mask = Q_ALL;
	for (;;) {
		neg = *p == '!';
		if (neg)
			p++;
		len = strcspn(p, ",");
		for (i = 0; i < sizeof(query_names) / sizeof(query_names[0]);
		     i++)
			if (strlen(query_names[i].name) == len &&
			    strncmp(query_names[i].name, p, len) == 0)
				break;
		if (i == sizeof(query_names) / sizeof(query_names[0]))
			return fail(err, errlen,
			    "-A/--query: unknown protocol '%s' (tcp, udp, "
			    "mptcp, sctp, raw, all)",
			    quote_n(&q, p, len));
		if (neg)
			*mask &= ~query_names[i].bits;
		else
			*mask |= query_names[i].bits;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (*mask == 0)
		return fail(err, errlen,
		    "-A/--query '%s' leaves no protocol to list",
		    quote(&q, list));
	return 0;
}

/*
 * The protocols to list: those asked for, or by default TCP, UDP and
 * MPTCP, plus SCTP for --dual, --check and --metrics, which cover every
 * protocol that can carry IPv4 on an IPv6 socket.
 */
static void
set_protocols(struct options *o, unsigned int mask, bool audit)
{
	o->protos_named = mask != 0;
	if (mask == 0)
		mask = Q_TCP | Q_UDP | Q_MPTCP | (audit ? Q_SCTP : 0);
	o->tcp = (mask & Q_TCP) != 0;
	o->udp = (mask & Q_UDP) != 0;
	o->mptcp = (mask & Q_MPTCP) != 0;
	o->sctp = (mask & Q_SCTP) != 0;
	o->raw = (mask & Q_RAW) != 0;
}

/*
 * Reads -F's FILE ("-": standard input) into buf as one NUL-terminated
 * text.  A named file must be a regular file or a FIFO: anything else
 * (a device) is refused before it is opened, and it is opened as
 * file_open_user() does, without taking a terminal or waiting for a
 * FIFO's writer.
 */
static int
read_filter_file(
    const char *path, char *buf, size_t len, char *err, size_t errlen)
{
	struct quoted q;
	size_t used = 0;
	ssize_t r;
	int fd = 0, ret = 0;

	if (strcmp(path, "-") != 0) {
		fd = file_open_user(path, FILE_TEXT);
		if (fd == -EMEDIUMTYPE)
			return fail(err, errlen,
			    "-F %s: not a regular file or a pipe",
			    quote(&q, path));
		if (fd < 0)
			return fail(err, errlen, "-F %s: %s", quote(&q, path),
			    strerror(-fd));
		/* Opened without waiting for a FIFO's writer; its text is
		 * then waited for (none: end of file at once). */
		if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
			ret = -errno;
			close(fd);
			return fail(err, errlen, "-F %s: %s", quote(&q, path),
			    strerror(-ret));
		}
	}
	while (used < len - 1) {
		r = read(fd, buf + used, len - 1 - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = fail(err, errlen, "-F %s: %s", quote(&q, path),
			    strerror(errno));
			break;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	/* A full buffer is too long only if more follows. */
	while (ret == 0 && used == len - 1) {
		char more;

		r = read(fd, &more, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			ret = fail(err, errlen, "-F %s: %s", quote(&q, path),
			    strerror(errno));
		else if (r > 0)
			ret = fail(err, errlen, "-F %s: longer than %d bytes",
			    quote(&q, path), (int)len - 1);
		break;
	}
	if (ret == 0 && memchr(buf, '\0', used) != NULL)
		ret = fail(
		    err, errlen, "-F %s: holds a NUL byte", quote(&q, path));
	if (ret == 0 && used == 0)
		ret = fail(err, errlen, "-F %s: empty file", quote(&q, path));
	buf[used] = '\0';
	if (fd != 0)
		close(fd);
	return ret;
}

/* The FILTER words after the options, joined with spaces, as ss does. */
static int
join_args(int argc, char *argv[], int first, char *buf, size_t len, char *err,
    size_t errlen)
{
	size_t used = 0, n;
	int i;

	buf[0] = '\0';
	for (i = first; i < argc; i++) {
		n = strlen(argv[i]);
		if (used + n + 2 > len)
			return fail(err, errlen, "filter: longer than %d bytes",
			    (int)len - 2);
		if (i > first)
			buf[used++] = ' ';
		memcpy(buf + used, argv[i], n + 1);
		used += n;
	}
	return 0;
}

/* The FILTER argument or -F's file, into o->filter. */
static int
parse_expression(struct options *o, int argc, char *argv[], int first,
    const char *file, const char *proto, char *err, size_t errlen)
{
	char text[FILTER_TEXT_MAX];
	struct ssfilter_error e;
	struct quoted q;
	int ret;

	if (file != NULL && first < argc)
		return fail(err, errlen,
		    "-F/--filter-file and a FILTER argument cannot be combined "
		    "(first word: '%s')",
		    quote(&q, argv[first]));
	if (file != NULL)
		ret = read_filter_file(file, text, sizeof(text), err, errlen);
	else if (first < argc)
		ret = join_args(
		    argc, argv, first, text, sizeof(text), err, errlen);
	else
		return 0;
	if (ret < 0)
		return ret;
	if (ssfilter_parse(&o->filter, text, proto, &e) == 0)
		return 0;
	if (file != NULL)
		return fail(err, errlen,
		    "filter file %s: line %u, column %u: %s", quote(&q, file),
		    e.line, e.column, e.msg);
	/* A FILTER argument may hold newlines too (a policy in "$(cat)"). */
	if (strchr(text, '\n') != NULL)
		return fail(err, errlen, "filter: line %u, column %u: %s",
		    e.line, e.column, e.msg);
	return fail(err, errlen, "filter: column %u: %s", e.column, e.msg);
}

/* Combinations that make no sense are usage errors. */
static int
check_combination(const struct options *o, char *err, size_t errlen)
{
	if (o->check && o->summary)
		return fail(
		    err, errlen, "--check and -s/--summary cannot be combined");
	if (o->quiet && !o->check)
		return fail(err, errlen, "-q/--quiet needs --check");
	if (o->emit_policy &&
	    (o->summary || o->check || o->json || o->metrics ||
		o->replay != NULL))
		return fail(err, errlen,
		    "--emit-policy and %s cannot be combined",
		    o->summary	     ? "-s/--summary"
			: o->check   ? "--check"
			: o->json    ? "-j/--json"
			: o->metrics ? "--metrics"
				     : "--replay (it names processes)");
	if (o->replay != NULL && filter_needs_owners(&o->filter))
		return fail(err, errlen,
		    "--replay and the pid and process filter terms cannot be "
		    "combined (a replay has no processes)");
	if (o->processes && (o->summary || o->quiet))
		return fail(err, errlen, "-p/--processes shows nothing with %s",
		    o->summary ? "-s/--summary" : "-q/--quiet");
	return 0;
}

/*
 * --metrics is an output of its own; like -s it counts every state unless
 * -l, -a, --dual or --state narrow it.
 */
static int
check_metrics(struct options *o, bool view_set, bool listeners_set, char *err,
    size_t errlen)
{
	if (!o->metrics && listeners_set)
		return fail(err, errlen, "--metrics-listeners needs --metrics");
	if (!o->metrics)
		return 0;
	if (o->json || o->summary || o->check)
		return fail(err, errlen, "--metrics and %s cannot be combined",
		    o->json	     ? "-j/--json"
			: o->summary ? "-s/--summary"
				     : "--check");
	if (o->metrics_file != NULL && o->dump_raw != NULL &&
	    strcmp(o->metrics_file, o->dump_raw) == 0)
		return fail(err, errlen,
		    "--metrics and --dump-raw cannot write the same file");
	if (!view_set)
		o->view = CLI_VIEW_ALL;
	return 0;
}

int
cli_parse(
    int argc, char *argv[], struct options *opts, char *err, size_t errlen)
{
	struct options o = {
		.action = CLI_LIST,
		.view = CLI_VIEW_CONNECTED,
		.header = true,
	};
	bool no_header = false, by_dual = false, by_mode = false;
	struct filter_args fa;
	const char *filter_file = NULL, *proto;
	unsigned int protos = 0;
	bool view_set = false, listeners_set = false;
	struct quoted q;
	int c, ret;

	/* optind = 0 makes glibc start afresh, so tests can call us again. */
	optind = 0;
	opterr = 0;
	memset(&fa, 0, sizeof(fa));
	while (
	    (c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			protos |= Q_TCP;
			break;
		case 'u':
			protos |= Q_UDP;
			break;
		case 'M':
			protos |= Q_MPTCP;
			break;
		case 'S':
			protos |= Q_SCTP;
			break;
		case 'w':
			protos |= Q_RAW;
			break;
		case 'A':
			ret = parse_query(optarg, &protos, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case '4':
			o.inet = true;
			break;
		case '6':
			o.inet6 = true;
			break;
		case 'l':
			o.view = CLI_VIEW_LISTENING;
			view_set = true;
			break;
		case 'a':
			o.view = CLI_VIEW_ALL;
			view_set = true;
			break;
		case 'e':
			o.extended = true;
			break;
		case 'n':
			break;
		case 'H':
			no_header = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'p':
			o.processes = true;
			break;
		case OPT_EMIT_POLICY:
			o.emit_policy = true;
			break;
		case 'N':
			if (optarg[0] == '\0')
				return fail(err, errlen,
				    "-N/--netns needs a namespace name or path");
			o.netns = optarg;
			break;
		case OPT_ALL_NETNS:
			o.all_netns = true;
			break;
		case 'h':
			o.action = CLI_HELP;
			break;
		case 'V':
			o.action = CLI_VERSION;
			break;
		case OPT_DUAL:
			/* -a -m dual,mapped, where it stands: a later -l wins. */
			by_dual = true;
			o.view = CLI_VIEW_ALL;
			view_set = true;
			fa.modes |= FILTER_MODE(SOCK_MODE_DUAL) |
			    FILTER_MODE(SOCK_MODE_MAPPED);
			break;
		case 'm':
			by_mode = true;
			/* fall through */
		case OPT_STATE:
		case OPT_SPORT:
		case OPT_DPORT:
		case OPT_SRC:
		case OPT_DST:
			ret = add_filter(&o, &fa, c, optarg, err, errlen);
			if (ret < 0)
				return ret;
			break;
		case OPT_UNMAP:
			o.unmap = true;
			break;
		case 's':
			o.summary = true;
			break;
		case OPT_CHECK:
			o.check = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case OPT_DUMP_RAW:
			if (optarg[0] == '\0')
				return fail(err, errlen,
				    "--dump-raw needs a file name");
			o.dump_raw = optarg;
			break;
		case 'F':
			if (optarg[0] == '\0')
				return fail(err, errlen,
				    "-F/--filter-file needs a file name");
			filter_file = optarg;
			break;
		case OPT_REPLAY:
			if (optarg[0] == '\0')
				return fail(
				    err, errlen, "--replay needs a file name");
			o.replay = optarg;
			break;
		case OPT_METRICS:
			if (optarg != NULL && optarg[0] == '\0')
				return fail(err, errlen,
				    "--metrics=FILE needs a file name");
			o.metrics = true;
			o.metrics_file = optarg;
			break;
		case OPT_METRICS_LISTENERS:
			if (strcmp(optarg, "all") != 0 &&
			    strcmp(optarg, "dual") != 0)
				return fail(err, errlen,
				    "--metrics-listeners: '%s' is not dual or "
				    "all",
				    quote(&q, optarg));
			o.metrics_all_listeners = strcmp(optarg, "all") == 0;
			listeners_set = true;
			break;
		default:
			return bad_option(argc, argv, err, errlen, c);
		}
	}
	ret = check_metrics(&o, view_set, listeners_set, err, errlen);
	if (ret < 0)
		return ret;
	if (o.json && no_header)
		return fail(err, errlen,
		    "-H/--no-header and -j/--json cannot be combined");
	if (o.netns != NULL && o.all_netns)
		return fail(err, errlen,
		    "-N/--netns and --all-netns cannot be combined");
	set_protocols(&o, protos, by_dual || o.check || o.metrics);
	/* -s counts what is there, as ss -s: every state unless -l, -a or
	 * --state says otherwise. */
	if (o.summary && !view_set)
		o.view = CLI_VIEW_ALL;
	if (!o.inet && !o.inet6)
		o.inet = o.inet6 = true;
	if (o.dump_raw != NULL && o.replay != NULL)
		return fail(
		    err, errlen, "--dump-raw and --replay cannot be combined");
	/* A dump is of one namespace, and a replay has no host to read. */
	if (o.replay != NULL && (o.processes || o.netns != NULL || o.all_netns))
		return fail(err, errlen,
		    "--replay and %s cannot be combined (a replay has no "
		    "processes or namespaces to read)",
		    o.processes	      ? "-p/--processes"
			: o.all_netns ? "--all-netns"
				      : "-N/--netns");
	if (o.dump_raw != NULL && o.all_netns)
		return fail(err, errlen,
		    "--dump-raw and --all-netns cannot be combined (a dump "
		    "holds one namespace: use -N)");
	if (by_dual && by_mode)
		return fail(err, errlen,
		    "--dual and -m/--mode cannot be combined (--dual is -a -m "
		    "dual,mapped)");
	proto = o.tcp && !o.udp ? "tcp" : o.udp && !o.tcp ? "udp" : NULL;
	ret = build_filter(&o.filter, &fa, proto, err, errlen);
	if (ret == 0)
		ret = parse_expression(
		    &o, argc, argv, optind, filter_file, proto, err, errlen);
	if (ret == 0)
		ret = check_combination(&o, err, errlen);
	if (ret < 0)
		return ret;
	o.header = !no_header;
	*opts = o;
	return 0;
}
