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

/* Adds the namespace of every process under proc_root to seen. */
static int
scan_procs(
    const char *proc_root, struct growing *seen, unsigned int *unreadable)
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
			/* A process that exited holds nothing any more. */
			if (errno != ENOENT && errno != ESRCH)
				(*unreadable)++;
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

/* Named ones first, by name; then by pid. */
static int
entry_cmp(const void *a, const void *b)
{
	const struct netns_entry *x = a, *y = b;

	if ((x->pid == 0) != (y->pid == 0))
		return x->pid == 0 ? -1 : 1;
	if (x->pid == 0)
		return strcmp(x->label, y->label);
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

int
netns_list_init(
    struct netns_list *l, const char *named_dir, const char *proc_root)
{
	struct growing names = { .size = sizeof(struct netns_entry) };
	struct growing seen = { .size = sizeof(struct seen) };
	struct netns_entry *out;
	const struct seen *s;
	size_t i, n = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = scan_named(named_dir, &names, &seen);
	if (ret == 0)
		ret = scan_procs(proc_root, &seen, &l->unreadable);
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
			continue;
		}
		if (s->pid == 0) {
			out[n] = ((const struct netns_entry *)names.v)[s->name];
		} else {
			out[n].dev = s->dev;
			out[n].ino = s->ino;
			out[n].pid = s->pid;
			snprintf(out[n].label, sizeof(out[n].label), "pid:%d",
			    s->pid);
		}
		n++;
	}
	if (n > 1)
		qsort(out, n, sizeof(*out), entry_cmp);
	l->v = out;
	l->n = n;
free_all:
	free(names.v);
	free(seen.v);
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

int
netns_open(const char *arg, const char *named_dir)
{
	char path[PATH_MAX];
	int fd;

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
