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
#include <sys/utsname.h>

#include "cli.h"
#include "diag.h"
#include "listing.h"
#include "output.h"
#include "query.h"
#include "record.h"
#include "replay.h"
#include "source.h"
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

/* Where the replies come from, and what must be closed after. */
struct input {
	struct source src;
	struct diag *d;
	struct record *rec;
	FILE *raw; /* --dump-raw or --replay file */
	struct replay *rp;
};

static void
open_replay(const char *path, struct input *in)
{
	char msg[256];

	in->raw = fopen(path, "rb");
	if (in->raw == NULL)
		err(EXIT_ERROR, "replay %s", path);
	in->rp = replay_new(in->raw, msg, sizeof(msg));
	if (in->rp == NULL && msg[0] != '\0')
		errx(EXIT_ERROR, "replay %s: %s", path, msg);
	if (in->rp == NULL)
		err(EXIT_ERROR, "replay %s", path);
	replay_source_init(&in->src, in->rp);
}

/* A dump recorded with other options is refused before any output. */
static void
check_replay_plan(const struct options *opts, struct input *in)
{
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	size_t n, bad = 0;
	int ret;

	n = query_plan(opts, steps, &bc);
	ret = replay_check_plan(in->rp, steps, n, &bad);
	if (ret == -ENODATA)
		errx(EXIT_ERROR,
		    "replay %s: holds no %s/%s dump of these states and "
		    "filters (recorded with other options?)",
		    opts->replay, family_name(steps[bad].family),
		    output_proto_name(steps[bad].protocol));
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "replay %s", opts->replay);
	}
}

static void
open_record(const char *path, struct input *in)
{
	struct utsname u;
	char note[256];

	/* The kernel release is what a bug report's reader asks first. */
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	snprintf(note, sizeof(note), "dualstat %s; %s %s %s", PACKAGE_VERSION,
	    u.sysname, u.release, u.machine);
	in->raw = fopen(path, "wb");
	if (in->raw == NULL)
		err(EXIT_ERROR, "dump-raw %s", path);
	in->rec = record_new(in->raw, in->d, note);
	if (in->rec == NULL)
		err(EXIT_ERROR, "dump-raw %s", path);
	record_source_init(&in->src, in->rec);
}

static void
open_source(const struct options *opts, struct input *in)
{
	memset(in, 0, sizeof(*in));
	if (opts->replay != NULL) {
		open_replay(opts->replay, in);
		check_replay_plan(opts, in);
		return;
	}
	in->d = diag_new();
	if (in->d == NULL)
		err(EXIT_ERROR, "sock_diag socket");
	source_init_diag(&in->src, in->d);
	if (opts->dump_raw != NULL)
		open_record(opts->dump_raw, in);
}

/* A dump file that could not be written in full is an error. */
static void
close_source(const struct options *opts, struct input *in)
{
	int ret = 0;

	if (in->rec != NULL) {
		ret = record_finish(in->rec);
		record_free(in->rec);
	}
	replay_free(in->rp);
	if (in->raw != NULL && fclose(in->raw) != 0 && ret == 0 &&
	    in->rp == NULL)
		ret = -errno;
	diag_free(in->d);
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "dump-raw %s: write error", opts->dump_raw);
	}
}

int
main(int argc, char *argv[])
{
	struct options opts;
	struct out_opts oo;
	struct writer w;
	struct listing_result res;
	struct input in;
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

	open_source(&opts, &in);

	memset(&oo, 0, sizeof(oo));
	oo.header = opts.header;
	oo.extended = opts.extended;
	oo.unmap = opts.unmap;
	oo.json = opts.json;
	oo.bindv6only = -1;
	/* A replay is of another moment, maybe another host: "unknown". */
	if (opts.summary && opts.replay == NULL &&
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
	ret = listing_run(&in.src, &opts, &w, &res);
	end = writer_end(&w);
	close_source(&opts, &in);

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
		err(EXIT_ERROR, "%s%s (%s/%s)",
		    opts.replay != NULL ? "replay " : "sock_diag dump",
		    opts.replay != NULL ? opts.replay : "",
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
