/*
 * replay.h - list from a raw dump file instead of the kernel (--replay)
 */
#ifndef DUALSTAT_REPLAY_H
#define DUALSTAT_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "source.h"

struct replay;

/*
 * Reads and checks the whole raw dump on in (which the caller owns and
 * closes; it must be seekable) before anything is listed: framing, every
 * netlink message, every sock_diag reply, and that each request's answer
 * ends.  Returns NULL with errno set on failure: EBADMSG for a file that
 * is truncated, garbled or not a dump, with one line (no prefix, no
 * newline) saying what and where written into err; another errno if
 * reading or allocating failed.
 */
struct replay *replay_new(FILE *in, char *err, size_t errlen);

/* Frees rp; replay_free(NULL) is a no-op. */
void replay_free(struct replay *rp);

/*
 * Makes *src answer each request from the next recorded section, after the
 * one used last, with the same family and protocol whose states include
 * the requested ones (rows in other states are left out).  A dump answers
 * as diag_dump() does, or -ENODATA if the file holds no such section.
 */
void replay_source_init(struct source *src, struct replay *rp);

/*
 * Returns the protocols the recorded kernel had loaded (a protos.h set),
 * from the dump's PROTOCOLS record; a version 1 dump: TCP and UDP.
 */
uint32_t replay_protocols(const struct replay *rp);

/*
 * Checks, before anything is listed, that the file can answer the n
 * requests in order.  Returns 0, or -ENODATA and the index of the first
 * request it cannot answer in *bad, or another -errno if reading fails.
 */
int replay_check_plan(
    struct replay *rp, const struct diag_request *steps, size_t n, size_t *bad);

#endif
