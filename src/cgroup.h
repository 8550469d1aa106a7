/*
 * cgroup.h - the cgroup v2 hierarchy: where it is mounted, the id of a
 * cgroup, and a walk over its directories (the cgroup, unit and
 * container filter terms, --emit-policy)
 *
 * A cgroup's id is the inode number of its directory (kernfs: the node's
 * id), the number the kernel reports as INET_DIAG_CGROUP_ID and tests in
 * INET_DIAG_BC_CGROUP_COND (net/ipv4/inet_diag.c, inet_diag_bc_run()).
 */
#ifndef DUALSTAT_CGROUP_H
#define DUALSTAT_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/* The walk visits at most this many directories, this deep. */
#define CGROUP_MAX_DIRS 100000
#define CGROUP_MAX_DEPTH 32

/*
 * Writes into root (len bytes) where cgroup v2 is mounted: /sys/fs/cgroup
 * on a unified host, /sys/fs/cgroup/unified on a hybrid one, else the
 * first cgroup2 mount in /proc/self/mounts.  Returns 0, or -ENODEV if
 * there is none, -ENAMETOOLONG if it does not fit.
 */
int cgroup_root(char *root, size_t len);

/*
 * Finds the id of the cgroup PATH (relative to the cgroup v2 root, as ss
 * takes it: "/system.slice/sshd.service", or without the first '/'; "/"
 * is the root cgroup; ".." never leaves the root).
 * Returns 0, -ENODEV without cgroup v2, -ENOENT or -ENOTDIR for a path
 * that is no cgroup, or another -errno.
 */
int cgroup_id(const char *path, uint64_t *id);

/*
 * Calls cb for each cgroup under the v2 root, the root first ("/"), with
 * its path relative to the root and its id, until cb returns non-zero
 * (returned then).  At most CGROUP_MAX_DIRS directories, CGROUP_MAX_DEPTH
 * deep; cgroups that vanish during the walk are skipped.  Returns 0,
 * cb's value, -ENODEV without cgroup v2, -E2BIG past the limits, or the
 * -errno of the root.
 */
int cgroup_walk(int (*cb)(const char *path, uint64_t id, void *arg), void *arg);

#endif
