/*
 * cli.c - argv to struct options (every option; --help)
 *
 * The options follow ss(8) where ss has one: -t -u -4 -6 -l -a -e -n -H.
 * As in ss, the last of -l and -a wins.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

/* Long-only options get values outside the range of chars. */
enum {
	OPT_DUMP_RAW = 256,
	OPT_REPLAY,
};

static const char short_opts[] = ":tu46laenHjhV";

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
	{ "dump-raw", required_argument, NULL, OPT_DUMP_RAW },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void
cli_usage(FILE *out)
{
	fputs(
	    "Usage: dualstat [-tu46laen] [-j | -H] [--dump-raw FILE | --replay FILE]\n"
	    "                [-h] [-V]\n"
	    "List TCP and UDP sockets with the mode that tells how IPv4 reaches them:\n"
	    "v4, v6, v6only, dual (IPv6 socket taking IPv4 too) or mapped (IPv4\n"
	    "traffic on an IPv6 socket).\n"
	    "\n"
	    "  -t, --tcp         TCP sockets (default: TCP and UDP)\n"
	    "  -u, --udp         UDP sockets\n"
	    "  -4, --ipv4        AF_INET sockets only\n"
	    "  -6, --ipv6        AF_INET6 sockets only (dual and mapped ones included)\n"
	    "  -l, --listening   listening TCP and unconnected UDP sockets only\n"
	    "  -a, --all         sockets in every state (TIME-WAIT and SYN-RECV too)\n"
	    "  -e, --extended    add the inode, uid and v6only columns\n"
	    "  -n, --numeric     numeric addresses and ports (always the case)\n"
	    "  -H, --no-header   no column titles\n"
	    "  -j, --json        one JSON array, one object per socket and line\n"
	    "  --dump-raw FILE   also write the kernel's replies, as received, to FILE\n"
	    "  --replay FILE     list from a --dump-raw FILE instead of the kernel\n"
	    "  -h, --help        this text\n"
	    "  -V, --version     version\n"
	    "\n"
	    "Without -l or -a, connected sockets are listed, as ss does.\n"
	    "Exit status: 0 success, 2 any error.  See dualstat(8).\n",
	    out);
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * Copies an argument into buf for an error message: at most QUOTE_MAX
 * bytes of it, and every byte that is not printable ASCII as \xNN, so an
 * argument holding a newline or a terminal escape cannot add a line to
 * the message or reach the terminal raw.
 */
#define QUOTE_MAX 64

static const char *
quote_arg(char buf[QUOTE_MAX * 4 + 4], const char *arg)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)arg;
	char *p = buf;
	size_t i;

	for (i = 0; u[i] != '\0' && i < QUOTE_MAX; i++) {
		if (u[i] >= 0x20 && u[i] < 0x7f && u[i] != '\\') {
			*p++ = (char)u[i];
			continue;
		}
		*p++ = '\\';
		*p++ = 'x';
		*p++ = hex[u[i] >> 4];
		*p++ = hex[u[i] & 0xf];
	}
	if (u[i] != '\0')
		p = stpcpy(p, "...");
	*p = '\0';
	return buf;
}

static int
bad_option(int argc, char *argv[], char *err, size_t errlen, int c)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	char q[QUOTE_MAX * 4 + 4];
	char opt[3] = { '-', (char)optopt, '\0' };

	if (c == ':')
		return fail(err, errlen, "option '%s' needs an argument",
		    quote_arg(q, arg));
	if (optopt != 0)
		return fail(
		    err, errlen, "unknown option '%s'", quote_arg(q, opt));
	return fail(err, errlen, "unknown option '%s'", quote_arg(q, arg));
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
	bool no_header = false;
	char q[QUOTE_MAX * 4 + 4];
	int c;

	/* optind = 0 makes glibc start afresh, so tests can call us again. */
	optind = 0;
	opterr = 0;
	while (
	    (c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.tcp = true;
			break;
		case 'u':
			o.udp = true;
			break;
		case '4':
			o.inet = true;
			break;
		case '6':
			o.inet6 = true;
			break;
		case 'l':
			o.view = CLI_VIEW_LISTENING;
			break;
		case 'a':
			o.view = CLI_VIEW_ALL;
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
		case OPT_DUMP_RAW:
			if (optarg[0] == '\0')
				return fail(err, errlen,
				    "--dump-raw needs a file name");
			o.dump_raw = optarg;
			break;
		case OPT_REPLAY:
			if (optarg[0] == '\0')
				return fail(
				    err, errlen, "--replay needs a file name");
			o.replay = optarg;
			break;
		case 'h':
			o.action = CLI_HELP;
			break;
		case 'V':
			o.action = CLI_VERSION;
			break;
		default:
			return bad_option(argc, argv, err, errlen, c);
		}
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s'",
		    quote_arg(q, argv[optind]));
	if (o.json && no_header)
		return fail(err, errlen,
		    "-H/--no-header and -j/--json cannot be combined");
	if (o.dump_raw != NULL && o.replay != NULL)
		return fail(
		    err, errlen, "--dump-raw and --replay cannot be combined");
	if (!o.tcp && !o.udp)
		o.tcp = o.udp = true;
	if (!o.inet && !o.inet6)
		o.inet = o.inet6 = true;
	o.header = !no_header;
	*opts = o;
	return 0;
}
