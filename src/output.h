/*
 * output.h - the writers: table and JSON behind one small interface
 *
 * A writer turns rows into text on a FILE.  main.c picks one, calls
 * writer_begin() once, writer_row() for each socket as the dump streams in,
 * and writer_end() once, even after an error, so JSON stays valid.
 */
#ifndef DUALSTAT_OUTPUT_H
#define DUALSTAT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "procmap.h"
#include "sock.h"

struct out_opts {
	bool header; /* table: print the column titles */
	bool extended; /* -e: inode, uid and v6only columns */
	bool processes; /* -p: the owners of each socket */
	bool netns; /* --all-netns: the namespace of each socket */
};

/*
 * Everything printed for one socket.  Later options add context here
 * (owning processes, network namespace) without touching the callers of
 * the writers that do not use it.
 */
struct out_row {
	const struct sock_entry *sk;
	const struct procmap *procs; /* -p: owners by inode, or NULL */
	/* --all-netns: the namespace's name or "pid:PID" (untrusted bytes,
	 * NUL-terminated), or NULL, and its inode. */
	const char *netns;
	uint64_t netns_inode;
};

struct writer;

struct writer_ops {
	int (*begin)(struct writer *w);
	int (*row)(struct writer *w, const struct out_row *row);
	int (*end)(struct writer *w);
};

struct writer {
	const struct writer_ops *ops;
	FILE *out;
	struct out_opts opts;
	unsigned long rows; /* rows written so far */
};

/* Set up a writer on out; they cannot fail. */
void table_init(struct writer *w, FILE *out, const struct out_opts *opts);
void json_init(struct writer *w, FILE *out, const struct out_opts *opts);

/* Each returns 0, or -errno if writing to the stream failed. */
int writer_begin(struct writer *w);
int writer_row(struct writer *w, const struct out_row *row);
int writer_end(struct writer *w);

/*
 * Writes n bytes of untrusted text as a JSON string: quotes, backslashes
 * and control characters escaped, invalid UTF-8 as U+FFFD.
 */
void json_write_string(FILE *out, const char *s, size_t n);

/*
 * Writes n bytes of untrusted text for a terminal, without quotes: '"'
 * and '\\' escaped with a backslash, \n \t \r as such, every other control
 * character (C0, DEL, C1), bidirectional override and invalid UTF-8 byte as
 * \xHH.  Returns the number of characters written.
 */
size_t table_write_string(FILE *out, const char *s, size_t n);

/* Returns "tcp" or "udp" (or "?") for an IPPROTO_* number. */
const char *output_proto_name(int protocol);

#endif
