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
	bool unmap; /* --unmap: IPv4-mapped addresses as dotted quads */
	bool json; /* -s: the summary as one JSON object */
	int bindv6only; /* -s: net.ipv6.bindv6only, or -1 if unknown */
	bool processes; /* -p: the owners of each socket */
	bool netns; /* --all-netns: the namespace of each socket */
	/* -s --all-netns: the namespace summed up (untrusted bytes). */
	const char *netns_name;
	uint64_t netns_inode;
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

/* The state groups of the summary: listening (and unconnected UDP),
 * connected, time-wait. */
#define OUT_GROUPS 3
/* The protocols of the summary. */
#define OUT_PROTOS 5

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
	/* -s: sockets per protocol (tcp, udp, mptcp, sctp, raw), state
	 * group and mode. */
	unsigned long counts[OUT_PROTOS][OUT_GROUPS][SOCK_MODE_COUNT];
};

/* Set up a writer on out; they cannot fail. */
void table_init(struct writer *w, FILE *out, const struct out_opts *opts);
void json_init(struct writer *w, FILE *out, const struct out_opts *opts);
/* -s: counts rows and writes only the totals, as a table or JSON. */
void summary_init(struct writer *w, FILE *out, const struct out_opts *opts);
/* --check -q: counts rows and writes nothing. */
void null_init(struct writer *w, FILE *out, const struct out_opts *opts);

/* Sets up a writer of any kind: for the _init functions above. */
void writer_init(struct writer *w, const struct writer_ops *ops, FILE *out,
    const struct out_opts *opts);

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

/*
 * Escapes the NUL-terminated untrusted text s as table_write_string() does,
 * into buf (cut to len - 1 bytes), for a message on stderr.  Returns buf,
 * or "?" if it could not be written.
 */
const char *table_printable(const char *s, char *buf, size_t len);

/* Returns "tcp", "udp", "mptcp", "sctp" or "raw" (or "?") for an
 * IPPROTO_* number (SOCK_IPPROTO_MPTCP for mptcp; IPPROTO_RAW for every
 * raw socket). */
const char *output_proto_name(int protocol);

/* Returns "AF_INET6" or "AF_INET": how messages name a dump's family. */
const char *output_family_name(int family);

#endif
