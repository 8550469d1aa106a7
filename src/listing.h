/*
 * listing.h - run the dumps a command line needs and hand every row on
 *
 * A run is one plan (the requests, built once from the options) executed
 * in each namespace by one executor, which feeds each socket to a sink:
 * the writer, or -p's set of wanted inodes.
 */
#ifndef DUALSTAT_LISTING_H
#define DUALSTAT_LISTING_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "filter.h"
#include "output.h"
#include "procmap.h"
#include "query.h"
#include "source.h"

struct listing_result {
	/* The dump that failed (err), or that the kernel could not serve. */
	struct {
		uint8_t family;
		uint16_t protocol;
	} missing[QUERY_MAX_STEPS];
	unsigned int nmissing; /* protocols without a diag handler */
	uint8_t err_family; /* where err happened; 0 when writing */
	uint16_t err_protocol;
	int write_err; /* -errno if the output stream failed */
	unsigned long rows; /* rows written */
	/* A raw dump the kernel could not serve was not read from /proc
	 * either: the filter tests what /proc/net/raw does not show. */
	bool raw_inexact;
};

/* The requests of a run and what is checked in user space. */
struct listing_plan {
	struct diag_request steps[QUERY_MAX_STEPS]; /* in output order */
	size_t n;
	struct query_bc bc; /* the steps' bytecode */
	const struct filter *filter; /* what the kernel cannot test; NULL */
	/* The owners the filter's pid and process terms are decided on
	 * (scope_list()); NULL: not known yet, those terms pass. */
	const struct procmap *owners;
	/* The namespace listed, for the filter (autobound's port range);
	 * the caller sets it before each run. */
	struct filter_env env;
	/* MPTCP is dumped whole (query_plan()): its rows listed are those
	 * of these states, [0] AF_INET, [1] AF_INET6, that pass filter. */
	uint32_t mptcp_states[2];
	bool first_only; /* --check -q: the first match answers */
	/* /proc/net/raw can stand in for raw_diag: the filter tests no
	 * bound device and no autobound, which it does not show. */
	bool raw_exact;
	unsigned int cpus; /* how many dumps may run at once */
};

/* -p's rows, kept by the first pass until the owners are known. */
struct listing_keep;

/* Where the rows go: w, or the inodes into collect (-p's first pass),
 * and then, with keep, the rows themselves. */
struct listing_sink {
	struct writer *w;
	struct procmap *collect;
	struct listing_keep *keep;
	const struct out_row *base; /* each row starts as a copy; or NULL */
	/* Names bound devices (diag_ifname()): a sock_diag socket of the
	 * namespace listed; NULL for none to ask (a replay). */
	struct diag *names;
	/* The namespace's /proc/net/raw and raw6 (procraw.h), by family
	 * (AF_INET, AF_INET6), -1 where not open; NULL for none (a replay,
	 * --dump-raw): what a raw dump the kernel cannot serve reads. */
	const int *raw_fds;
};

/*
 * Builds the plan of a run (query_plan()) for the protocols loaded (a
 * protos.h set: the kernel's, or a replay's): once, whatever the number
 * of namespaces.  opts must outlive the plan.
 */
void listing_plan_init(
    struct listing_plan *p, const struct options *opts, uint32_t loaded);

/*
 * Sockets listing_run_diag() dumps with: one per step when the steps can
 * run at once (two CPUs or more), else one.
 */
size_t listing_plan_sockets(const struct listing_plan *p);

/*
 * Runs the plan's dumps one after the other from src (the kernel, or a
 * replay: any source, in the recorded order) and hands each socket the
 * filters pass to sink.  With --check -q it stops at the first match and
 * leaves the rest of that dump unread, so src must not be used again.  A
 * protocol the kernel cannot dump is recorded in res->missing and
 * skipped, but raw, read from sink->raw_fds where the plan is raw_exact; MPTCP refused with -EINVAL (a kernel without
 * INET_DIAG_REQ_PROTOCOL) is skipped as absent.  The TCP subflows of the
 * MPTCP sockets listed are not listed again.  Returns 0, or the -errno that stopped the listing: a failed
 * dump (res->err_family/err_protocol say which) or a failed write
 * (res->write_err).  *res is always filled in.
 */
int listing_run(const struct listing_plan *p, const struct source *src,
    const struct listing_sink *sink, struct listing_result *res);

/*
 * Asks src, with an empty dump of each program the plan's steps carry (a
 * TCP request for no state, which the kernel answers at once whatever the
 * step's protocol), whether the kernel accepts it, and drops each program
 * it refuses (-EINVAL) from the steps: user space then filters alone, with
 * the same result.  Nothing is dropped when the filter is the kernel's
 * alone (autobound).  Returns 0, or the -errno of a probe that failed
 * otherwise (then res, unless NULL, says which dump, as listing_run()).
 */
int listing_plan_probe(struct listing_plan *p, const struct source *src,
    struct listing_result *res);

/*
 * The same, from the kernel through d[0..listing_plan_sockets() - 1], all
 * in the namespace to list, the steps at once where it pays: in any order
 * when the sink only counts (a summary, --check -q, -p's inodes), in the
 * plan's order otherwise, with later dumps held in a bounded buffer until
 * their turn; programs the kernel refuses are dropped first
 * (listing_plan_probe()).  Returns as listing_run(); d may not be used again after an
 * error.
 */
int listing_run_diag(const struct listing_plan *p, struct diag *const d[],
    const struct listing_sink *sink, struct listing_result *res);

/*
 * -p in one namespace dumps once: its first pass (a sink with collect)
 * also keeps every row it passes in keep, packed (rowpack.h: about 18
 * bytes a connection; memory grows with what will be printed, never
 * with the sockets elsewhere), and once the owners are known
 * listing_keep_write() hands them to sink in the plan's order, each
 * dump's rows in the order the kernel sent them: the same rows as a
 * second pass would list, without asking the kernel again.
 * listing_keep_new() returns NULL with errno set; listing_keep_free(NULL)
 * is a no-op.  listing_keep_write() fills *res with the rows written and
 * the write error (the dumps' outcome is the first pass's) and returns 0
 * or that error.
 */
struct listing_keep *listing_keep_new(void);
void listing_keep_free(struct listing_keep *k);
int listing_keep_write(const struct listing_keep *k,
    const struct listing_plan *p, const struct listing_sink *sink,
    struct listing_result *res);

/*
 * A sink with keep and neither w nor collect only keeps the rows: how
 * --all-netns dumps the next namespaces while one is written.  With a
 * limit (bytes of kept rows; 0, the default: none) a row past it is not
 * kept, and the run fails with -E2BIG (res->write_err says so).
 */
void listing_keep_limit(struct listing_keep *k, size_t bytes);

#endif
