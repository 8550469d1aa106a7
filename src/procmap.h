/*
 * procmap.h - socket inode -> owning processes (-p/--processes)
 *
 * The kernel tells only a socket's inode; its owners are the processes
 * whose /proc/PID/fd links read "socket:[INODE]".  A procmap is filled in
 * three steps: procmap_want() for every inode the listing will print,
 * procmap_scan() once over a proc root, then procmap_lookup() per row.
 */
#ifndef DUALSTAT_PROCMAP_H
#define DUALSTAT_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct procmap;

#define PROCMAP_NAMED 3

/* What procmap_scan() could not read; each count is of processes. */
struct procmap_stats {
	unsigned long procs; /* process directories visited */
	unsigned long fds; /* descriptor links read */
	unsigned int vanished; /* exited before their fds were read */
	unsigned int denied; /* EACCES/EPERM on their fd directory */
	unsigned int failed; /* any other error (first_error says which) */
	int first_error; /* -errno of the first "failed" one */
	/* The first PROCMAP_NAMED of the denied and failed ones, by pid,
	 * for a warning that names them (comm untrusted, NUL-terminated,
	 * "" if it could not be read either). */
	unsigned int nnamed;
	struct {
		int pid;
		char comm[65];
	} named[PROCMAP_NAMED];
};

/* One owner of a socket. comm is not NUL-terminated and is untrusted. */
struct procmap_owner {
	int pid;
	int fd;
	const char *comm;
	size_t comm_len;
};

struct procmap_iter {
	const struct procmap *m;
	uint32_t next;
};

/* Returns an empty map, or NULL with errno set. */
struct procmap *procmap_new(void);

/* Frees the map; procmap_free(NULL) is a no-op. */
void procmap_free(struct procmap *m);

/*
 * Marks a socket inode as wanted (inode 0, which TIME-WAIT and request
 * sockets carry, is ignored).  Returns 0 or -ENOMEM.
 */
int procmap_want(struct procmap *m, uint32_t inode);

/*
 * Makes every socket inode wanted: procmap_scan() then records the owners
 * of every socket it finds, so -p needs no dump to learn the inodes first
 * (a listing of every socket, with no filter).
 */
void procmap_want_all(struct procmap *m);

/* Returns the number of distinct wanted inodes. */
size_t procmap_count(const struct procmap *m);

/*
 * Records that pid holds the wanted inode as fd, named comm (comm_len
 * bytes, at most 64 kept).  Returns 0, -ENOENT if the inode is not wanted,
 * or -ENOMEM.  procmap_scan() calls it; tests can too.
 */
int procmap_add(struct procmap *m, uint32_t inode, int pid, int fd,
    const char *comm, size_t comm_len);

/*
 * Reads every root/PID/fd directory once and records the owners of the
 * wanted inodes.  Processes that cannot be read are skipped and counted in
 * *st.  Returns 0, or -errno if root itself cannot be read or memory runs
 * out.  Owners of one inode come out in scan order (by pid, then fd).
 */
int procmap_scan(struct procmap *m, const char *root, struct procmap_stats *st);

/*
 * The same in three steps, so the scan runs while the dumps say which
 * inodes are wanted: procmap_scan_start() starts the threads (returns 0,
 * -ENOMEM, or -EBUSY if a scan is under way); procmap_want() may be
 * called until procmap_want_done(), which says the wanted set is
 * complete; procmap_scan_finish() waits for the scan, records the
 * owners and returns as procmap_scan() (an unreadable root is reported
 * here, and only if something is wanted).  Until the set is complete the
 * threads keep every socket link they meet, each at most 16384 or as many
 * as are wanted so far, and then wait: memory stays bounded by the wanted
 * sockets.  procmap_want()
 * and procmap_want_done() are for one thread at a time.
 */
int procmap_scan_start(struct procmap *m, const char *root);
void procmap_want_done(struct procmap *m);
int procmap_scan_finish(struct procmap *m, struct procmap_stats *st);

/*
 * Sets how many owners a scan thread keeps before the wanted set is
 * complete (tests make it small; the default is 16384).
 */
void procmap_set_pending(struct procmap *m, uint32_t n);

/*
 * Sets how many threads procmap_scan() uses (0, the default: one per
 * CPU, at most 8).  The result does not depend on it.
 */
void procmap_set_threads(struct procmap *m, unsigned int n);

/*
 * Reads root/PID/comm (the process name, untrusted) into comm, NUL-
 * terminated; "" if it cannot be read.  Returns its length.
 */
size_t procmap_read_comm(const char *root, int pid, char comm[65]);

/* Starts iterating over the owners of inode (none if it is unknown). */
void procmap_lookup(
    const struct procmap *m, uint32_t inode, struct procmap_iter *it);

/* Fills *o with the next owner and returns true, or returns false. */
bool procmap_next(struct procmap_iter *it, struct procmap_owner *o);

#endif
