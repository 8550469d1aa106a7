/*
 * netns.h - find and enter network namespaces (-N, --all-netns)
 *
 * A namespace is known by the inode of its nsfs file.  netns_list_init()
 * finds every one on the host: the names under the named directory
 * (/run/netns, where ip-netns(8) bind-mounts them) and the namespace of
 * each process under the proc root.  netns_call() runs a function inside
 * one of them on a thread of its own, so the caller never moves.
 */
#ifndef DUALSTAT_NETNS_H
#define DUALSTAT_NETNS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_NAMED_DIR "/run/netns"
#define NETNS_PROC_ROOT "/proc"

/* Holders kept per namespace besides the lowest: any one that is still
 * there when the namespace is entered will do. */
#define NETNS_MORE_HOLDERS 7

struct netns_entry {
	uint64_t dev, ino; /* the nsfs file; 0, 0 if a name cannot be read */
	int pid; /* the lowest pid holding it, 0 for a named one */
	/* The next lowest holders, tried in order if pid has exited. */
	int more[NETNS_MORE_HOLDERS];
	unsigned int nmore;
	char label[NAME_MAX + 1]; /* the name, or "pid:PID" */
};

struct netns_list {
	struct netns_entry *v; /* named ones by name, then the rest by pid */
	size_t n;
	unsigned int unreadable; /* processes whose namespace we cannot see */
};

/*
 * Fills *l with every distinct namespace, each once (a named one under its
 * name).  A missing named directory means no names.  Processes whose
 * namespace cannot be read are counted in l->unreadable.  Returns 0, or
 * -errno if the proc root cannot be read or memory runs out (*l is then
 * empty).
 */
int netns_list_init(
    struct netns_list *l, const char *named_dir, const char *proc_root);

/* Frees what netns_list_init() allocated. */
void netns_list_done(struct netns_list *l);

/*
 * Opens the namespace of an entry and checks it is still the same one (a
 * holder may have exited and its pid been reused); if a holder has exited
 * or its pid now holds another namespace, tries the entry's next holder.
 * Returns an O_RDONLY descriptor, or -errno of the last holder tried:
 * -ESRCH if it now holds another namespace, -ENOENT if it has exited.
 */
int netns_open_entry(
    const struct netns_entry *e, const char *named_dir, const char *proc_root);

/*
 * Opens -N's argument: a path if it has a '/', otherwise a name in
 * named_dir, with file_open_user(FILE_NSFS).  Returns an O_RDONLY
 * descriptor or -errno: -ENOENT for an empty name, "." or ".."; -EINVAL
 * for a file that is not a namespace.  Whether it is a network namespace
 * (and not another kind) shows when it is entered.
 */
int netns_open(const char *arg, const char *named_dir);

/*
 * Runs fn(arg) on a new thread that has entered the network namespace
 * nsfd (setns(2)), waits for it, and returns what fn returned; or -errno if
 * the thread could not start or could not enter (-EINVAL: nsfd is not a
 * network namespace; -EPERM: not allowed).  The calling thread stays where
 * it is.  A socket fn opens stays in that namespace for good (the kernel
 * binds it at creation, net/socket.c, __sock_create()), so the caller can
 * use it afterwards.
 */
int netns_call(int nsfd, int (*fn)(void *arg), void *arg);

#endif
