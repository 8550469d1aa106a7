/*
 * netns.c - find and enter network namespaces (-N, --all-netns)
 *
 * Entering happens on a short-lived thread: setns(CLONE_NEWNET) changes
 * only the calling thread's namespaces (kernel/nsproxy.c, switch_task_
 * namespaces() on current), and unlike the mount or user namespace a
 * network namespace may be entered by one thread of many
 * (net/core/net_namespace.c, netns_install()).  So the rest of the run
 * never leaves the namespace it started in, even if a call fails halfway.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "netns.h"
#include "num.h"

/* A namespace seen while enumerating, before de-duplication. */
struct seen {
	uint64_t dev, ino;
	int pid; /* 0: named, index in names */
	size_t name; /* index in the names array when pid is 0 */
};

struct growing {
	void *v;
	size_t n, cap, size;
};

static void *
grow(struct growing *g)
{
	void *p;
	size_t c;

	if (g->n == g->cap) {
		c = g->cap == 0 ? 32 : g->cap * 2;
		p = realloc(g->v, c * g->size);
		if (p == NULL)
			return NULL;
		g->v = p;
		g->cap = c;
	}
	return (char *)g->v + g->n++ * g->size;
}

/* Lists the names under named_dir into names and seen. */
static int
scan_named(const char *named_dir, struct growing *names, struct growing *seen)
{
	struct dirent *d;
	struct stat st;
	DIR *dir;
	int ret = 0;

	dir = opendir(named_dir);
	if (dir == NULL)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dir)) != NULL) {
		struct netns_entry *e;
		struct seen *s;

		if (d->d_name[0] == '.')
			continue;
		e = grow(names);
		s = e != NULL ? grow(seen) : NULL;
		if (s == NULL) {
			ret = -ENOMEM;
			break;
		}
		memset(e, 0, sizeof(*e));
		snprintf(e->label, sizeof(e->label), "%s", d->d_name);
		memset(s, 0, sizeof(*s));
		s->name = names->n - 1;
		/* stat follows the bind mount to the namespace itself. */
		if (fstatat(dirfd(dir), d->d_name, &st, 0) == 0) {
			s->dev = e->dev = st.st_dev;
			s->ino = e->ino = st.st_ino;
		}
	}
	closedir(dir);
	return ret;
}

/* Adds the namespace of every process under proc_root to seen, and the
 * pids of those whose namespace cannot be read to unread. */
static int
scan_procs(const char *proc_root, struct growing *seen, struct growing *unread)
{
	char path[NAME_MAX + sizeof("/ns/net")];
	struct dirent *d;
	struct stat st;
	unsigned long pid;
	DIR *dir;
	int ret = 0;

	dir = opendir(proc_root);
	if (dir == NULL)
		return -errno;
	while ((d = readdir(dir)) != NULL) {
		struct seen *s;

		if (num_parse_ulong(d->d_name, INT_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/ns/net", d->d_name);
		if (fstatat(dirfd(dir), path, &st, 0) < 0) {
			int *u;

			/* A process that exited holds nothing any more. */
			if (errno == ENOENT || errno == ESRCH)
				continue;
			u = grow(unread);
			if (u == NULL) {
				ret = -ENOMEM;
				break;
			}
			*u = (int)pid;
			continue;
		}
		s = grow(seen);
		if (s == NULL) {
			ret = -ENOMEM;
			break;
		}
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		s->pid = (int)pid;
		s->name = 0;
	}
	closedir(dir);
	return ret;
}

/* By namespace; a name before any pid, then the lowest pid. */
static int
seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;
}

/* The own namespace first; then named ones, by name; then by pid. */
static int
entry_cmp(const void *a, const void *b)
{
	const struct netns_entry *x = a, *y = b;

	if (x->own != y->own)
		return x->own ? -1 : 1;
	if ((x->pid == 0) != (y->pid == 0))
		return x->pid == 0 ? -1 : 1;
	if (x->pid == 0)
		return strcmp(x->label, y->label);
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* netns.h says what it does; here, why: a /proc/PID directory opened
 * once names one process for as long as it is open (its inode holds the
 * task's pid, fs/proc/base.c), so what is read through it is that
 * process's, whatever the pid means by then. */
size_t
netns_read_holder(const struct netns_entry *e, const char *proc_root, char *buf,
    size_t n, int *pid)
{
	char path[PATH_MAX];
	struct stat st;
	size_t got = 0;
	ssize_t r;
	unsigned int i;
	int dfd, fd, p;

	for (i = 0, p = e->holder; p > 0;
	     p = e->pid != 0 && i < e->nmore ? e->more[i++] : 0) {
		snprintf(path, sizeof(path), "%s/%d", proc_root, p);
		dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (fstatat(dfd, "ns/net", &st, 0) < 0 || st.st_ino != e->ino ||
		    st.st_dev != e->dev) {
			close(dfd);
			continue;
		}
		fd = openat(dfd, "cgroup",
		    O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		close(dfd);
		if (fd < 0)
			continue;
		/* A read may return less than the file: read to its end. */
		while (got < n && (r = read(fd, buf + got, n - got)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				break;
			got += (size_t)r;
		}
		close(fd);
		*pid = p;
		return got;
	}
	return 0;
}

static int
label_cmp(const void *a, const void *b)
{
	const struct netns_entry *const *x = a, *const *y = b;

	return strcmp((*x)->label, (*y)->label);
}

/*
 * Labels that would be the same (two namespaces of one unit) get the
 * inode: each label names one namespace in a run, and the same one for as
 * long as it lives.  A named one keeps its name, by which it is opened.
 */
static int
make_unique(struct netns_entry *v, size_t n)
{
	struct netns_entry **by;
	size_t i, j, k;

	by = calloc(n > 0 ? n : 1, sizeof(*by));
	if (by == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		by[i] = &v[i];
	if (n > 1)
		qsort(by, n, sizeof(*by), label_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1;
		     j < n && strcmp(by[i]->label, by[j]->label) == 0; j++)
			;
		if (j - i == 1)
			continue;
		for (k = i; k < j; k++) {
			char base[sizeof(by[k]->label)];

			if (by[k]->pid == 0)
				continue;
			memcpy(base, by[k]->label, sizeof(base));
			snprintf(by[k]->label, sizeof(by[k]->label),
			    "%.200s@netns:%llu", base,
			    (unsigned long long)by[k]->ino);
		}
	}
	free(by);
	return 0;
}

/*
 * Names what the person reading the list knows each namespace by: the
 * host's (that of the lowest pid holding any, PID 1 when it can be read)
 * "host"; a named one its name; the others the container or unit their
 * holder belongs to, as netns_container_at() trusts it, else their own
 * inode ("netns:INODE"), which lasts as long as the namespace does.
 */
static int
label_all(struct netns_entry *v, size_t n, const char *proc_root,
    const char *cgroup_root)
{
	char path[PATH_MAX], cgroup[4096];
	struct stat own;
	size_t i, host = n, len;
	int cgfd = -1, pid;

	snprintf(path, sizeof(path), "%s/self/ns/net", proc_root);
	if (stat(path, &own) < 0)
		memset(&own, 0, sizeof(own));
	if (cgroup_root != NULL)
		cgfd = open(cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < n; i++) {
		v[i].own = own.st_ino != 0 && v[i].ino == own.st_ino &&
		    v[i].dev == own.st_dev;
		if (v[i].holder > 0 &&
		    (host == n || v[i].holder < v[host].holder))
			host = i;
	}
	for (i = 0; i < n; i++) {
		if (i == host) {
			if (v[i].pid != 0)
				snprintf(
				    v[i].label, sizeof(v[i].label), "host");
			continue;
		}
		if (v[i].holder <= 0)
			continue;
		pid = 0;
		len = netns_read_holder(
		    &v[i], proc_root, cgroup, sizeof(cgroup), &pid);
		if (pid > 0)
			v[i].holder = pid;
		netns_container_at(
		    cgfd, cgroup, len, v[i].container, sizeof(v[i].container));
		if (v[i].pid == 0)
			continue;
		if (v[i].container[0] != '\0')
			snprintf(v[i].label, sizeof(v[i].label), "%s",
			    v[i].container);
		else
			snprintf(v[i].label, sizeof(v[i].label), "netns:%llu",
			    (unsigned long long)v[i].ino);
	}
	if (cgfd >= 0)
		close(cgfd);
	return make_unique(v, n);
}

/*
 * The inode of root/PID/net/dev, or 0.  Each namespace has its own
 * /proc/net tree (fs/proc/proc_net.c, proc_net_ns_init()), and
 * /proc/PID/net shows the process's without the ptrace check that
 * /proc/PID/ns/net makes (get_proc_task_net()): so it tells whether an
 * unreadable process is in a namespace already known.
 */
static uint64_t
proc_net_ino(const char *proc_root, int pid, uint64_t *dev)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%d/net/dev", proc_root, pid);
	if (stat(path, &st) < 0)
		return 0;
	*dev = st.st_dev;
	return st.st_ino;
}

/*
 * Counts in l->unreadable the processes of unread whose namespace is not
 * one of l's: one known from another process leaves nothing missing.
 */
static int
count_unknown(
    struct netns_list *l, const int *unread, size_t n, const char *proc_root)
{
	uint64_t *known, *kdev, ino, dev = 0;
	size_t i, k, nk = 0;

	if (n == 0)
		return 0;
	known = calloc(l->n + 1, sizeof(*known));
	kdev = calloc(l->n + 1, sizeof(*kdev));
	if (known == NULL || kdev == NULL) {
		free(known);
		free(kdev);
		return -ENOMEM;
	}
	for (i = 0; i < l->n; i++)
		if (l->v[i].holder > 0 &&
		    (known[nk] = proc_net_ino(
			 proc_root, l->v[i].holder, &kdev[nk])) != 0)
			nk++;
	for (i = 0; i < n; i++) {
		ino = proc_net_ino(proc_root, unread[i], &dev);
		for (k = 0; k < nk && ino != 0; k++)
			if (known[k] == ino && kdev[k] == dev)
				break;
		if (ino != 0 && k < nk)
			continue;
		if (l->unreadable++ < NETNS_NAMED_PIDS)
			l->unreadable_pids[l->unreadable - 1] = unread[i];
	}
	free(known);
	free(kdev);
	return 0;
}

int
netns_list_init(struct netns_list *l, const char *named_dir,
    const char *proc_root, const char *cgroup_root)
{
	struct growing names = { .size = sizeof(struct netns_entry) };
	struct growing seen = { .size = sizeof(struct seen) };
	struct growing unread = { .size = sizeof(int) };
	struct netns_entry *out;
	const struct seen *s;
	size_t i, n = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = scan_named(named_dir, &names, &seen);
	if (ret == 0)
		ret = scan_procs(proc_root, &seen, &unread);
	if (ret < 0)
		goto free_all;
	/* qsort() of a NULL array is undefined, even of 0 elements. */
	if (seen.n > 1)
		qsort(seen.v, seen.n, sizeof(struct seen), seen_cmp);
	out = calloc(seen.n > 0 ? seen.n : 1, sizeof(*out));
	if (out == NULL) {
		ret = -ENOMEM;
		goto free_all;
	}
	for (i = 0; i < seen.n; i++) {
		s = (const struct seen *)seen.v + i;
		/* Unreadable names (inode 0) all stay, to be reported. */
		if (n > 0 && s->ino != 0 && out[n - 1].ino == s->ino &&
		    out[n - 1].dev == s->dev) {
			/* Sorted by pid: the lowest came first. */
			if (out[n - 1].pid != 0 &&
			    out[n - 1].nmore < NETNS_MORE_HOLDERS)
				out[n - 1].more[out[n - 1].nmore++] = s->pid;
			if (out[n - 1].holder == 0)
				out[n - 1].holder = s->pid;
			continue;
		}
		if (s->pid == 0) {
			out[n] = ((const struct netns_entry *)names.v)[s->name];
		} else {
			out[n].dev = s->dev;
			out[n].ino = s->ino;
			out[n].pid = s->pid;
			snprintf(out[n].label, sizeof(out[n].label),
			    "netns:%llu", (unsigned long long)s->ino);
		}
		out[n].holder = s->pid;
		n++;
	}
	ret = label_all(out, n, proc_root, cgroup_root);
	if (ret < 0) {
		free(out);
		goto free_all;
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), entry_cmp);
	l->v = out;
	l->n = n;
	ret = count_unknown(l, unread.v, unread.n, proc_root);
	if (ret < 0) {
		free(out);
		l->v = NULL;
		l->n = 0;
	}
free_all:
	free(names.v);
	free(seen.v);
	free(unread.v);
	if (ret < 0)
		l->unreadable = 0;
	return ret;
}

void
netns_list_done(struct netns_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
open_checked(int dirfd, const char *path, const struct netns_entry *e)
{
	struct stat st;
	int fd, saved;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		saved = errno;
		close(fd);
		return -saved;
	}
	if (e->ino != 0 && (st.st_ino != e->ino || st.st_dev != e->dev)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int
netns_open_entry(
    const struct netns_entry *e, const char *named_dir, const char *proc_root)
{
	char path[PATH_MAX];
	unsigned int i;
	int fd, pid;

	if (e->pid == 0) {
		snprintf(path, sizeof(path), "%s/%s", named_dir, e->label);
		return open_checked(AT_FDCWD, path, e);
	}
	for (i = 0, pid = e->pid;; pid = e->more[i++]) {
		snprintf(path, sizeof(path), "%s/%d/ns/net", proc_root, pid);
		fd = open_checked(AT_FDCWD, path, e);
		/* Exited, or its pid reused elsewhere: the next holder. */
		if ((fd != -ENOENT && fd != -ESRCH) || i == e->nmore)
			return fd;
	}
}

/* Writes "pid:PID" into label if path is proc_root/PID/ns/net. */
static void
proc_label(const char *path, const char *proc_root, char *label)
{
	size_t n = strlen(proc_root), d;

	if (strncmp(path, proc_root, n) != 0 || path[n] != '/')
		return;
	path += n + 1;
	d = strspn(path, "0123456789");
	if (d == 0 || d > 10 || strcmp(path + d, "/ns/net") != 0)
		return;
	snprintf(label, NAME_MAX + 1, "pid:%.*s", (int)d, path);
}

int
netns_open(
    const char *arg, const char *named_dir, const char *proc_root, char *label)
{
	char path[PATH_MAX];
	const char *pid = NULL;
	unsigned long n;
	struct stat st;
	int fd;

	if (strncmp(arg, "pid:", 4) == 0)
		pid = arg + 4;
	else if (num_parse_ulong(arg, ULONG_MAX, &n) == 0)
		pid = arg;
	if (pid != NULL && pid == arg) {
		/* A name that is a number stays a name. */
		snprintf(path, sizeof(path), "%s/%s", named_dir, arg);
		if (stat(path, &st) == 0)
			pid = NULL;
	}
	if (pid != NULL) {
		if (num_parse_ulong(pid, INT_MAX, &n) < 0 || n == 0)
			return -EINVAL;
		snprintf(path, sizeof(path), "%s/%lu/ns/net", proc_root, n);
		snprintf(label, NAME_MAX + 1, "pid:%lu", n);
		fd = file_open_user(path, FILE_NSFS);
		return fd == -ENOENT	 ? -ESRCH
		    : fd == -EMEDIUMTYPE ? -EINVAL
					 : fd;
	}
	snprintf(label, NAME_MAX + 1, "%s", arg);
	/* /proc/PID/ns/net is labelled as --all-netns labels it. */
	proc_label(arg, proc_root, label);
	if (strchr(arg, '/') == NULL) {
		if (arg[0] == '\0' || strcmp(arg, ".") == 0 ||
		    strcmp(arg, "..") == 0)
			return -ENOENT;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", named_dir,
			arg) >= sizeof(path))
			return -ENAMETOOLONG;
		arg = path;
	}
	/* A FIFO or a device is refused before it can block or act. */
	fd = file_open_user(arg, FILE_NSFS);
	return fd == -EMEDIUMTYPE ? -EINVAL : fd;
}

/* Copies at most n bytes of s, up to a stop character, into out. */
static void
copy_until(char *out, size_t len, const char *s, size_t n, const char *stop)
{
	size_t i;

	for (i = 0; i < n && i + 1 < len && strchr(stop, s[i]) == NULL; i++)
		out[i] = s[i];
	out[i] = '\0';
}

static bool
starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool
ends(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Container ids are 64 hex digits; 12 tell them apart, as docker ps. */
static void
put_id(char *out, size_t len, const char *kind, const char *id, size_t n)
{
	char buf[16];

	copy_until(buf, sizeof(buf) < 13 ? sizeof(buf) : 13, id, n, ".");
	snprintf(out, len, "%s:%s", kind, buf);
}

/*
 * Finds the holder in the cgroup path components [c, end), component by
 * component.  The layouts are those the engines make with either cgroup
 * driver:
 *   docker   /system.slice/docker-ID.scope, /docker/ID
 *   podman   /machine.slice/libpod-ID.scope, /libpod_parent/libpod-ID
 *   kubelet  /kubepods.slice/kubepods-burstable.slice/
 *            kubepods-burstable-podUID.slice/cri-containerd-ID.scope
 *            (UID with '_' for '-'), /kubepods/burstable/podUID/ID
 *   systemd  /system.slice/nginx.service
 * A pod holds the namespace its containers share, so it wins.
 */
static void
holder_of(const char *c, const char *end, char *out, size_t len)
{
	const char *slash, *prev = NULL, *pod;
	char unit[96] = "", uid[64];
	size_t clen, prevlen = 0, i;
	bool kube = false;

	out[0] = '\0';
	for (; c < end; c = slash + 1) {
		slash = memchr(c, '/', (size_t)(end - c));
		if (slash == NULL)
			slash = end;
		clen = (size_t)(slash - c);
		if (starts(c, clen, "kubepods"))
			kube = true;
		pod = NULL;
		if (kube && starts(c, clen, "pod"))
			pod = c + 3;
		else if (kube && starts(c, clen, "kubepods-") &&
		    ends(c, clen, ".slice")) {
			for (i = clen - 6; i >= 4 && pod == NULL; i--)
				if (memcmp(c + i - 4, "-pod", 4) == 0)
					pod = c + i;
		}
		if (pod != NULL && out[0] == '\0') {
			copy_until(
			    uid, sizeof(uid), pod, (size_t)(slash - pod), ".");
			for (i = 0; uid[i] != '\0'; i++)
				if (uid[i] == '_')
					uid[i] = '-';
			snprintf(out, len, "k8s-pod:%s", uid);
			return;
		}
		if (starts(c, clen, "docker-") && ends(c, clen, ".scope"))
			put_id(out, len, "docker", c + 7, clen - 7);
		else if (prev != NULL && prevlen == 6 &&
		    memcmp(prev, "docker", 6) == 0 && clen == 64)
			put_id(out, len, "docker", c, clen);
		else if (starts(c, clen, "libpod-") &&
		    !starts(c, clen, "libpod-conmon-"))
			put_id(out, len, "podman", c + 7, clen - 7);
		else if (ends(c, clen, ".service") || ends(c, clen, ".scope"))
			copy_until(unit, sizeof(unit), c, clen, "");
		prev = c;
		prevlen = clen;
	}
	if (!kube && out[0] == '\0' && unit[0] != '\0')
		snprintf(out, len, "systemd:%s", unit);
}

/* The uid N of a "user@N.service" component, or -1. */
static long
user_unit(const char *c, size_t clen)
{
	unsigned long uid;
	char num[16];

	if (!starts(c, clen, "user@") || !ends(c, clen, ".service") ||
	    clen - 13 == 0 || clen - 13 >= sizeof(num))
		return -1;
	memcpy(num, c + 5, clen - 13);
	num[clen - 13] = '\0';
	if (num_parse_ulong(num, INT_MAX, &uid) < 0)
		return -1;
	return (long)uid;
}

/*
 * Where the cgroup path p (n bytes) stops being named by root: after a
 * user@UID.service component (systemd delegates that subtree to the
 * user: Delegate=yes, and the user names what is below), or after the
 * first directory, under the hierarchy's root hier (a descriptor, or -1
 * not to look), that belongs to another owner than the root does (a
 * subtree delegated by chown, as cgroups(7) "Cgroups v2 delegation"
 * describes).  Returns the offset in p of the first component the user
 * named, or n if there is none; *uid is their owner.
 */
static size_t
delegated_at(const char *p, size_t n, int hier, long *uid)
{
	const char *c = p, *end = p + n, *slash;
	char rel[PATH_MAX];
	struct stat root, st;
	size_t clen;
	long u;

	if (hier >= 0 && fstat(hier, &root) < 0)
		hier = -1;
	/* Outside our cgroup namespace the directories are not ours. */
	if (hier >= 0 && (n >= sizeof(rel) || memmem(p, n, "/..", 3) != NULL))
		hier = -1;
	for (; c < end; c = slash + 1) {
		slash = memchr(c, '/', (size_t)(end - c));
		if (slash == NULL)
			slash = end;
		clen = (size_t)(slash - c);
		if (clen == 0)
			continue;
		u = user_unit(c, clen);
		if (u < 0 && hier >= 0) {
			snprintf(
			    rel, sizeof(rel), ".%.*s", (int)(slash - p), p);
			if (fstatat(hier, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode) && st.st_uid != root.st_uid)
				u = (long)st.st_uid;
		}
		if (u >= 0) {
			*uid = u;
			return slash < end ? (size_t)(slash + 1 - p) : n;
		}
	}
	return n;
}

/*
 * The holder of one cgroup path (n bytes, no newline).  A name a user
 * could choose (a delegated subtree) is never taken for a runtime's:
 * "user:UID:" goes before whatever it looks like.
 */
static void
container_of_path(const char *p, size_t n, int hier, char *out, size_t len)
{
	char inner[96];
	size_t at;
	long uid = -1;

	at = delegated_at(p, n, hier, &uid);
	if (uid < 0) {
		holder_of(p, p + n, out, len);
		return;
	}
	holder_of(p + at, p + n, inner, sizeof(inner));
	snprintf(
	    out, len, "user:%ld%s%s", uid, inner[0] != '\0' ? ":" : "", inner);
}

void
netns_container(const char *cgroup, size_t n, char *out, size_t len)
{
	netns_container_at(-1, cgroup, n, out, len);
}

/* The hierarchy under root (-1: none) a cgroup line's path is in. */
static int
open_hierarchy(int root, bool v2)
{
	int fd;

	if (root < 0)
		return -1;
	if (!v2)
		return openat(root, "systemd",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	/* Unified (v2 alone), or v2 beside v1 ("hybrid"). */
	if (faccessat(root, "cgroup.controllers", F_OK, 0) == 0)
		return dup(root);
	fd = openat(
	    root, "unified", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	return fd;
}

void
netns_container_at(
    int cgroot, const char *cgroup, size_t n, char *out, size_t len)
{
	const char *line = cgroup, *end = cgroup + n, *nl, *path, *best = NULL;
	size_t best_len = 0;
	bool v2 = false, sysd = false;
	int hier;

	out[0] = '\0';
	/* "HIERARCHY:CONTROLLERS:PATH" lines; cgroup v2's "0::PATH" is the
	 * one to read, else v1's name=systemd one, else the first. */
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL)
			nl = end;
		path = memchr(line, ':', (size_t)(nl - line));
		if (path != NULL)
			path = memchr(path + 1, ':', (size_t)(nl - path - 1));
		if (path == NULL)
			continue;
		path++;
		if (best == NULL || starts(line, (size_t)(nl - line), "0::") ||
		    memmem(line, (size_t)(path - line), "name=systemd", 12) !=
			NULL) {
			sysd = false;
			best = path;
			best_len = (size_t)(nl - path);
			v2 = starts(line, (size_t)(nl - line), "0::");
			sysd = !v2;
			if (v2)
				break;
		}
	}
	if (best == NULL)
		return;
	hier = v2 || sysd ? open_hierarchy(cgroot, v2) : -1;
	container_of_path(best, best_len, hier, out, len);
	if (hier >= 0)
		close(hier);
}

struct call {
	int nsfd;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void *
call_thread(void *data)
{
	struct call *c = data;

	if (setns(c->nsfd, CLONE_NEWNET) < 0)
		c->ret = -errno;
	else
		c->ret = c->fn(c->arg);
	return NULL;
}

int
netns_call(int nsfd, int (*fn)(void *arg), void *arg)
{
	struct call c = { .nsfd = nsfd, .fn = fn, .arg = arg, .ret = 0 };
	pthread_t t;
	int ret;

	ret = pthread_create(&t, NULL, call_thread, &c);
	if (ret != 0)
		return -ret;
	ret = pthread_join(t, NULL);
	if (ret != 0)
		return -ret;
	return c.ret;
}
