/*
 * walkfloor.c - the /proc-walk floor of the benchmark (make bench, -p)
 *
 *     walkfloor [-t THREADS] [-s lpt|queue|split] [ROOT]
 *
 * Reads every ROOT/PID/fd link once (ROOT defaults to /proc) and counts
 * the ones that name a socket: what dualstat -p cannot do without, with
 * no hash, no owner kept and nothing printed.  Prints one line,
 * "PROCESSES LINKS SOCKETS".
 *
 * THREADS defaults to the CPUs this process may run on.  How the work is
 * shared out (-s):
 *   lpt    whole directories, the largest first (the size of a
 *          /proc/PID/fd directory is its number of descriptors since
 *          Linux 6.2, fs/proc/fd.c, proc_fd_getattr()), each taken by the
 *          next free thread; the default, and what dualstat does
 *   queue  whole directories in pid order, each to the next free thread
 *   split  every thread reads every directory and the links of the
 *          descriptors numbered k modulo THREADS (two threads in one
 *          directory at once)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DENTS_SIZE (64 * 1024)
#define THREADS_MAX 64

enum share { SHARE_LPT, SHARE_QUEUE, SHARE_SPLIT };

struct proc {
	int pid;
	long fds; /* from stat(), for lpt */
};

static struct proc *procs;
static size_t nprocs;
static int rootfd;
static enum share share;
static unsigned int nthreads;
static size_t next_proc; /* lpt, queue: the next directory to take */

struct walker {
	unsigned int k;
	unsigned long links, sockets;
};

static long
number(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' ? v : -1;
}

/* Reads the links of one fd directory, those numbered k mod n. */
static void
walk_dir(struct walker *w, int pid, unsigned int k, unsigned int n)
{
	char path[32], link[64], buf[DENTS_SIZE] __attribute__((aligned(8)));
	ssize_t len, off, l;
	int dfd;

	snprintf(path, sizeof(path), "%d/fd", pid);
	dfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	while ((len = getdents64(dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < len;) {
			struct dirent64 *d = (void *)(buf + off);
			long fd = number(d->d_name);

			off += d->d_reclen;
			if (fd < 0 || (unsigned long)fd % n != k)
				continue;
			l = readlinkat(dfd, d->d_name, link, sizeof(link));
			w->links++;
			if (l > 8 && memcmp(link, "socket:[", 8) == 0)
				w->sockets++;
		}
	}
	close(dfd);
}

static void *
walker_thread(void *arg)
{
	struct walker *w = arg;
	size_t i;

	if (share == SHARE_SPLIT) {
		for (i = 0; i < nprocs; i++)
			walk_dir(w, procs[i].pid, w->k, nthreads);
		return NULL;
	}
	while (
	    (i = __atomic_fetch_add(&next_proc, 1, __ATOMIC_RELAXED)) < nprocs)
		walk_dir(w, procs[i].pid, 0, 1);
	return NULL;
}

static int
larger_first(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return x->fds > y->fds ? -1 : x->fds < y->fds;
}

static void
list_procs(void)
{
	char buf[DENTS_SIZE] __attribute__((aligned(8))), path[32];
	size_t cap = 0;
	ssize_t len, off;
	struct stat st;

	while ((len = getdents64(rootfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < len;) {
			struct dirent64 *d = (void *)(buf + off);
			long pid = number(d->d_name);

			off += d->d_reclen;
			if (pid <= 0 || pid > INT_MAX)
				continue;
			if (nprocs == cap) {
				cap = cap == 0 ? 1024 : cap * 2;
				procs = realloc(procs, cap * sizeof(*procs));
				if (procs == NULL)
					err(2, "realloc");
			}
			procs[nprocs].pid = (int)pid;
			procs[nprocs].fds = 0;
			nprocs++;
		}
	}
	if (len < 0)
		err(2, "getdents64");
	if (share != SHARE_LPT)
		return;
	for (size_t i = 0; i < nprocs; i++) {
		snprintf(path, sizeof(path), "%d/fd", procs[i].pid);
		if (fstatat(rootfd, path, &st, 0) == 0)
			procs[i].fds = (long)st.st_size;
	}
	qsort(procs, nprocs, sizeof(*procs), larger_first);
}

int
main(int argc, char *argv[])
{
	struct walker w[THREADS_MAX];
	pthread_t tid[THREADS_MAX];
	unsigned long links = 0, sockets = 0;
	const char *root = "/proc";
	cpu_set_t cpus;
	unsigned int k;
	int opt, ret;

	while ((opt = getopt(argc, argv, "t:s:")) != -1) {
		switch (opt) {
		case 't':
			nthreads = (unsigned int)atoi(optarg);
			if (nthreads < 1 || nthreads > THREADS_MAX)
				errx(2, "-t: 1 to %d threads", THREADS_MAX);
			break;
		case 's':
			if (strcmp(optarg, "lpt") == 0)
				share = SHARE_LPT;
			else if (strcmp(optarg, "queue") == 0)
				share = SHARE_QUEUE;
			else if (strcmp(optarg, "split") == 0)
				share = SHARE_SPLIT;
			else
				errx(2, "-s: lpt, queue or split");
			break;
		default:
			fprintf(stderr,
			    "usage: walkfloor [-t THREADS] "
			    "[-s lpt|queue|split] [ROOT]\n");
			return 2;
		}
	}
	if (optind < argc)
		root = argv[optind];
	if (nthreads == 0) {
		nthreads = 1;
		if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0)
			nthreads = (unsigned int)CPU_COUNT(&cpus);
		if (nthreads > THREADS_MAX)
			nthreads = THREADS_MAX;
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		err(2, "%s", root);
	list_procs();
	for (k = 0; k < nthreads; k++) {
		memset(&w[k], 0, sizeof(w[k]));
		w[k].k = k;
	}
	for (k = 1; k < nthreads; k++) {
		ret = pthread_create(&tid[k], NULL, walker_thread, &w[k]);
		if (ret != 0) {
			errno = ret;
			err(2, "pthread_create");
		}
	}
	walker_thread(&w[0]);
	for (k = 1; k < nthreads; k++)
		pthread_join(tid[k], NULL);
	for (k = 0; k < nthreads; k++) {
		links += w[k].links;
		sockets += w[k].sockets;
	}
	printf("%zu %lu %lu\n", nprocs, links, sockets);
	return 0;
}
