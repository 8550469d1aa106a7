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
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNS_NAMED_DIR "/run/netns"
#define NETNS_PROC_ROOT "/proc"
/* Where the cgroup hierarchies are mounted: who owns a directory there
 * says whether a user named it (netns_container_at()). */
#define NETNS_CGROUP_ROOT "/sys/fs/cgroup"

/* Holders kept per namespace besides the lowest: any one that is still
 * there when the namespace is entered will do. */
#define NETNS_MORE_HOLDERS 7
/* At most this many processes are named in a warning. */
#define NETNS_NAMED_PIDS 3

struct netns_entry {
	uint64_t dev, ino; /* the nsfs file; 0, 0 if a name cannot be read */
	int pid; /* the lowest pid holding it, 0 for a named one */
	/* The next lowest holders, tried in order if pid has exited. */
	int more[NETNS_MORE_HOLDERS];
	unsigned int nmore;
	/* The lowest pid holding it, named or not, whose cgroup gave the
	 * container (the next one if it had gone); 0 if none. */
	int holder;
	bool own; /* the namespace dualstat runs in */
	/* Unique in the list, and the same for as long as the namespace
	 * lives: the name; "host" for the namespace of PID 1 (or of the
	 * lowest readable pid); the container; else "netns:INODE".  Where
	 * two would be the same, the unnamed get "@netns:INODE" added. */
	char label[NAME_MAX + 1];
	/* What holds it, from the cgroup of its holder: "docker:ID12",
	 * "podman:ID12", "k8s-pod:UID", "systemd:UNIT", or "user:UID:..."
	 * for a subtree a user names; "" if unknown. */
	char container[96];
};

struct netns_list {
	/* The own namespace first, then named ones by name, then the rest
	 * by pid. */
	struct netns_entry *v;
	size_t n;
	/* Processes whose namespace we cannot see and cannot tell to be
	 * one listed (by their /proc/PID/net): theirs may be missing. */
	unsigned int unreadable;
	int unreadable_pids[NETNS_NAMED_PIDS]; /* the first few of them */
};

/*
 * Fills *l with every distinct namespace, each once (a named one under its
 * name), labelled as netns_entry says; cgroup_root (NULL: not looked at)
 * is where the cgroup hierarchies are mounted, for netns_container_at().
 * A missing named directory means no names.  Processes whose namespace
 * cannot be read, unless /proc/PID/net shows it to be one listed, are
 * counted in l->unreadable.  Returns 0, or
 * -errno if the proc root cannot be read or memory runs out (*l is then
 * empty).
 */
int netns_list_init(struct netns_list *l, const char *named_dir,
    const char *proc_root, const char *cgroup_root);

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
 * Opens -N's argument: a path if it has a '/'; the namespace of a process
 * for "pid:PID", or for a bare number that is not a name in named_dir;
 * otherwise a name in named_dir; with file_open_user(FILE_NSFS).  Writes
 * the label --all-netns would give it ("pid:PID" or the argument) into
 * label (NAME_MAX + 1 bytes).  Returns an O_RDONLY descriptor or -errno
 * (-ENOENT for an empty name, "." or ".."; -ESRCH: no such process;
 * -EINVAL for a file that is not a namespace).  Whether it is a network
 * namespace (and not another kind) shows when it is entered.
 */
int netns_open(
    const char *arg, const char *named_dir, const char *proc_root, char *label);

/*
 * Writes into out (len bytes) what holds a namespace, from the text of
 * /proc/PID/cgroup (n bytes): "docker:ID12", "podman:ID12", "k8s-pod:UID"
 * or "systemd:UNIT"; "" when none is recognised.  A runtime's name is
 * trusted only where a user cannot have made it: below a user@UID.service
 * component, or below a directory of the hierarchy under cgroot (a
 * descriptor of /sys/fs/cgroup, or -1 not to look) whose owner is not the
 * hierarchy root's (a delegated subtree), the holder is "user:UID" with
 * ":" and what the rest looks like added ("user:1000:docker:3f2a1b2c3d4e").
 */
void netns_container_at(
    int cgroot, const char *cgroup, size_t n, char *out, size_t len);

/*
 * Reads the cgroup file of a process holding e's namespace into buf (n
 * bytes), from the same open /proc/PID directory in which its namespace
 * is checked to be still e's (by inode): a pid reused since the scan
 * names another process, whose namespace then differs.  Tries e's
 * holders in turn (holder, then more[] for an unnamed one).  Returns the
 * bytes read, 0 if no holder could be read, and that holder in *pid.
 */
size_t netns_read_holder(const struct netns_entry *e, const char *proc_root,
    char *buf, size_t n, int *pid);

/* netns_container_at() on the text alone, with no directory to look at:
 * pure, for the tests. */
void netns_container(const char *cgroup, size_t n, char *out, size_t len);

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
