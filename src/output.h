/*
 * output.h - the writers: table and JSON behind one small interface
 *
 * A writer turns rows into text on a FILE.  main.c picks one; scope.c
 * calls writer_begin() once, then for each network namespace listed (once
 * for a plain run or -N) writer_netns_begin(), writer_row() for each socket
 * as the dump streams in and writer_netns_end(), and writer_end() once,
 * even after an error, so JSON stays valid.  The writer alone decides its
 * punctuation and layout at each of these calls.
 */
#ifndef DUALSTAT_OUTPUT_H
#define DUALSTAT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "procmap.h"
#include "sock.h"

struct out_opts {
	bool header; /* table: print the column titles */
	bool extended; /* -e: inode, uid and v6only columns */
	bool unmap; /* --unmap: IPv4-mapped addresses as dotted quads */
	bool json; /* -s: the summary as one JSON object */
	bool processes; /* -p: the owners of each socket */
	bool netns; /* --all-netns: the namespace of each socket */
	/* --check: nothing at all, not even the header, until a row comes
	 * (a cron job mails on output). */
	bool silent_if_empty;
	/* table: the terminal's width to fit, 0 when stdout is not one */
	unsigned int width;
	struct {
		/* --metrics-listeners=all: every listener, not only dual. */
		bool all_listeners;
		/* Listening dual and v6only sockets of tcp, udp were looked
		 * for (no filter hid them): their zero counts are written. */
		bool zeros[2];
		const char *netns; /* -N's argument: the netns label */
		/* When the run started; the duration is measured again
		 * with gettime (NULL: clock_gettime()) at writer_end(). */
		struct timespec started_real, started_mono;
		int (*gettime)(clockid_t clock, struct timespec *ts);
	} metrics;
};

/* The network namespace whose sockets follow (writer_netns_begin()). */
struct out_netns {
	/* --all-netns and -N: its label (untrusted bytes, NUL-terminated,
	 * alive until writer_netns_end()); NULL for a plain run. */
	const char *name;
	uint64_t inode; /* 0 when unknown (-N PATH) or name is NULL */
	int bindv6only; /* net.ipv6.bindv6only, or -1 if unknown */
	/* --all-netns: the container or unit holding it ("docker:3f2a...",
	 * "systemd:nginx.service"; untrusted bytes), or NULL. */
	const char *container;
	/* A process holding it, whose cgroup named the container; 0 for
	 * none known (a named namespace no process is in). */
	int pid;
};

/* At most this many (family, protocol) dumps in an out_status. */
#define OUT_MISSING_MAX 16

/*
 * How complete what the writer was given is: at writer_netns_end(), for
 * that namespace; at writer_end(), for the whole run.
 */
struct out_status {
	bool complete; /* every dump answered in full, nothing skipped */
	/* Dumps the kernel could not serve (diag module missing). */
	struct {
		uint8_t family;
		uint16_t protocol;
	} missing[OUT_MISSING_MAX];
	unsigned int nmissing;
	/* writer_end() under --all-netns: namespaces found, those that
	 * could not be inspected, and the processes whose namespace could
	 * not be read (and is not known to be one listed). */
	unsigned int ns_total, ns_failed, ns_unreadable;
};

/*
 * Everything printed for one socket.  Later options add context here
 * (owning processes, network namespace) without touching the callers of
 * the writers that do not use it.
 */
struct out_row {
	const struct sock_entry *sk;
	const struct procmap *procs; /* -p: owners by inode, or NULL */
	/* The bound device (sk->ifindex) by name, or NULL if unbound
	 * (untrusted bytes, NUL-terminated). */
	const char *ifname;
};

/* The state groups of the summary: listening (and unconnected UDP),
 * connected, time-wait. */
#define OUT_GROUPS 3
/* The protocols of the summary. */
#define OUT_PROTOS 5

struct writer;

/*
 * netns_begin and netns_end may be NULL: nothing to do there.  A writer
 * that only counts rows sets any_order: it may then be given a
 * namespace's rows in any order, from several dumps at once (listing.c),
 * though never from two threads at the same time.
 */
struct writer_ops {
	bool any_order;
	int (*begin)(struct writer *w);
	int (*netns_begin)(struct writer *w);
	int (*row)(struct writer *w, const struct out_row *row);
	int (*netns_end)(struct writer *w, const struct out_status *st);
	int (*end)(struct writer *w, const struct out_status *st);
};

struct writer {
	const struct writer_ops *ops;
	FILE *out;
	struct out_opts opts;
	struct out_netns ns; /* the namespace being listed */
	unsigned long rows; /* rows written so far */
	/* -p: rows of a socket with an inode and no owner found. */
	unsigned long unowned;
	unsigned long netns_done; /* namespaces ended so far */
	unsigned long netns_empty; /* -s --all-netns: empty ones folded */
	/* -s, --metrics: sockets per protocol (output_proto_at()), state
	 * group and mode. */
	unsigned long counts[OUT_PROTOS][OUT_GROUPS][SOCK_MODE_COUNT];
	void *priv; /* a writer's own state, from its begin to its end */
	bool begun; /* ops->begin has run (silent_if_empty defers it) */
};

/* Set up a writer on out; they cannot fail (the table allocates its
 * buffer in writer_begin() and frees it in writer_end()). */
void table_init(struct writer *w, FILE *out, const struct out_opts *opts);
void json_init(struct writer *w, FILE *out, const struct out_opts *opts);
/* -s: counts rows and writes only the totals, as a table or JSON. */
void summary_init(struct writer *w, FILE *out, const struct out_opts *opts);
/*
 * --metrics: the Prometheus text format.  Its begin can fail (-ENOMEM);
 * once begun, its end must be called, and frees what it kept.
 */
void metrics_init(struct writer *w, FILE *out, const struct out_opts *opts);
/* --check -q: counts rows and writes nothing. */
void null_init(struct writer *w, FILE *out, const struct out_opts *opts);

/* Sets up a writer of any kind: for the _init functions above. */
void writer_init(struct writer *w, const struct writer_ops *ops, FILE *out,
    const struct out_opts *opts);

/*
 * Each returns 0, or -errno if writing to the stream failed.
 * writer_netns_begin() copies *ns into w->ns (the strings it points to are
 * not copied); writer_end() also flushes the stream.
 */
int writer_begin(struct writer *w);
int writer_netns_begin(struct writer *w, const struct out_netns *ns);
int writer_row(struct writer *w, const struct out_row *row);
int writer_netns_end(struct writer *w, const struct out_status *st);
int writer_end(struct writer *w, const struct out_status *st);

/*
 * Writes n bytes of untrusted text as a Prometheus label value, without
 * the quotes: '\\', '"' and newline escaped as the text format says;
 * every other control character, bidirectional override and invalid UTF-8
 * byte becomes the text \xHH in the value (written \\xHH).
 */
void metrics_write_label(FILE *out, const char *s, size_t n);

/*
 * Writes n bytes of untrusted text as a JSON string: quotes and
 * backslashes escaped, what fmt_printable_len() refuses (C0, DEL, C1, bidi
 * overrides and isolates) as \uXXXX, invalid UTF-8 as U+FFFD.
 */
void json_write_string(FILE *out, const char *s, size_t n);

/*
 * Writes the namespace's members, "netns":...,"netns_inode":...,
 * "netns_pid":...,"container":... (null where unknown), without braces or commas around:
 * rows and summaries say it alike.
 */
void json_write_netns(FILE *out, const struct out_netns *ns);

/*
 * Writes n bytes of untrusted text for a terminal, without quotes: '"'
 * and '\\' escaped with a backslash, \n \t \r as such, every byte of what
 * fmt_printable_len() refuses (other control characters, C0, DEL, C1,
 * bidi overrides and isolates, invalid UTF-8) as \xHH.  Returns the number
 * of characters written.
 */
size_t table_write_string(FILE *out, const char *s, size_t n);

/*
 * Escapes the NUL-terminated untrusted text s as table_write_string() does,
 * into buf (cut to len - 1 bytes), for a message on stderr.  Returns buf,
 * or "?" if it could not be written.
 */
const char *table_printable(const char *s, char *buf, size_t len);

/*
 * The state group (0 listening, 1 connected, 2 time-wait) a TCP_* state
 * is counted in; LISTEN and CLOSE (unconnected UDP) are "listening".
 */
int output_state_group(unsigned int state);

/* Returns "listening", "connected" or "time-wait" for a state group. */
const char *output_group_name(int group);

/* Returns the IPPROTO_* number counted at index p of w->counts (0 tcp,
 * 1 udp, 2 mptcp, 3 sctp, 4 raw). */
int output_proto_at(int p);

/* Adds sk to w->counts (-s, --metrics). */
void output_count(struct writer *w, const struct sock_entry *sk);

/* Returns "tcp", "udp", "mptcp", "sctp" or "raw" (or "?") for an
 * IPPROTO_* number (SOCK_IPPROTO_MPTCP for mptcp; IPPROTO_RAW for every
 * raw socket). */
const char *output_proto_name(int protocol);

/* Returns "AF_INET6" or "AF_INET": how messages name a dump's family. */
const char *output_family_name(int family);

#endif
