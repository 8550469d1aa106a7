/*
 * main.c - dualstat: wire the modules together, map errors to exit status
 *
 * Exit status: 0 on success, 2 on any error (usage or runtime); with
 * --check, 1 if any socket matched.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "diag.h"
#include "listing.h"
#include "output.h"
#include "sysctl.h"

#define EXIT_FOUND 1 /* --check: something matched */
#define EXIT_ERROR 2

static char stdout_buf[65536];

static const char *
family_name(int family)
{
	return family == AF_INET6 ? "AF_INET6" : "AF_INET";
}

/* Writing into a closed pipe ends the run quietly, as for any filter. */
static void
exit_on_write_error(int error)
{
	if (error == -EPIPE)
		exit(EXIT_ERROR);
	errno = -error;
	err(EXIT_ERROR, "write error");
}

int
main(int argc, char *argv[])
{
	struct options opts;
	struct out_opts oo;
	struct writer w;
	struct listing_result res;
	struct diag *d;
	char msg[256];
	unsigned int i;
	int ret, end;

	if (cli_parse(argc, argv, &opts, msg, sizeof(msg)) < 0)
		errx(EXIT_ERROR, "%s (see dualstat --help)", msg);
	if (opts.action == CLI_HELP) {
		cli_usage(stdout);
		return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
	}
	if (opts.action == CLI_VERSION) {
		printf("dualstat %s\n", PACKAGE_VERSION);
		return fflush(stdout) == 0 ? 0 : EXIT_ERROR;
	}

	/* A reader that goes away (dualstat | head) stops us at once. */
	signal(SIGPIPE, SIG_DFL);
	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));

	d = diag_new();
	if (d == NULL)
		err(EXIT_ERROR, "sock_diag socket");

	memset(&oo, 0, sizeof(oo));
	oo.header = opts.header;
	oo.extended = opts.extended;
	oo.unmap = opts.unmap;
	oo.json = opts.json;
	oo.bindv6only = -1;
	if (opts.summary &&
	    sysctl_read_int(SYSCTL_BINDV6ONLY, &oo.bindv6only) < 0)
		oo.bindv6only = -1; /* no IPv6 in this kernel: "unknown" */
	if (opts.quiet)
		null_init(&w, stdout, &oo);
	else if (opts.summary)
		summary_init(&w, stdout, &oo);
	else if (opts.json)
		json_init(&w, stdout, &oo);
	else
		table_init(&w, stdout, &oo);

	ret = writer_begin(&w);
	if (ret < 0)
		exit_on_write_error(ret);
	ret = listing_run(d, &opts, &w, &res);
	end = writer_end(&w);
	diag_free(d);

	for (i = 0; i < res.nmissing; i++)
		warnx("sock_diag dump (%s/%s): the kernel cannot dump this "
		      "protocol (diag module not loaded?); skipped",
		    family_name(res.missing[i].family),
		    output_proto_name(res.missing[i].protocol));
	if (res.write_err < 0)
		exit_on_write_error(res.write_err);
	if (end < 0)
		exit_on_write_error(end);
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "sock_diag dump (%s/%s)",
		    family_name(res.err_family),
		    output_proto_name(res.err_protocol));
	}
	if (opts.check) {
		/* An audit that could not look everywhere answers neither
		 * "nothing" nor "something". */
		if (res.nmissing > 0)
			return EXIT_ERROR;
		return res.rows > 0 ? EXIT_FOUND : 0;
	}
	return 0;
}
