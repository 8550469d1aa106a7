/*
 * cli.c - argv to struct options (every option; --help)
 *
 * The options follow ss(8) where ss has one: -t -u -4 -6 -l -a -e -n -H.
 * As in ss, the last of -l and -a wins.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"

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
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void
cli_usage(FILE *out)
{
	fputs(
	    "Usage: dualstat [-tu46laen] [-j | -H] [-h] [-V]\n"
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
	    "  -h, --help        this text\n"
	    "  -V, --version     version\n"
	    "\n"
	    "Without -l or -a, connected sockets are listed, as ss does.\n"
	    "Exit status: 0 success, 2 any error.  See dualstat(8).\n",
	    out);
}

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int
bad_option(int argc, char *argv[], char *err, size_t errlen, int c)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool is_long = strncmp(arg, "--", 2) == 0;

	if (c == ':')
		return fail(err, errlen, "option '%s' needs an argument", arg);
	/* getopt_long() sets optopt for a long option given "=value". */
	if (is_long && optopt != 0)
		return fail(err, errlen, "option '%.*s' takes no argument",
		    (int)strcspn(arg, "="), arg);
	if (!is_long && optopt != 0)
		return fail(err, errlen, "unknown option '-%c'", optopt);
	return fail(err, errlen, "unknown or ambiguous option '%s'", arg);
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
		return fail(
		    err, errlen, "unexpected argument '%s'", argv[optind]);
	if (o.json && no_header)
		return fail(err, errlen,
		    "-H/--no-header and -j/--json cannot be combined");
	if (!o.tcp && !o.udp)
		o.tcp = o.udp = true;
	if (!o.inet && !o.inet6)
		o.inet = o.inet6 = true;
	o.header = !no_header;
	*opts = o;
	return 0;
}
