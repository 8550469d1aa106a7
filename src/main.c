/*
 * main.c - dualstat: wire the modules together, map errors to exit status
 *
 * Exit status: 0 on success, 2 on any error (usage or runtime); with
 * --check, 1 if any socket matched, whatever else failed after it; with
 * --metrics=FILE, 0 when FILE was written, however complete (the file
 * says), 2 when it was not.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "emit.h"
#include "file.h"
#include "netns.h"
#include "outfile.h"
#include "output.h"
#include "procmap.h"
#include "protos.h"
#include "query.h"
#include "record.h"
#include "replay.h"
#include "scope.h"
#include "source.h"

#define EXIT_FOUND 1 /* --check: something matched */
#define EXIT_ERROR 2

static char stdout_buf[65536];

/* Room for a user-named path escaped by table_printable(). */
#define PRINTABLE_MAX (4 * PATH_MAX + 1)

/*
 * A descriptor 0, 1 or 2 left closed would be taken by the first file or
 * socket we open, and the table written into it.  Each closed one gets
 * /dev/null; stdout read-only, so that writing to a closed stdout fails
 * (EBADF) and exits 2 as any other write error, never 0 with the table
 * lost.  Before anything else is opened.
 */
static void
open_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 1 ? O_RDONLY : O_RDWR) != fd)
			exit(EXIT_ERROR); /* nowhere to say it */
	}
}

/* --help and -V: a text that could not be written is an error. */
static int
exit_status_of_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		err(EXIT_ERROR, "write error");
	return 0;
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

/* A failed dump, named with its namespace under --all-netns. */
static const char *
describe_dump_error(const struct options *opts, const struct scope_result *res,
    char *buf, size_t len)
{
	char name[4 * NAME_MAX + 1], path[PRINTABLE_MAX];
	const char *family = output_family_name(res->listing.err_family);
	const char *proto = output_proto_name(res->listing.err_protocol);

	if (opts->replay != NULL)
		snprintf(buf, len, "replay %s (%s/%s)",
		    table_printable(opts->replay, path, sizeof(path)), family,
		    proto);
	else if (res->err_netns[0] != '\0')
		snprintf(buf, len,
		    "sock_diag dump (%s/%s) in network namespace %s", family,
		    proto, table_printable(res->err_netns, name, sizeof(name)));
	else
		snprintf(buf, len, "sock_diag dump (%s/%s)", family, proto);
	return buf;
}

static void
exit_on_dump_error(
    const struct options *opts, const struct scope_result *res, int error)
{
	char what[PRINTABLE_MAX + 64];

	errno = -error;
	err(EXIT_ERROR, "%s",
	    describe_dump_error(opts, res, what, sizeof(what)));
}

static void
warn_dump_error(
    const struct options *opts, const struct scope_result *res, int error)
{
	char what[PRINTABLE_MAX + 64];

	errno = -error;
	warn("%s; the listing is incomplete",
	    describe_dump_error(opts, res, what, sizeof(what)));
}

/*
 * -p: the owners, once a first pass has said which sockets will be
 * listed.  Before any output, so a failure leaves stdout empty.
 */
static struct procmap *
find_owners(
    const struct options *opts, struct scope *sc, struct procmap_stats *st)
{
	struct procmap *pm;
	int ret;

	pm = procmap_new();
	if (pm == NULL)
		err(EXIT_ERROR, "-p");
	/* The walk runs while the dumps say which sockets are wanted. */
	ret = procmap_scan_start(pm, NETNS_PROC_ROOT);
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "-p");
	}
	ret = scope_collect(sc, pm);
	if (ret < 0)
		exit_on_dump_error(opts, &sc->res, ret);
	ret = procmap_scan_finish(pm, st);
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "-p: reading %s", NETNS_PROC_ROOT);
	}
	return pm;
}

/*
 * --emit-policy's first line: when, where and by which command line the
 * policy was written (emit.c escapes it).
 */
static const char *
policy_header(char *buf, size_t len, int argc, char *argv[])
{
	char host[256] = "?", when[32] = "?";
	time_t now = time(NULL);
	struct tm tm;
	size_t n;
	int i;

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	if (gmtime_r(&now, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(buf, len, "dualstat policy written %s on host %s by dualstat",
	    when, host);
	for (i = 1; i < argc; i++) {
		n = strlen(buf);
		if (n + 2 >= len)
			break;
		snprintf(buf + n, len - n, " %s", argv[i]);
	}
	return buf;
}

/* --dump-raw and --replay: the files, and what must be closed after. */
struct raw_files {
	FILE *f;
	struct record *rec;
	struct replay *rp;
	struct source src;
};

/* A dump recorded with other options is refused before any output. */
static void
check_replay_plan(
    const struct options *opts, const struct listing_plan *p, struct replay *rp)
{
	char path[PRINTABLE_MAX];
	size_t bad = 0;
	int ret;

	ret = replay_check_plan(rp, p->steps, p->n, &bad);
	table_printable(opts->replay, path, sizeof(path));
	if (ret == -ENODATA)
		errx(EXIT_ERROR,
		    "replay %s: holds no %s/%s dump of these states and "
		    "filters (recorded with other options?)",
		    path, output_family_name(p->steps[bad].family),
		    output_proto_name(p->steps[bad].protocol));
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "replay %s", path);
	}
}

static void
open_replay(
    const struct options *opts, struct listing_plan *p, struct raw_files *rf)
{
	char msg[256], path[PRINTABLE_MAX];
	int fd;

	table_printable(opts->replay, path, sizeof(path));
	fd = file_open_user(opts->replay, FILE_REGULAR);
	if (fd == -EMEDIUMTYPE)
		errx(EXIT_ERROR, "replay %s: not a regular file", path);
	if (fd >= 0)
		rf->f = fdopen(fd, "rb");
	if (fd < 0 || rf->f == NULL) {
		errno = fd < 0 ? -fd : errno;
		err(EXIT_ERROR, "replay %s", path);
	}
	rf->rp = replay_new(rf->f, msg, sizeof(msg));
	if (rf->rp == NULL && msg[0] != '\0')
		errx(EXIT_ERROR, "replay %s: %s", path, msg);
	if (rf->rp == NULL)
		err(EXIT_ERROR, "replay %s", path);
	/* Planned again for the protocols the recorded kernel had. */
	listing_plan_init(p, opts, replay_protocols(rf->rp));
	check_replay_plan(opts, p, rf->rp);
	replay_source_init(&rf->src, rf->rp);
}

/*
 * The dump may hold another namespace's sockets, and root writes it
 * where the user says: a new file (never through a planted symlink, never
 * over a file already there), readable by its owner only.
 */
static void
open_record(const struct options *opts, struct diag *d, uint32_t protos,
    struct raw_files *rf)
{
	char note[256], path[PRINTABLE_MAX];
	struct utsname u;
	int fd;

	/* The kernel release is what a bug report's reader asks first. */
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	snprintf(note, sizeof(note), "dualstat %s; %s %s %s", PACKAGE_VERSION,
	    u.sysname, u.release, u.machine);
	table_printable(opts->dump_raw, path, sizeof(path));
	fd = file_create_excl(opts->dump_raw, 0600);
	if (fd >= 0)
		rf->f = fdopen(fd, "wb");
	if (fd < 0 || rf->f == NULL) {
		errno = fd < 0 ? -fd : errno;
		err(EXIT_ERROR, "dump-raw %s", path);
	}
	rf->rec = record_new(rf->f, d, note, protos);
	if (rf->rec == NULL)
		err(EXIT_ERROR, "dump-raw %s", path);
	record_source_init(&rf->src, rf->rec);
}

/* A dump file that could not be written in full is an error. */
static void
close_raw_files(const struct options *opts, struct raw_files *rf)
{
	char path[PRINTABLE_MAX];
	int ret = 0;

	if (rf->rec != NULL) {
		ret = record_finish(rf->rec);
		record_free(rf->rec);
	}
	replay_free(rf->rp);
	if (rf->f != NULL && fclose(rf->f) != 0 && ret == 0 &&
	    opts->dump_raw != NULL)
		ret = -errno;
	if (ret < 0) {
		errno = -ret;
		err(EXIT_ERROR, "dump-raw %s: write error",
		    table_printable(opts->dump_raw, path, sizeof(path)));
	}
}

/*
 * The table fits a terminal: its width from TIOCGWINSZ, or $COLUMNS when
 * the terminal does not say (a serial console); 0 when stdout is not a
 * terminal, so a pipe or a file gets no padding for a screen.
 */
static unsigned int
terminal_width(void)
{
	struct winsize ws;
	const char *env;
	char *end;
	long n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env == NULL)
		return 0;
	errno = 0;
	n = strtol(env, &end, 10);
	if (errno != 0 || end == env || *end != '\0' || n <= 0 || n > 10000)
		return 0;
	return (unsigned int)n;
}

/*
 * "1 process (pid 1 (systemd))", "5 processes (pid 1 (systemd), pid 7
 * (a), pid 9 (b) and 2 more)": the first few by name, escaped.
 */
static const char *
name_processes(char *buf, size_t len, unsigned int total, const int *pids,
    const char (*comms)[65], unsigned int n)
{
	char name[4 * 64 + 1];
	size_t used;
	unsigned int i;

	used = (size_t)snprintf(
	    buf, len, "%u process%s", total, total == 1 ? "" : "es");
	for (i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used,
		    "%spid %d (%s)", i == 0 ? " (" : ", ", pids[i],
		    table_printable(comms[i], name, sizeof(name)));
	if (n > 0 && total > n && used < len)
		used += (size_t)snprintf(
		    buf + used, len - used, " and %u more", total - n);
	if (n > 0 && used < len)
		snprintf(buf + used, len - used, ")");
	return buf;
}

/*
 * --metrics: the writer's options.  The zeros of "no dual listener" are
 * written only where nothing kept such sockets out of the listing.
 */
static void
metrics_opts(const struct options *opts, struct out_opts *oo)
{
	bool listeners = opts->inet6 && opts->view != CLI_VIEW_CONNECTED &&
	    filter_is_empty(&opts->filter);

	oo->metrics.all_listeners = opts->metrics_all_listeners;
	oo->metrics.zeros[0] = listeners && opts->tcp;
	oo->metrics.zeros[1] = listeners && opts->udp;
	oo->metrics.netns = opts->netns;
}

/* --metrics=FILE: a temporary file beside it, renamed over it at the end. */
static struct outfile *
open_metrics(const struct options *opts)
{
	char name[256];
	struct outfile *of;

	of = outfile_new(opts->metrics_file);
	if (of == NULL && errno == EINVAL)
		errx(EXIT_ERROR, "--metrics %s: not a regular file",
		    table_printable(opts->metrics_file, name, sizeof(name)));
	if (of == NULL)
		err(EXIT_ERROR, "--metrics %s",
		    table_printable(opts->metrics_file, name, sizeof(name)));
	return of;
}

/* A run that failed leaves the previous file as it was. */
static void
close_metrics(
    const struct options *opts, struct outfile *of, bool failed, int write_err)
{
	char name[256];
	int ret;

	if (of == NULL)
		return;
	ret = failed ? 0 : outfile_commit(of);
	outfile_free(of);
	if (ret < 0 || write_err < 0) {
		errno = ret < 0 ? -ret : -write_err;
		err(EXIT_ERROR, "--metrics %s%s",
		    table_printable(opts->metrics_file, name, sizeof(name)),
		    write_err < 0 ? ": write error" : "");
	}
}

/*
 * A protocol the kernel lists in /proc/net/protocols but answers ENOENT
 * for has no sock_diag handler: its *_diag was not built, or is a module
 * not loaded (dualstat loads none, protos.h).  Raw gets there only when
 * /proc/net/raw could not stand in (listing.h).  Skipped with a warning
 * when the protocol came by default; an error (main()) when named.
 */
static void
warn_missing(const struct options *opts, const struct scope_result *res)
{
	const char *proto, *why;
	unsigned int i;

	for (i = 0; i < res->listing.nmissing; i++) {
		proto = output_proto_name(res->listing.missing[i].protocol);
		why = "";
		/* scope.c reads /proc/net/raw only for the kernel's own
		 * answers: not for what --dump-raw records. */
		if (res->listing.missing[i].protocol == IPPROTO_RAW)
			why = res->listing.raw_inexact
			    ? ", and /proc/net/raw does not show the bound "
			      "device or autobound the filter tests"
			    : opts->dump_raw != NULL
			    ? ", and --dump-raw records only the kernel's "
			      "answers, not /proc/net/raw"
			    : ", and /proc/net/raw could not be read";
		warnx("sock_diag dump (%s/%s): the kernel has no %s_diag (not "
		      "built, or a module not loaded)%s; %s",
		    output_family_name(res->listing.missing[i].family), proto,
		    proto, why,
		    opts->protos_named && !opts->check
			? "asked for, so exit status 2"
			: "skipped");
	}
}

/*
 * A protocol named on the command line that the kernel has not loaded
 * (not in /proc/net/protocols) has no socket to list: an empty answer,
 * but said, so that it does not read as "none of these sockets here".
 * --check's answer (nothing matched) is exact and stays silent.
 */
static void
note_unloaded(const struct options *opts, uint32_t loaded)
{
	static const int protocols[] = { IPPROTO_TCP, IPPROTO_UDP,
		SOCK_IPPROTO_MPTCP, IPPROTO_SCTP, IPPROTO_RAW };
	bool asked[] = { opts->tcp, opts->udp, opts->mptcp, opts->sctp,
		opts->raw };
	size_t i;

	/* -A all asks for whatever there is: nothing to say. */
	if (!opts->protos_named ||
	    (opts->tcp && opts->udp && opts->mptcp && opts->sctp && opts->raw))
		return;
	for (i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++)
		if (asked[i] && !protos_has(loaded, protocols[i], AF_INET) &&
		    !protos_has(loaded, protocols[i], AF_INET6))
			warnx("%s: not loaded in %s kernel (not in "
			      "/proc/net/protocols): no such socket to list",
			    output_proto_name(protocols[i]),
			    opts->replay != NULL ? "the recorded" : "this");
}

static void
warn_incomplete(const struct scope_result *res, const struct procmap_stats *st)
{
	unsigned int i, unread = st->denied + st->failed;
	char name[NETNS_NAMED_PIDS][4 * NAME_MAX + 1], what[1024];
	char comms[NETNS_NAMED_PIDS][65];
	int pids[NETNS_NAMED_PIDS];
	unsigned int n;

	/*
	 * Processes that exited held nothing: not worth a word; nor are
	 * unreadable ones when every socket listed got its owner.
	 */
	if (unread > 0 && res->unowned > 0) {
		for (i = 0; i < st->nnamed; i++) {
			pids[i] = st->named[i].pid;
			memcpy(comms[i], st->named[i].comm, sizeof(comms[i]));
		}
		warnx("-p: could not read the descriptors of %s%s%s; %s "
		      "sockets show no owner",
		    name_processes(
			what, sizeof(what), unread, pids, comms, st->nnamed),
		    st->failed > 0 ? ": " : "",
		    st->failed > 0 ? strerror(-st->first_error) : "",
		    unread == 1 ? "its" : "their");
	}
	if (res->ns_failed > 0) {
		n = res->ns_failed < NETNS_NAMED_PIDS ? res->ns_failed
						      : NETNS_NAMED_PIDS;
		for (i = 0; i < n; i++)
			table_printable(
			    res->first_failed[i], name[i], sizeof(name[i]));
		warnx("--all-netns: could not enter %u of %u network "
		      "namespace%s (%s%s%s%s%s%s): %s; skipped",
		    res->ns_failed, res->ns_total,
		    res->ns_total == 1 ? "" : "s", name[0], n > 1 ? ", " : "",
		    n > 1 ? name[1] : "", n > 2 ? ", " : "",
		    n > 2 ? name[2] : "", res->ns_failed > n ? ", ..." : "",
		    res->first_failed_err == -EINVAL
			? "not a network namespace"
			: strerror(-res->first_failed_err));
	}
	if (res->ns_unreadable > 0) {
		n = res->ns_unreadable < NETNS_NAMED_PIDS ? res->ns_unreadable
							  : NETNS_NAMED_PIDS;
		for (i = 0; i < n; i++) {
			pids[i] = res->unreadable_pids[i];
			procmap_read_comm(NETNS_PROC_ROOT, pids[i], comms[i]);
		}
		warnx("--all-netns: could not read the network namespace of "
		      "%s; theirs may be missing",
		    name_processes(what, sizeof(what), res->ns_unreadable, pids,
			comms, n));
	}
}

int
main(int argc, char *argv[])
{
	struct options opts;
	struct out_opts oo;
	struct writer w;
	struct scope sc;
	struct procmap *pm = NULL;
	struct procmap_stats pst = { 0 };
	struct raw_files rf = { 0 };
	struct outfile *mf = NULL;
	FILE *out = stdout;
	const struct scope_result *res = &sc.res;
	char msg[320], header[1024];
	int ret;

	open_std_fds();
	if (cli_parse(argc, argv, &opts, msg, sizeof(msg)) < 0)
		errx(EXIT_ERROR, "%s (see dualstat --help)", msg);
	if (opts.action == CLI_LIST) {
		ret = query_check(&opts, msg, sizeof(msg));
		if (ret == -EINVAL)
			errx(EXIT_ERROR, "%s", msg);
		if (ret < 0) {
			errno = -ret;
			err(EXIT_ERROR, "filter");
		}
	}
	if (opts.action == CLI_HELP) {
		cli_usage(stdout);
		return exit_status_of_stdout();
	}
	if (opts.action == CLI_VERSION) {
		printf("dualstat %s\n", PACKAGE_VERSION);
		return exit_status_of_stdout();
	}

	/* A reader that goes away (dualstat | head) stops us at once. */
	signal(SIGPIPE, SIG_DFL);
	setvbuf(stdout, stdout_buf, _IOFBF, sizeof(stdout_buf));

	memset(&oo, 0, sizeof(oo));
	/* --metrics: how long the run took, -p's pass included. */
	clock_gettime(CLOCK_REALTIME, &oo.metrics.started_real);
	clock_gettime(CLOCK_MONOTONIC, &oo.metrics.started_mono);
	if (scope_init(&sc, &opts, NETNS_NAMED_DIR, NETNS_PROC_ROOT, msg,
		sizeof(msg)) < 0)
		errx(EXIT_ERROR, "%s", msg);
	if (opts.replay != NULL) {
		open_replay(sc.opts, &sc.plan, &rf);
		scope_set_source(&sc, &rf.src);
	} else if (opts.dump_raw != NULL) {
		open_record(&opts, sc.d[0], sc.protos, &rf);
	}
	if (!opts.quiet && !opts.check)
		note_unloaded(
		    &opts, rf.rp != NULL ? replay_protocols(rf.rp) : sc.protos);
	/* A pid or process term needs the owners as -p finds them. */
	if (opts.processes || opts.emit_policy ||
	    filter_needs_owners(&opts.filter))
		pm = find_owners(&opts, &sc, &pst);
	/* Only the listing is recorded: a replay answers each request from
	 * the next section, and -p's first pass asks the same ones. */
	if (rf.rec != NULL)
		scope_set_source(&sc, &rf.src);

	oo.header = opts.header;
	oo.extended = opts.extended;
	oo.unmap = opts.unmap;
	oo.json = opts.json;
	oo.processes = opts.processes;
	oo.netns = opts.all_netns;
	oo.silent_if_empty = opts.check;
	oo.width = terminal_width();
	if (opts.metrics) {
		metrics_opts(&opts, &oo);
		if (opts.metrics_file != NULL) {
			mf = open_metrics(&opts);
			out = outfile_stream(mf);
		}
		metrics_init(&w, out, &oo);
	} else if (opts.quiet)
		null_init(&w, stdout, &oo);
	else if (opts.summary)
		summary_init(&w, stdout, &oo);
	else if (opts.emit_policy)
		emit_init(&w, stdout, &oo,
		    policy_header(header, sizeof(header), argc, argv));
	else if (opts.json)
		json_init(&w, stdout, &oo);
	else
		table_init(&w, stdout, &oo);

	ret = scope_list(&sc, &w, pm);
	scope_done(&sc);
	procmap_free(pm);
	close_raw_files(&opts, &rf);

	/* -q: the exit status is the whole answer. */
	if (!opts.quiet) {
		warn_missing(&opts, res);
		warn_incomplete(res, &pst);
	}
	close_metrics(&opts, mf, ret < 0 || res->listing.write_err < 0,
	    res->listing.write_err);
	if (res->listing.write_err < 0)
		exit_on_write_error(res->listing.write_err);
	/* --check: a finding is a finding, wherever else the dump failed
	 * (1 wins, with the warning); without one, a failed dump is 2. */
	if (ret < 0 && opts.check && res->listing.rows > 0) {
		if (!opts.quiet)
			warn_dump_error(&opts, res, ret);
		return EXIT_FOUND;
	}
	if (ret < 0)
		exit_on_dump_error(&opts, res, ret);
	if (opts.check) {
		/* A finding is a finding, wherever else it could not look;
		 * "nothing" needs a look everywhere. */
		if (res->listing.rows > 0)
			return EXIT_FOUND;
		if (res->listing.nmissing > 0 || res->ns_failed > 0 ||
		    res->ns_unreadable > 0)
			return EXIT_ERROR;
		return 0;
	}
	/*
	 * --metrics=FILE: the status says whether FILE was written; how
	 * complete it is, the file says (dualstat_complete and the counts
	 * beside it), where the shipped rules alert on it.  A timer's unit
	 * then fails only when the metrics could not be written at all.
	 */
	if (opts.metrics_file != NULL)
		return 0;
	/* Namespaces left out: the listing is not the host's; a protocol
	 * asked for by name and not listed: not what was asked. */
	if (res->ns_failed > 0 || res->ns_unreadable > 0)
		return EXIT_ERROR;
	if (res->listing.nmissing > 0 && opts.protos_named)
		return EXIT_ERROR;
	return 0;
}
