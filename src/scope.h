/*
 * scope.h - the namespaces one run lists (-N, --all-netns) and the passes
 * over them (-p)
 *
 * A plain run lists the namespace dualstat runs in; -N one other; and
 * --all-netns each namespace of the host in turn, every row labelled.
 * With -p the namespaces are dumped twice: once to learn which inodes the
 * listing will print (so the /proc scan in between looks for those only,
 * host-wide: socket inodes are unique across namespaces), once to print;
 * once only when every socket is listed with no filter (-a -p), the scan
 * then recording the owners of every socket.  Each pass runs one plan
 * (listing.h), built once, in every namespace.  On two CPUs or more,
 * --all-netns dumps the next namespaces on helper threads while one is
 * written (scope.c), and writes them in the same order as on one.
 */
#ifndef DUALSTAT_SCOPE_H
#define DUALSTAT_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "listing.h"
#include "netns.h"
#include "output.h"
#include "procmap.h"
#include "source.h"

struct scope_result {
	/* Merged over the namespaces; each missing protocol once. */
	struct listing_result listing;
	/* Copies, so they outlive scope_done(): */
	char err_netns[NAME_MAX + 1]; /* label of the namespace a dump
					 failed in; "" if none */
	unsigned int ns_total; /* --all-netns: namespaces found */
	unsigned int ns_failed; /* ... that could not be entered */
	/* Labels of the first few of those, and the first one's -errno. */
	char first_failed[NETNS_NAMED_PIDS][NAME_MAX + 1];
	int first_failed_err;
	unsigned int ns_unreadable; /* processes whose namespace is unknown */
	unsigned long unowned; /* -p: rows whose socket got no owner */
	int unreadable_pids[NETNS_NAMED_PIDS]; /* the first few of them */
};

struct scope {
	/* A copy of the options (opts points at it): each namespace's
	 * device indexes are written into its filter. */
	struct options o;
	const struct options *opts;
	const char *named_dir, *proc_root;
	struct listing_plan plan; /* the dumps, the same in every namespace */
	/* A plain run or -N: the one namespace's sockets, one per dump that
	 * runs at once (d[0] alone when they run in turn). */
	struct diag *d[QUERY_MAX_STEPS];
	struct source own; /* d[0] as a source */
	int raw_fds[2]; /* its /proc/net/raw and raw6, or -1 (listing.h) */
	const struct source *src; /* what a plain run or -N dumps from */
	int bindv6only; /* -s: its net.ipv6.bindv6only, or -1 */
	uint32_t protos; /* the loaded protocols (protos.h), host-wide */
	/* -N: its label, container and holder as --all-netns gives them
	 * where it finds the namespace, else the argument's label. */
	char netns_label[NAME_MAX + 1];
	char netns_container[96];
	int netns_pid;
	uint64_t netns_inode; /* -N: its inode */
	struct netns_list list; /* --all-netns */
	bool *failed; /* per list entry: could not be entered */
	/* -p in one namespace: the first pass's rows and outcome, listed
	 * once the owners are known (listing_keep_write()). */
	struct listing_keep *keep;
	struct listing_result keep_lr;
	int keep_ret;
	struct scope_result res;
};

/*
 * Gets ready to list: the loaded protocols from proc_root's
 * net/protocols (TCP and UDP alone if it cannot be read), a sock_diag
 * socket here, or inside -N's namespace, or the list of every namespace
 * for --all-netns; with --replay, nothing
 * (the caller then gives the source with scope_set_source()).  Returns 0, or -errno
 * with one line (no "dualstat:" prefix, no newline) naming the problem in
 * err; nothing is written to any stream.
 */
int scope_init(struct scope *s, const struct options *opts,
    const char *named_dir, const char *proc_root, char *err, size_t errlen);

/*
 * Makes a plain run or -N dump from src instead, the dumps in turn
 * (--dump-raw's recorder around s->d[0], or --replay's file, for which
 * scope_init() opened nothing).
 */
void scope_set_source(struct scope *s, const struct source *src);

/*
 * -p's first pass: marks in m the inode of every socket scope_list() will
 * print, then says the set is complete (procmap_want_done()), so that a
 * walk started before may filter by it.  In one namespace, from the
 * kernel, it also keeps the rows, and scope_list() prints those instead
 * of dumping again.  Returns 0 or the -errno of a failed dump (s->res
 * says where).
 */
int scope_collect(struct scope *s, struct procmap *m);

/*
 * Lists every namespace through w, owners from m (NULL without -p):
 * writer_begin(), then for each namespace writer_netns_begin(), its rows
 * and writer_netns_end() with how complete they were, and writer_end()
 * even after an error, so JSON stays valid.  Returns as listing_run();
 * s->res says where it stopped, res.listing.write_err whether writing
 * failed.
 */
int scope_list(struct scope *s, struct writer *w, const struct procmap *m);

/* Releases what scope_init() set up. */
void scope_done(struct scope *s);

#endif
