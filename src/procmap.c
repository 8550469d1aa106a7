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
 * the root.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procmap.h"

#define NONE UINT32_MAX
#define MIN_SLOTS 1024U
#define COMM_MAX 64
#define DENTS_SIZE (64 * 1024)
/* The longest record getdents64() can write: a 255-byte name, aligned. */
#define DIRENT_MAX \
	((offsetof(struct dirent64, d_name) + NAME_MAX + 1 + 7) & ~(size_t)7)

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
	return m;
}

void
procmap_free(struct procmap *m)
{
	if (m == NULL)
		return;
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
	m->count++;
	return 0;
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

/* Returns the decimal value of an all-digit name, or -1. */
static long
parse_number(const char *s, long max)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return v;
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

/*
 * Records the wanted sockets among the descriptors of one process.
 * Returns 0 (an unreadable process is counted, not an error) or -ENOMEM.
 */
static int
scan_process(
    struct procmap *m, int rootfd, int pid, char *buf, struct procmap_stats *st)
{
	char path[32], link[32], comm[COMM_MAX];
	uint32_t proc = NONE;
	ssize_t n, off;
	int dfd, ret = 0;

	snprintf(path, sizeof(path), "%d/fd", pid);
	dfd = openat(rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		count_error(st, errno);
		return 0;
	}
	st->procs++;
	for (;;) {
		n = getdents64(dfd, buf, DENTS_SIZE);
		if (n < 0)
			count_error(st, errno);
		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct dirent64 *d = (void *)(buf + off);
			struct slot *s;
			ssize_t len;
			uint32_t inode;
			long fd;

			off += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			len = readlinkat(dfd, d->d_name, link, sizeof(link));
			st->fds++;
			/*
			 * A descriptor closed since the listing is gone
			 * (ENOENT); a refusal (EACCES: ptrace access, as
			 * proc_fd_access_allowed() checks) holds for the
			 * whole process.
			 */
			if (len < 0 && errno != ENOENT) {
				count_error(st, errno);
				goto close_dir;
			}
			/* A link as long as the buffer may be cut short. */
			if (len <= 0 || (size_t)len >= sizeof(link))
				continue;
			inode = socket_inode(link, (size_t)len);
			if (inode == 0 || (s = slot_find(m, inode)) == NULL)
				continue;
			fd = parse_number(d->d_name, INT_MAX);
			if (fd < 0)
				continue;
			if (proc == NONE) {
				size_t clen = read_comm(rootfd, pid, comm);

				ret = proc_new(m, pid, comm, clen, &proc);
				if (ret < 0)
					goto close_dir;
			}
			ret = owner_add(m, s, proc, (int)fd);
			if (ret < 0)
				goto close_dir;
		}
		/*
		 * getdents64() stops filling only when the next record does
		 * not fit (fs/readdir.c, filldir64()), and proc's fd
		 * directory then ends at the last descriptor (fs/proc/fd.c,
		 * proc_readfd_common()): room left for the longest record
		 * means the directory is done, which saves a call per
		 * process.
		 */
		if ((size_t)n + DIRENT_MAX <= DENTS_SIZE)
			break;
	}
close_dir:
	close(dfd);
	return ret;
}

int
procmap_scan(struct procmap *m, const char *root, struct procmap_stats *st)
{
	char *buf;
	ssize_t n, off;
	int rootfd, ret = 0;

	memset(st, 0, sizeof(*st));
	/* Nothing to own: skip the most expensive part of the run. */
	if (m->count == 0)
		return 0;
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	/* One buffer for root's entries, one for each process's fds. */
	buf = malloc(2 * DENTS_SIZE);
	if (buf == NULL) {
		ret = -ENOMEM;
		goto close_root;
	}
	for (;;) {
		n = getdents64(rootfd, buf, DENTS_SIZE);
		if (n < 0)
			ret = -errno;
		if (n <= 0)
			break;
		for (off = 0; off < n;) {
			const struct dirent64 *d = (void *)(buf + off);
			long pid;

			off += d->d_reclen;
			pid = parse_number(d->d_name, INT_MAX);
			if (pid <= 0)
				continue;
			ret = scan_process(
			    m, rootfd, (int)pid, buf + DENTS_SIZE, st);
			if (ret < 0)
				goto free_buf;
		}
	}
free_buf:
	free(buf);
close_root:
	close(rootfd);
	return ret;
}
