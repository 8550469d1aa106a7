/*
 * listing.h - run the dumps a command line needs and write every row
 */
#ifndef DUALSTAT_LISTING_H
#define DUALSTAT_LISTING_H

#include <stdint.h>

#include "cli.h"
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
};

/*
 * Lists, through writer w (already begun), every socket the options
 * select, filters included, as src answers the dumps (the kernel, or a
 * replay).  Each row starts as a copy of *base (owners,
 * namespace; NULL for none) with its socket filled in.  With --check -q it
 * stops at the first match and leaves the rest of that dump unread, so src
 * must not be used again.  A protocol the kernel cannot dump is recorded
 * in res->missing and skipped; MPTCP refused with -EINVAL (a kernel
 * without INET_DIAG_REQ_PROTOCOL) is skipped as absent.  Returns 0, or the -errno that stopped the
 * listing: a failed dump (res->err_family/err_protocol say which) or a
 * failed write (res->write_err).  *res is always filled in.
 */
int listing_run(const struct source *src, const struct options *opts,
    struct writer *w, const struct out_row *base, struct listing_result *res);

/*
 * -p's first pass: runs the same dumps as listing_run() and marks the
 * inode of every socket it would list as wanted in m, writing nothing.
 * Returns and fills *res as listing_run() (-ENOMEM if m cannot grow).
 */
int listing_collect(const struct source *src, const struct options *opts,
    struct procmap *m, struct listing_result *res);

#endif
