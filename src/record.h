/*
 * record.h - write the kernel's replies to a raw dump file (--dump-raw)
 */
#ifndef DUALSTAT_RECORD_H
#define DUALSTAT_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include "diag.h"
#include "source.h"

struct record;

/*
 * Starts a raw dump on out (which the caller owns and closes) of what d
 * receives, writing the file header, if note is not NULL a NOTE record,
 * and a PROTOCOLS record of protos (the loaded protocols, protos.h), and
 * flushes them.  Returns NULL with errno set if allocating or writing
 * fails.
 */
struct record *record_new(
    FILE *out, struct diag *d, const char *note, uint32_t protos);

/* Frees r; record_free(NULL) is a no-op. */
void record_free(struct record *r);

/*
 * Makes *src dump from the kernel through r's diag, writing each request
 * and every datagram answering it to the file.  A failed write stops the
 * dump with its -errno, which record_finish() then reports as well.
 */
void record_source_init(struct source *src, struct record *r);

/* Flushes the file.  Returns 0, or -errno of the first failed write. */
int record_finish(struct record *r);

#endif
