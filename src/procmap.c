/*
 * procmap.c - which processes hold each socket (-p/--processes)
 *
 * The wanted inodes live in one open-addressing hash (12 bytes a slot, at
 * most half full), so the scan costs one probe per descriptor link it
 * reads, whatever the number of sockets: the work grows with the
 * descriptors on the host, not with descriptors times sockets.  Owners are
 * appended to one array and chained from their inode's slot; process names
 * are kept once per owning process.  Both arrays grow by doubling: no
 * allocation per socket.
 *
 * The scan reads each /proc/PID/fd directory with getdents64() into a
 * 64 KiB buffer and each link with readlinkat() relative to that
 * directory, so a descriptor costs one system call and no path walk from
 * the root.  That call is nearly all the cost of -p, so the directories
 * are shared out among one thread per CPU.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu.h"
#include "num.h"
#include "procmap.h"

#define NONE UINT32_MAX
#define MIN_SLOTS 1024U
#define COMM_MAX 64
#define DENTS_SIZE (64 * 1024)
#define SCAN_THREADS_MAX 8
/* include/linux/sched.h: the task is a kernel thread. */
#define PROCMAP_PF_KTHREAD 0x00200000UL
/*
 * Owners a scan thread may hold before the wanted set is complete (16
 * bytes each), or as many as there are wanted inodes so far if that is
 * more: then it waits.  So a scan started beside the dumps holds owners
 * of sockets that may not be listed in proportion to what the listing
 * holds, never to the sockets of other namespaces, and the walk is not
 * held back while a large listing's dumps run.
 */
#define PENDING_MAX 16384U

struct slot {
	uint32_t inode; /* 0: empty */
	uint32_t head, tail; /* owner chain, NONE when empty */
};

struct owner {
	uint32_t proc; /* index in procs */
	int32_t fd;
	uint32_t next;
};

struct proc {
	int32_t pid;
	uint8_t comm_len;
	char comm[COMM_MAX];
};

struct procmap {
	struct slot *slots;
	uint32_t nslots; /* a power of two */
	uint32_t count; /* wanted inodes */
	struct owner *owners;
	uint32_t nowners, owners_cap;
	struct proc *procs;
	uint32_t nprocs, procs_cap;
	unsigned int threads; /* 0: one per CPU */
	bool all; /* procmap_want_all(): every socket inode is wanted */
	struct scan *scan; /* procmap_scan_start()'s, until the finish */
	uint32_t pending_max; /* hits a thread holds before the wants */
};

struct procmap *
procmap_new(void)
{
	struct procmap *m;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->slots = calloc(MIN_SLOTS, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->nslots = MIN_SLOTS;
	m->pending_max = PENDING_MAX;
	return m;
}

void
procmap_free(struct procmap *m)
{
	struct procmap_stats st;

	if (m == NULL)
		return;
	if (m->scan != NULL)
		procmap_scan_finish(m, &st);
	free(m->slots);
	free(m->owners);
	free(m->procs);
	free(m);
}

/* Fibonacci hashing: socket inodes are sequential, so spread them. */
static uint32_t
slot_index(uint32_t inode, uint32_t nslots)
{
	return (inode * 2654435761U) & (nslots - 1);
}

static struct slot *
slot_find(const struct procmap *m, uint32_t inode)
{
	uint32_t i = slot_index(inode, m->nslots);

	while (m->slots[i].inode != 0) {
		if (m->slots[i].inode == inode)
			return &m->slots[i];
		i = (i + 1) & (m->nslots - 1);
	}
	return NULL;
}

static void
slot_put(struct slot *slots, uint32_t nslots, const struct slot *s)
{
	uint32_t i = slot_index(s->inode, nslots);

	while (slots[i].inode != 0)
		i = (i + 1) & (nslots - 1);
	slots[i] = *s;
}

static int
grow_slots(struct procmap *m)
{
	uint32_t n = m->nslots * 2, i;
	struct slot *s;

	if (n == 0)
		return -ENOMEM;
	s = calloc(n, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].inode != 0)
			slot_put(s, n, &m->slots[i]);
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	return 0;
}

int
procmap_want(struct procmap *m, uint32_t inode)
{
	struct slot s = { .inode = inode, .head = NONE, .tail = NONE };
	int ret;

	if (inode == 0 || slot_find(m, inode) != NULL)
		return 0;
	if ((m->count + 1) * 2 > m->nslots) {
		ret = grow_slots(m);
		if (ret < 0)
			return ret;
	}
	slot_put(m->slots, m->nslots, &s);
	/* Read by scan threads, for their bound, while the set grows. */
	__atomic_store_n(&m->count, m->count + 1, __ATOMIC_RELAXED);
	return 0;
}

void
procmap_want_all(struct procmap *m)
{
	m->all = true;
}

size_t
procmap_count(const struct procmap *m)
{
	return m->count;
}

/* Makes room for one more element in *arr (of *cap, size bytes each). */
static int
reserve(void **arr, uint32_t n, uint32_t *cap, size_t size)
{
	uint32_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap == 0 ? 64 : *cap * 2;
	if (c <= *cap || (size_t)c > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*arr, (size_t)c * size);
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

static int
proc_new(struct procmap *m, int pid, const char *comm, size_t comm_len,
    uint32_t *index)
{
	struct proc *p;
	int ret;

	ret = reserve(
	    (void **)&m->procs, m->nprocs, &m->procs_cap, sizeof(*m->procs));
	if (ret < 0)
		return ret;
	p = &m->procs[m->nprocs];
	p->pid = pid;
	p->comm_len = (uint8_t)(comm_len < COMM_MAX ? comm_len : COMM_MAX);
	memcpy(p->comm, comm, p->comm_len);
	*index = m->nprocs++;
	return 0;
}

static int
owner_add(struct procmap *m, struct slot *s, uint32_t proc, int fd)
{
	struct owner *o;
	int ret;

	ret = reserve((void **)&m->owners, m->nowners, &m->owners_cap,
	    sizeof(*m->owners));
	if (ret < 0)
		return ret;
	o = &m->owners[m->nowners];
	o->proc = proc;
	o->fd = fd;
	o->next = NONE;
	if (s->tail == NONE)
		s->head = m->nowners;
	else
		m->owners[s->tail].next = m->nowners;
	s->tail = m->nowners++;
	return 0;
}

int
procmap_add(struct procmap *m, uint32_t inode, int pid, int fd,
    const char *comm, size_t comm_len)
{
	struct slot *s = inode != 0 ? slot_find(m, inode) : NULL;
	uint32_t proc;
	int ret;

	if (s == NULL)
		return -ENOENT;
	/* The scan adds a process's owners together: reuse its entry. */
	if (m->nprocs > 0 && m->procs[m->nprocs - 1].pid == pid) {
		proc = m->nprocs - 1;
	} else {
		ret = proc_new(m, pid, comm, comm_len, &proc);
		if (ret < 0)
			return ret;
	}
	return owner_add(m, s, proc, fd);
}

void
procmap_lookup(const struct procmap *m, uint32_t inode, struct procmap_iter *it)
{
	const struct slot *s = inode != 0 ? slot_find(m, inode) : NULL;

	it->m = m;
	it->next = s != NULL ? s->head : NONE;
}

bool
procmap_next(struct procmap_iter *it, struct procmap_owner *o)
{
	const struct owner *ow;
	const struct proc *p;

	if (it->next == NONE)
		return false;
	ow = &it->m->owners[it->next];
	p = &it->m->procs[ow->proc];
	o->pid = p->pid;
	o->fd = ow->fd;
	o->comm = p->comm;
	o->comm_len = p->comm_len;
	it->next = ow->next;
	return true;
}

/* Returns the value of an all-digit /proc name up to INT_MAX, or -1. */
static long
name_number(const char *name)
{
	unsigned long v;

	return num_parse_ulong(name, INT_MAX, &v) == 0 ? (long)v : -1;
}

/*
 * Returns the inode of a "socket:[INODE]" link text (fs/proc/fd.c shows the
 * socket's d_dname, net/socket.c sockfs_dname()), or 0 for anything else.
 */
static uint32_t
socket_inode(const char *link, size_t len)
{
	static const char prefix[] = "socket:[";
	uint64_t v = 0;
	size_t i;

	if (len < sizeof(prefix) + 1 || link[len - 1] != ']' ||
	    memcmp(link, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	for (i = sizeof(prefix) - 1; i < len - 1; i++) {
		if (link[i] < '0' || link[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(link[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

static void
count_error(struct procmap_stats *st, int error)
{
	if (error == ENOENT || error == ESRCH)
		st->vanished++;
	else if (error == EACCES || error == EPERM)
		st->denied++;
	else if (st->failed++ == 0)
		st->first_error = -error;
}

/*
 * Whether PID is a kernel thread: PF_KTHREAD in the flags, the ninth
 * field of root/PID/stat, which anyone may read (fs/proc/array.c,
 * do_task_stat()); the name before it is in parentheses and may hold
 * any byte, so the fields are counted from the last ')'.
 */
static bool
is_kthread(int rootfd, int pid)
{
	char path[32], buf[512], *p;
	unsigned long flags;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "%d/stat", pid);
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	/* ") S PPID PGRP SESSION TTY TPGID FLAGS": FLAGS is field 9. */
	for (field = 2; p != NULL && field < 9; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL)
		return false;
	errno = 0;
	flags = strtoul(p + 1, NULL, 10);
	return errno == 0 && (flags & PROCMAP_PF_KTHREAD) != 0;
}

/* Reads root/PID/comm: the name, then one newline (fs/proc/base.c). */
static size_t
read_comm(int rootfd, int pid, char comm[COMM_MAX])
{
	char path[32], buf[COMM_MAX + 1];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%d/comm", pid);
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return 0;
	if (buf[n - 1] == '\n')
		n--;
	if (n > COMM_MAX)
		n = COMM_MAX;
	memcpy(comm, buf, (size_t)n);
	return (size_t)n;
}

size_t
procmap_read_comm(const char *root, int pid, char comm[65])
{
	int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	size_t n = 0;

	if (rootfd >= 0) {
		n = read_comm(rootfd, pid, comm);
		close(rootfd);
	}
	comm[n] = '\0';
	return n;
}

/* An owner found by a scan thread, merged into the map after the scan. */
struct hit {
	uint32_t inode;
	int32_t pid, fd;
	uint32_t comm; /* index in the thread's comms */
};

struct comm {
	uint8_t len;
	char text[COMM_MAX];
};

/*
 * One scan thread.  The threads take whole fd directories, the next in pid
 * order whenever one is done, so no two threads ever read one directory:
 * a readlinkat() in /proc/PID/fd cannot look up its name under RCU
 * (fs/proc/fd.c, tid_fd_revalidate() refuses LOOKUP_RCU), so two threads
 * in one directory contend on its dentry.  Measured at 200k sockets
 * (tests/bench, walkfloor): sharing each directory's descriptors modulo
 * two threads took 363 ms, whole directories 216 ms, one thread 412 ms.
 * The hash is only read while they run.
 */
struct scanner {
	const struct procmap *m;
	struct scan *scan; /* what the threads share */
	int rootfd;
	const int32_t *pids;
	uint32_t npids;
	uint32_t *next; /* shared: the next index in pids to take */
	char *buf; /* DENTS_SIZE bytes */
	struct hit *hits;
	uint32_t nhits, hits_cap;
	struct comm *comms;
	uint32_t ncomms, comms_cap;
	bool filtered; /* hits are tested against the complete wanted set */
	int *errs; /* per pid: 0, or the errno that stopped its scan */
	unsigned long fds;
	int ret; /* 0 or -ENOMEM */
};

/*
 * A scan under way: its threads, and whether the wanted set is complete.
 * Until it is, the threads do not read the hash (procmap_want() may be
 * growing it): they keep every socket they meet, at most pending_max
 * each or the number wanted so far, then wait.  Once it is, each drops what is not wanted and tests
 * every further link against the hash, which is only read from then on.
 */
struct scan {
	int rootfd;
	int32_t *pids;
	uint32_t npids;
	uint32_t next; /* the next index in pids to take */
	unsigned int n; /* threads */
	struct scanner sc[SCAN_THREADS_MAX];
	pthread_t tid[SCAN_THREADS_MAX];
	bool started[SCAN_THREADS_MAX];
	pthread_mutex_t lock;
	pthread_cond_t complete; /* wanted became true */
	bool wanted; /* the wanted set is complete */
	bool skip; /* ... and empty: nothing to read */
	int ret; /* procmap_scan_start()'s error, kept for the finish */
};

/* Whether the wanted set is complete (acquire: the hash is then set). */
static bool
scan_wanted(const struct scan *scan)
{
	return __atomic_load_n(&scan->wanted, __ATOMIC_ACQUIRE);
}

/* Keeps, of the hits held before the wanted set was complete, the wanted
 * ones. */
static void
drop_unwanted(struct scanner *sc)
{
	uint32_t i, n = 0;

	if (sc->m->all)
		return;
	for (i = 0; i < sc->nhits; i++)
		if (slot_find(sc->m, sc->hits[i].inode) != NULL)
			sc->hits[n++] = sc->hits[i];
	sc->nhits = n;
}

/* Waits until the wanted set is complete; then drops what is not in it. */
static void
wait_wanted(struct scanner *sc)
{
	pthread_mutex_lock(&sc->scan->lock);
	while (!sc->scan->wanted)
		pthread_cond_wait(&sc->scan->complete, &sc->scan->lock);
	pthread_mutex_unlock(&sc->scan->lock);
	drop_unwanted(sc);
}

static int
hit_add(struct scanner *sc, uint32_t inode, int pid, int fd, uint32_t *comm)
{
	struct hit *h;
	int ret;

	if (sc->scan != NULL && !sc->filtered &&
	    sc->nhits >= sc->m->pending_max &&
	    sc->nhits >= __atomic_load_n(&sc->m->count, __ATOMIC_RELAXED)) {
		wait_wanted(sc);
		sc->filtered = true;
		if (!sc->m->all && slot_find(sc->m, inode) == NULL)
			return 0;
	}

	if (*comm == NONE) {
		ret = reserve((void **)&sc->comms, sc->ncomms, &sc->comms_cap,
		    sizeof(*sc->comms));
		if (ret < 0)
			return ret;
		sc->comms[sc->ncomms].len = (uint8_t)read_comm(
		    sc->rootfd, pid, sc->comms[sc->ncomms].text);
		*comm = sc->ncomms++;
	}
	ret = reserve(
	    (void **)&sc->hits, sc->nhits, &sc->hits_cap, sizeof(*sc->hits));
	if (ret < 0)
		return ret;
	h = &sc->hits[sc->nhits++];
	h->inode = inode;
	h->pid = pid;
	h->fd = fd;
	h->comm = *comm;
	return 0;
}

/*
 * Reads the descriptors of pids[i].  Returns 0 (an unreadable process goes
 * into errs[i]) or -ENOMEM.
 */
static int
scan_process(struct scanner *sc, uint32_t i)
{
	char path[32], link[32];
	uint32_t comm = NONE;
	int pid = sc->pids[i];
	ssize_t n, off;
	int dfd, ret = 0;

	snprintf(path, sizeof(path), "%d/fd", pid);
	dfd = openat(sc->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		sc->errs[i] = errno;
		return 0;
	}
	for (;;) {
		n = getdents64(dfd, sc->buf, DENTS_SIZE);
		if (n < 0)
			sc->errs[i] = errno;
		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct dirent64 *d = (void *)(sc->buf + off);
			ssize_t len;
			uint32_t inode;
			long fd;

			off += d->d_reclen;
			fd = name_number(d->d_name);
			if (fd < 0)
				continue;
			/*
			 * readlinkat(), not a stat() through the link: that
			 * would reach the file itself, and can hang on a
			 * dead network file system.
			 */
			len = readlinkat(dfd, d->d_name, link, sizeof(link));
			sc->fds++;
			/*
			 * A descriptor closed since the listing is gone
			 * (ENOENT); a refusal (EACCES: ptrace access, as
			 * proc_fd_access_allowed() checks) holds for the
			 * whole process.
			 */
			if (len < 0 && errno != ENOENT) {
				sc->errs[i] = errno;
				goto close_dir;
			}
			/* A link as long as the buffer may be cut short. */
			if (len <= 0 || (size_t)len >= sizeof(link))
				continue;
			inode = socket_inode(link, (size_t)len);
			if (inode == 0)
				continue;
			if (!sc->filtered && scan_wanted(sc->scan)) {
				drop_unwanted(sc);
				sc->filtered = true;
			}
			if (sc->filtered && !sc->m->all &&
			    slot_find(sc->m, inode) == NULL)
				continue;
			ret = hit_add(sc, inode, pid, (int)fd, &comm);
			if (ret < 0)
				goto close_dir;
		}
		/*
		 * Only 0 is the end.  getdents64() also returns short when a
		 * signal is pending (fs/readdir.c, filldir64() stops with
		 * -EINTR once it has filled a record), so a short read is
		 * no sign that the directory is done.
		 */
	}
close_dir:
	close(dfd);
	return ret;
}

static void *
scan_thread(void *data)
{
	struct scanner *sc = data;
	uint32_t i;

	while (sc->ret == 0 &&
	    (i = __atomic_fetch_add(sc->next, 1, __ATOMIC_RELAXED)) <
		sc->npids) {
		/* Nothing wanted after all: the rest is not read. */
		if (scan_wanted(sc->scan) && sc->scan->skip)
			break;
		sc->ret = scan_process(sc, i);
	}
	/* The hits are merged once the wanted set is complete. */
	if (!sc->filtered) {
		wait_wanted(sc);
		sc->filtered = true;
	}
	return NULL;
}

/* Lists the numeric entries of the proc root into *pids (malloc'd). */
static int
list_pids(int rootfd, int32_t **pids, uint32_t *npids)
{
	uint32_t n = 0, cap = 0;
	int32_t *v = NULL;
	char *buf;
	ssize_t len, off;
	int ret = 0;

	buf = malloc(DENTS_SIZE);
	if (buf == NULL)
		return -ENOMEM;
	while (ret == 0 && (len = getdents64(rootfd, buf, DENTS_SIZE)) > 0) {
		for (off = 0; off < len && ret == 0;) {
			const struct dirent64 *d = (void *)(buf + off);
			long pid = name_number(d->d_name);

			off += d->d_reclen;
			if (pid <= 0)
				continue;
			ret = reserve((void **)&v, n, &cap, sizeof(*v));
			if (ret == 0)
				v[n++] = (int32_t)pid;
		}
	}
	if (ret == 0 && len < 0)
		ret = -errno;
	free(buf);
	if (ret < 0) {
		free(v);
		return ret;
	}
	*pids = v;
	*npids = n;
	return 0;
}

/* Before: by pid, then by descriptor, the order each thread found them. */
static bool
hit_before(const struct hit *a, const struct hit *b)
{
	return a->pid < b->pid || (a->pid == b->pid && a->fd < b->fd);
}

static int
hit_cmp(const void *a, const void *b)
{
	return hit_before(a, b) ? -1 : hit_before(b, a) ? 1 : 0;
}

static int
pid_cmp(const void *a, const void *b)
{
	const int32_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/*
 * Adds every thread's owners to the map, in pid then fd order.  proc
 * lists both in that order already (fs/proc/base.c, proc_pid_readdir();
 * fs/proc/fd.c), other trees may not: sort what is not sorted.
 */
static int
merge(struct procmap *m, struct scanner *sc, unsigned int n)
{
	uint32_t next[SCAN_THREADS_MAX] = { 0 };
	unsigned int k, best;
	uint32_t i;
	int ret;

	for (k = 0; k < n; k++)
		for (i = 1; i < sc[k].nhits; i++)
			if (hit_before(&sc[k].hits[i], &sc[k].hits[i - 1])) {
				qsort(sc[k].hits, sc[k].nhits,
				    sizeof(*sc[k].hits), hit_cmp);
				break;
			}

	for (;;) {
		const struct hit *h = NULL;
		const struct comm *c;

		best = n;
		for (k = 0; k < n; k++) {
			if (next[k] == sc[k].nhits)
				continue;
			if (h == NULL || hit_before(&sc[k].hits[next[k]], h)) {
				h = &sc[k].hits[next[k]];
				best = k;
			}
		}
		if (h == NULL)
			return 0;
		c = &sc[best].comms[h->comm];
		ret = m->all ? procmap_want(m, h->inode) : 0;
		if (ret == 0)
			ret = procmap_add(
			    m, h->inode, h->pid, h->fd, c->text, c->len);
		if (ret < 0)
			return ret;
		next[best]++;
	}
}

/* Threads: one per CPU we may run on, at most SCAN_THREADS_MAX. */
static unsigned int
scan_threads(const struct procmap *m)
{
	unsigned int cpus;

	if (m->threads > 0)
		return m->threads;
	cpus = cpu_count();
	return cpus > SCAN_THREADS_MAX ? SCAN_THREADS_MAX : cpus;
}

void
procmap_set_pending(struct procmap *m, uint32_t n)
{
	m->pending_max = n;
}

void
procmap_set_threads(struct procmap *m, unsigned int n)
{
	m->threads = n > SCAN_THREADS_MAX ? SCAN_THREADS_MAX : n;
}

/* Starts the scan threads; wanted: the wanted set is complete already. */
static int
scan_begin(struct procmap *m, const char *root, bool wanted)
{
	struct scan *scan;
	unsigned int k;
	int ret;

	if (m->scan != NULL)
		return -EBUSY;
	scan = calloc(1, sizeof(*scan));
	if (scan == NULL)
		return -ENOMEM;
	pthread_mutex_init(&scan->lock, NULL);
	pthread_cond_init(&scan->complete, NULL);
	scan->wanted = wanted;
	m->scan = scan;
	scan->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scan->rootfd < 0) {
		scan->ret = -errno;
		return 0;
	}
	ret = list_pids(scan->rootfd, &scan->pids, &scan->npids);
	if (ret < 0)
		goto fail;
	/* qsort() of a NULL array is undefined, even of 0 elements. */
	if (scan->npids > 1)
		qsort(scan->pids, scan->npids, sizeof(*scan->pids), pid_cmp);
	scan->n = scan_threads(m);
	for (k = 0; k < scan->n; k++) {
		struct scanner *sc = &scan->sc[k];

		sc->m = m;
		sc->scan = scan;
		sc->rootfd = scan->rootfd;
		sc->pids = scan->pids;
		sc->npids = scan->npids;
		sc->next = &scan->next;
		sc->buf = malloc(DENTS_SIZE);
		sc->errs =
		    calloc(scan->npids > 0 ? scan->npids : 1, sizeof(int));
		if (sc->buf == NULL || sc->errs == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	/* A share whose thread cannot start is done at the finish. */
	for (k = 0; k < scan->n; k++)
		scan->started[k] = pthread_create(&scan->tid[k], NULL,
				       scan_thread, &scan->sc[k]) == 0;
	return 0;
fail:
	scan->ret = ret;
	scan->n = 0;
	return 0;
}

int
procmap_scan_start(struct procmap *m, const char *root)
{
	return scan_begin(m, root, false);
}

void
procmap_want_done(struct procmap *m)
{
	struct scan *scan = m->scan;

	if (scan == NULL)
		return;
	pthread_mutex_lock(&scan->lock);
	/* Once only: the threads read skip as soon as wanted is set. */
	if (!scan->wanted) {
		scan->skip = m->count == 0 && !m->all;
		/* Release: what procmap_want() wrote is seen by whoever
		 * sees this. */
		__atomic_store_n(&scan->wanted, true, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&scan->complete);
	}
	pthread_mutex_unlock(&scan->lock);
}

int
procmap_scan_finish(struct procmap *m, struct procmap_stats *st)
{
	struct scan *scan = m->scan;
	struct scanner *sc;
	unsigned int n, k;
	uint32_t i;
	int ret;

	memset(st, 0, sizeof(*st));
	if (scan == NULL)
		return 0;
	procmap_want_done(m);
	sc = scan->sc;
	n = scan->n;
	for (k = 0; k < n; k++) {
		if (scan->started[k])
			pthread_join(scan->tid[k], NULL);
		else
			scan_thread(&sc[k]);
	}
	ret = scan->ret;
	/* Nothing to own: as if nothing had been read. */
	if (scan->skip) {
		ret = 0;
		goto free_scan;
	}
	for (k = 0; k < n; k++)
		if (sc[k].ret < 0)
			ret = sc[k].ret;
	if (ret == 0)
		ret = merge(m, sc, n);
	if (ret < 0)
		goto free_scan;
	/* A process is unreadable if any thread found it so. */
	for (i = 0; i < scan->npids; i++) {
		int error = 0;

		for (k = 0; k < n && error == 0; k++)
			error = sc[k].errs[i];
		/* A kernel thread holds no descriptors to miss. */
		if ((error == EACCES || error == EPERM) &&
		    is_kthread(scan->rootfd, scan->pids[i]))
			error = 0;
		if (error != 0 && error != ENOENT && error != ESRCH &&
		    st->nnamed < PROCMAP_NAMED) {
			size_t len = read_comm(scan->rootfd, scan->pids[i],
			    st->named[st->nnamed].comm);

			st->named[st->nnamed].comm[len] = '\0';
			st->named[st->nnamed++].pid = scan->pids[i];
		}
		if (error != 0)
			count_error(st, error);
		else
			st->procs++;
	}
	for (k = 0; k < n; k++)
		st->fds += sc[k].fds;
free_scan:
	for (k = 0; k < SCAN_THREADS_MAX; k++) {
		free(sc[k].buf);
		free(sc[k].errs);
		free(sc[k].hits);
		free(sc[k].comms);
	}
	free(scan->pids);
	if (scan->rootfd >= 0)
		close(scan->rootfd);
	pthread_cond_destroy(&scan->complete);
	pthread_mutex_destroy(&scan->lock);
	free(scan);
	m->scan = NULL;
	return ret;
}

int
procmap_scan(struct procmap *m, const char *root, struct procmap_stats *st)
{
	int ret;

	memset(st, 0, sizeof(*st));
	/* Nothing to own: skip the most expensive part of the run. */
	if (m->count == 0 && !m->all)
		return 0;
	ret = scan_begin(m, root, true);
	if (ret < 0)
		return ret;
	return procmap_scan_finish(m, st);
}
