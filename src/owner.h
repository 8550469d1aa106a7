/*
 * owner.h - the filter terms that name who holds a socket: cgroup PATH,
 * unit NAME, container ID, uid N, user NAME, pid N, process NAME
 *
 * Resolving a name (the parser's side) reads the host: the cgroup v2
 * tree, the user database.  Deciding a term on a socket is pure.
 */
#ifndef DUALSTAT_OWNER_H
#define DUALSTAT_OWNER_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "sock.h"

/* At most this many cgroups one unit or container term stands for. */
#define OWNER_MAX_CGROUPS 64

struct owner_cgroups {
	uint64_t id[OWNER_MAX_CGROUPS];
	size_t n;
};

/*
 * The cgroups of a systemd unit: every cgroup with a path component equal
 * to name, or to name ".service" when name has no '.' ("sshd"), so the
 * unit's cgroup and those under it.  Returns 0, -ENOENT if there is none,
 * -E2BIG past OWNER_MAX_CGROUPS, or as cgroup_walk().
 */
int owner_unit_cgroups(const char *name, struct owner_cgroups *c);

/*
 * The cgroups of a container: every cgroup whose path --all-netns labels
 * (netns_container()) as the container "KIND:ID12", written as that label,
 * as its ID12 part, or as a longer ID that starts with it (the 64 hex
 * digits docker and podman show).  Returns as owner_unit_cgroups().
 */
int owner_container_cgroups(const char *name, struct owner_cgroups *c);

/* Looks up a user's uid.  Returns 0, or -ENOENT for no such user. */
int owner_user_uid(const char *name, uint32_t *uid);

/*
 * Decides a cgroup, uid, pid, process or nothing term on a socket held by
 * the n processes o; o NULL means they are not known (then pid and process
 * terms are FILTER_MAYBE).  The cgroup term compares INET_DIAG_CGROUP_ID
 * as the kernel's INET_DIAG_BC_CGROUP_COND does; sockets without an owner
 * (sock_has_owner()) have no uid, so no uid term holds on them.
 */
enum filter_answer owner_decide(const struct filter_node *n,
    const struct sock_entry *sk, const struct filter_owner *o, size_t nown);

#endif
