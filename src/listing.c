/*
 * listing.c - the executor: run a plan's dumps and stream each socket to a
 * writer or to -p's inode set (every listing option)
 *
 * Nothing is kept once a row is handed on: each reply is parsed into one
 * sock_entry, classified, filtered and given to the sink, so memory does
 * not grow with the number of sockets.  The exception is -p in one
 * namespace, whose rows must wait for the /proc walk: its first pass
 * keeps them compactly (struct listing_keep), and the run dumps once.
 *
 * Each sock_diag dump walks the kernel's whole hash of its protocol,
 * whichever family it asks for (net/ipv4/inet_diag.c,
 * inet_diag_dump_icsk()), so the dumps are independent and cost about
 * the same: on two CPUs, running them at once takes about half the time
 * of running them in turn (tests/bench).  Each concurrent dump has a
 * netlink socket and a thread of its own.  A sink that only counts (a
 * summary, --check -q, -p's inodes) takes rows in any order, from
 * whichever dump delivers them, a batch at a time under one lock.  A
 * listing keeps the plan's order: this thread writes the first dump as it
 * arrives, while a thread for each later dump parses, judges and packs
 * its rows (rowpack.h, about 18 bytes a connection) into a buffer of at
 * most LISTING_BUFFER bytes, where they wait their turn (back-pressure),
 * so memory stays bounded whatever the number of sockets.  Packed, 12 MiB
 * holds the later dumps of about 650,000 sockets: on two CPUs the dumps
 * run at once even at a million sockets (tests/bench/README).  --dump-raw
 * and --replay run the dumps in turn: their order is the file's.
 *
 * An MPTCP socket's TCP subflows carry its inode (net/mptcp/subflow.c
 * gives each subflow the MPTCP socket's inode, and an accepted one is
 * grafted onto it), so when the plan lists MPTCP, which it does first,
 * the MPTCP sockets seen hide those subflows from the TCP rows: the
 * socket is listed once, as mptcp.  The plan dumps MPTCP whole (no
 * program, every state, both families), so no filter can take a parent
 * away and leave its subflow; its rows are judged here.  A connection not yet accepted has no
 * inode (0) on either side: its addresses and ports stand in for it.  The
 * MPTCP dumps always run before the others and on the calling thread,
 * so the set is complete, and only read, when the TCP rows come.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cpu.h"
#include "inoset.h"
#include "listing.h"
#include "parse.h"
#include "procraw.h"
#include "rowpack.h"
#include "sock.h"

/*
 * A listing's later dumps, read ahead: at most this many bytes of packed
 * rows.  The test build tests/dualstat-tight makes the buffer, the chunks
 * and the reserve small, so that itest_concurrent.sh sees every wait on
 * a small population.
 */
#ifndef LISTING_BUFFER
#define LISTING_BUFFER (12U * 1024 * 1024)
#endif
/* The dump being printed may always hold this much, so it never waits on
 * later dumps that filled the buffer (it would wait forever). */
#ifndef LISTING_HEAD_RESERVE
#define LISTING_HEAD_RESERVE (128U * 1024)
#endif
/* Sockets handed to a counting sink per lock. */
#define BATCH 256

void
listing_plan_init(
    struct listing_plan *p, const struct options *opts, uint32_t loaded)
{
	memset(p, 0, sizeof(*p));
	p->n = query_plan(opts, loaded, p->steps, &p->bc);
	/*
	 * No filter at all costs nothing per socket.  A filter with
	 * autobound is judged on both sides, as ss does: the kernel's
	 * program tests the bind lock (query_check() has made sure the
	 * program decides the whole expression), user space the port
	 * range (filter_match_env()).
	 */
	p->filter = filter_is_empty(&opts->filter) ? NULL : &opts->filter;
	p->mptcp_states[0] =
	    query_step_states(opts, SOCK_IPPROTO_MPTCP, AF_INET);
	p->mptcp_states[1] =
	    query_step_states(opts, SOCK_IPPROTO_MPTCP, AF_INET6);
	p->first_only = opts->check && opts->quiet;
	p->raw_exact = !filter_has(&opts->filter, FILTER_DEV) &&
	    !filter_has(&opts->filter, FILTER_AUTOBOUND);
	/* --dump-raw and --replay: the file holds the dumps in turn. */
	p->cpus =
	    opts->dump_raw != NULL || opts->replay != NULL ? 1 : cpu_count();
}

size_t
listing_plan_sockets(const struct listing_plan *p)
{
	return p->cpus >= 2 && p->n >= 2 ? p->n : 1;
}

/* Owners of one socket a pid or process term is decided on, at most. */
#define OWNERS_MAX 64

/*
 * Decides the filter on a socket: with the owners when the answer
 * depends on them and they are known, otherwise "maybe" passes (-p's
 * first pass then collects the socket, so its owners are looked up).
 */
static bool
passes(const struct listing_plan *p, const struct sock_entry *sk)
{
	struct filter_owner o[OWNERS_MAX];
	struct procmap_owner po;
	struct procmap_iter it;
	enum filter_answer a;
	size_t n = 0;

	a = filter_decide(p->filter, &p->env, sk, NULL, 0);
	if (a != FILTER_MAYBE || p->owners == NULL)
		return a != FILTER_NO;
	procmap_lookup(p->owners, sk->inode, &it);
	while (n < OWNERS_MAX && procmap_next(&it, &po)) {
		o[n].pid = po.pid;
		o[n].comm = po.comm;
		o[n].comm_len = po.comm_len;
		n++;
	}
	return filter_decide(p->filter, &p->env, sk, o, n) == FILTER_YES;
}

/*
 * Parses one reply; returns 1 if the filters let it through, 0, -errno.
 * An MPTCP socket is added to mptcp; a TCP socket found there is a
 * subflow, left out.
 */
static int
take(const struct listing_plan *p, const struct nlmsghdr *nlh, int protocol,
    struct inoset *mptcp, struct sock_entry *sk)
{
	int ret;

	ret = sock_parse(nlh, protocol, sk);
	if (ret < 0)
		return ret;
	if (sk->protocol == SOCK_IPPROTO_MPTCP) {
		ret = inoset_add(mptcp, sk);
		if (ret < 0)
			return ret;
		/* Dumped whole: the kernel selected nothing. */
		if ((sock_state_bits(sk) &
			p->mptcp_states[sk->family == AF_INET6]) == 0)
			return 0;
		sock_classify(sk);
		return p->filter == NULL || passes(p, sk);
	} else if (sk->protocol == IPPROTO_TCP && inoset_has(mptcp, sk)) {
		return 0;
	}
	sock_classify(sk);
	/* What the kernel could not filter (v6only, above all). */
	return p->filter == NULL || passes(p, sk);
}

/* --- -p's rows, kept from the pass that finds the wanted inodes. --- */

/*
 * Kept rows are packed (rowpack.h), in chunks, one list of chunks per
 * step.  A chunk ends where the next row might not fit.
 */
#ifndef KEEP_CHUNK
#define KEEP_CHUNK (64U * 1024)
#endif
_Static_assert(KEEP_CHUNK >= ROWPACK_MAX, "a chunk holds the largest row");

struct keep_chunk {
	struct keep_chunk *next;
	size_t used;
	uint8_t data[KEEP_CHUNK];
};

/* A step's chunks, in order. */
struct chunk_list {
	struct keep_chunk *head, *tail;
};

struct listing_keep {
	struct chunk_list rows[QUERY_MAX_STEPS];
	struct rowpack_dict dict[QUERY_MAX_STEPS]; /* each list's packer */
	size_t bytes, limit; /* rows kept; at most (0: no bound) */
};

struct listing_keep *
listing_keep_new(void)
{
	struct listing_keep *k = calloc(1, sizeof(*k));
	size_t i;

	if (k != NULL)
		for (i = 0; i < QUERY_MAX_STEPS; i++)
			rowpack_dict_init(&k->dict[i]);
	return k;
}

void
listing_keep_limit(struct listing_keep *k, size_t bytes)
{
	k->limit = bytes;
}

static void
chunks_free(struct keep_chunk *c)
{
	struct keep_chunk *next;

	for (; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
}

void
listing_keep_free(struct listing_keep *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < QUERY_MAX_STEPS; i++)
		chunks_free(k->rows[i].head);
	free(k);
}

/* An empty chunk: c, written and to be filled again, or a new one if c
 * is NULL; NULL if out of memory. */
static struct keep_chunk *
chunk_new(struct keep_chunk *c)
{
	if (c == NULL && (c = malloc(sizeof(*c))) == NULL)
		return NULL;
	c->next = NULL;
	c->used = 0;
	return c;
}

static void
chunk_append(struct chunk_list *l, struct keep_chunk *c)
{
	if (l->tail != NULL)
		l->tail->next = c;
	else
		l->head = c;
	l->tail = c;
}

/* Takes the first chunk of l; NULL if there is none. */
static struct keep_chunk *
chunk_take(struct chunk_list *l)
{
	struct keep_chunk *c = l->head;

	if (c != NULL) {
		l->head = c->next;
		if (l->head == NULL)
			l->tail = NULL;
	}
	return c;
}

static bool
chunk_has_room(const struct keep_chunk *c)
{
	return c != NULL && KEEP_CHUNK - c->used >= ROWPACK_MAX;
}

/*
 * Appends sk to step i's rows; returns 0, -ENOMEM, or -E2BIG past the
 * limit (the packer's dict has then moved on: the rows are only good to
 * be freed, as the caller does).
 */
static int
keep_add(struct listing_keep *k, size_t i, const struct sock_entry *sk)
{
	struct keep_chunk *c = k->rows[i].tail;
	size_t len;

	if (!chunk_has_room(c)) {
		c = chunk_new(NULL);
		if (c == NULL)
			return -ENOMEM;
		chunk_append(&k->rows[i], c);
	}
	len = rowpack_put(&k->dict[i], sk, c->data + c->used);
	if (k->limit != 0 && k->bytes + len > k->limit)
		return -E2BIG;
	c->used += len;
	k->bytes += len;
	return 0;
}

/* Hands one socket of step i to the sink; returns 0 or -errno. */
static int
put(const struct listing_sink *sink, const struct sock_entry *sk, size_t i)
{
	static const struct out_row plain;
	char ifname[IF_NAMESIZE + 8];
	struct out_row row;
	int ret;

	if (sink->collect != NULL) {
		ret = procmap_want(sink->collect, sk->inode);
		if (ret == 0 && sink->keep != NULL)
			ret = keep_add(sink->keep, i, sk);
		return ret;
	}
	if (sink->w == NULL)
		return keep_add(sink->keep, i, sk);
	row = sink->base != NULL ? *sink->base : plain;
	row.sk = sk;
	/* The bound device, named in the socket's own namespace; "if7"
	 * where there is none to ask (a replay) or the device is gone, as
	 * iproute2 names an index it cannot resolve.  The writer copies
	 * the name before this returns. */
	if (sk->ifindex != 0) {
		if (sink->names == NULL ||
		    diag_ifname(sink->names, sk->ifindex, ifname) < 0)
			snprintf(ifname, sizeof(ifname), "if%u", sk->ifindex);
		row.ifname = ifname;
	}
	return writer_row(sink->w, &row);
}

/* Records how dump step ended; returns 0 to go on, or its error. */
static int
step_end(const struct diag_request *step, int ret, int write_err,
    struct listing_result *res)
{
	/* A kernel without INET_DIAG_REQ_PROTOCOL has no MPTCP diag: no
	 * MPTCP here, not an error. */
	if (ret == -EINVAL && step->protocol > UINT8_MAX)
		return 0;
	if (ret == -ENOENT) {
		res->missing[res->nmissing].family = step->family;
		res->missing[res->nmissing].protocol = step->protocol;
		res->nmissing++;
		return 0;
	}
	if (ret < 0) {
		res->write_err = write_err;
		if (write_err == 0) {
			res->err_family = step->family;
			res->err_protocol = step->protocol;
		}
	}
	return ret;
}

static unsigned long
rows_now(const struct listing_sink *sink)
{
	return sink->w != NULL ? sink->w->rows : 0;
}

/* --- In turn, and a listing's first dump: straight to the sink. --- */

struct row_ctx {
	const struct listing_plan *p;
	const struct listing_sink *sink;
	struct inoset *mptcp;
	size_t step; /* its index in the plan */
	const struct diag_request *req; /* the step itself */
	int protocol;
	int write_err;
	bool stopped; /* stopped at the first match */
	bool inexact; /* a raw dump /proc could not stand in for */
};

/* Hands a socket that passed to the sink; -ECANCELED: answered. */
static int
pass_on(struct row_ctx *ctx, const struct sock_entry *sk)
{
	int ret;

	ret = put(ctx->sink, sk, ctx->step);
	if (ret < 0) {
		if (ctx->sink->collect == NULL)
			ctx->write_err = ret;
		return ret;
	}
	if (ctx->p->first_only) {
		ctx->stopped = true;
		return -ECANCELED;
	}
	return 0;
}

static int
row_cb(const struct nlmsghdr *nlh, void *data)
{
	struct row_ctx *ctx = data;
	struct sock_entry sk;
	int ret;

	ret = take(ctx->p, nlh, ctx->protocol, ctx->mptcp, &sk);
	if (ret <= 0)
		return ret;
	return pass_on(ctx, &sk);
}

/* A line of /proc/net/raw: the kernel's selection (states, program),
 * then the user-space filter, as take() does for a reply. */
static int
raw_row_cb(struct sock_entry *sk, void *data)
{
	struct row_ctx *ctx = data;
	const struct diag_request *step = ctx->req;

	if ((step->states & sock_state_bits(sk)) == 0)
		return 0;
	sock_classify(sk);
	if (ctx->p->filter != NULL && !filter_match(ctx->p->filter, sk))
		return 0;
	return pass_on(ctx, sk);
}

/*
 * A raw dump the kernel answered with ENOENT (no raw_diag): the
 * namespace's /proc/net/raw or raw6 holds the same sockets.  Returns as
 * a dump, or -ENOENT where it cannot stand in.
 */
static int
raw_from_proc(struct row_ctx *ctx)
{
	const struct diag_request *step = ctx->req;
	int fd, ret;

	if (step->protocol != IPPROTO_RAW || ctx->sink->raw_fds == NULL)
		return -ENOENT;
	fd = ctx->sink->raw_fds[step->family == AF_INET6];
	if (fd < 0)
		return -ENOENT;
	if (!ctx->p->raw_exact) {
		ctx->inexact = true;
		return -ENOENT;
	}
	ret = procraw_read(fd, step->family, raw_row_cb, ctx);
	/* A file that is not the kernel's format is a failed dump. */
	return ret == -ECANCELED && ctx->stopped ? -ECANCELED : ret;
}

/* Runs step i of the plan through row_cb(ctx); returns as diag_dump(). */
typedef int (*step_fn)(void *arg, size_t i, struct row_ctx *ctx);

/*
 * Writes steps from..to - 1 in the plan's order, each as dump() delivers
 * it; *stopped is set if --check -q was answered.
 */
static int
in_turn(const struct listing_plan *p, const struct listing_sink *sink,
    struct inoset *mptcp, size_t from, size_t to, step_fn dump, void *arg,
    struct listing_result *res, bool *stopped)
{
	size_t i;
	int ret = 0;

	for (i = from; i < to; i++) {
		struct row_ctx ctx = { .p = p, .sink = sink, .mptcp = mptcp };

		ctx.step = i;
		ctx.protocol = p->steps[i].protocol;
		ctx.req = &p->steps[i];
		ret = dump(arg, i, &ctx);
		if (ret == -ENOENT)
			ret = raw_from_proc(&ctx);
		res->raw_inexact |= ctx.inexact;
		if (ctx.stopped) {
			/* The rest of the dump is left unread: the caller
			 * is done with this source. */
			*stopped = true;
			ret = 0;
			break;
		}
		ret = step_end(&p->steps[i], ret, ctx.write_err, res);
		if (ret < 0)
			break;
	}
	return ret;
}

static int
from_source(void *arg, size_t i, struct row_ctx *ctx)
{
	return source_dump(arg, &ctx->p->steps[i], row_cb, ctx);
}

/* Step i straight from the kernel, through the plan's socket d[i]. */
static int
from_diag(void *arg, size_t i, struct row_ctx *ctx)
{
	struct diag *const *d = arg;

	return diag_dump(d[i], &ctx->p->steps[i], row_cb, ctx);
}

int
listing_run(const struct listing_plan *p, const struct source *src,
    const struct listing_sink *sink, struct listing_result *res)
{
	unsigned long before = rows_now(sink);
	struct inoset mptcp;
	bool stopped = false;
	int ret;

	memset(res, 0, sizeof(*res));
	inoset_init(&mptcp);
	ret = in_turn(
	    p, sink, &mptcp, 0, p->n, from_source, (void *)src, res, &stopped);
	inoset_done(&mptcp);
	res->rows = rows_now(sink) - before;
	return ret;
}

/* --- At once: what the threads share. --- */

struct shared {
	const struct listing_plan *p;
	const struct listing_sink *sink;
	struct diag *const *d;
	struct inoset *mptcp; /* complete before any thread starts */
	pthread_mutex_t lock;
	int rets[QUERY_MAX_STEPS]; /* how each dump ended */
	bool stop; /* every dump stops: answered, or failed */
	bool stopped; /* --check -q answered */
	int write_err;
	/* The next step a thread takes (in order, for a listing). */
	size_t next;
	/* In order: the rows of the steps read ahead, packed. */
	pthread_cond_t more, room; /* a chunk or an end came; room freed */
	struct chunk_list queue[QUERY_MAX_STEPS];
	size_t held[QUERY_MAX_STEPS]; /* bytes queued per step */
	size_t total; /* bytes queued */
	bool done[QUERY_MAX_STEPS];
	bool mine[QUERY_MAX_STEPS]; /* the writing thread dumps it */
	size_t cur; /* the step being written */
	/* Chunks written, for the threads to fill again: each thread's
	 * malloc() arena would otherwise keep its own high-water mark, and
	 * together they could pass LISTING_BUFFER. */
	struct keep_chunk *spare;
};

struct worker {
	struct shared *sh;
	size_t step;
	struct sock_entry batch[BATCH];
	size_t nbatch;
};

/* Starts fn on each of the n workers of size bytes at w but the first,
 * which the caller runs or has no use for. */
static void
start(pthread_t *tid, bool *started, size_t n, void *(*fn)(void *), void *w,
    size_t size)
{
	size_t i;

	for (i = 1; i < n; i++)
		started[i] = pthread_create(
				 &tid[i], NULL, fn, (char *)w + i * size) == 0;
}

static void
stop_all(struct shared *sh)
{
	pthread_mutex_lock(&sh->lock);
	__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&sh->room);
	pthread_cond_broadcast(&sh->more);
	pthread_mutex_unlock(&sh->lock);
}

/* --- In any order: the sink only counts. --- */

/* Hands the batch to the sink under the lock; returns 0 or -errno. */
static int
flush(struct worker *w)
{
	struct shared *sh = w->sh;
	size_t i;
	int ret = 0;

	pthread_mutex_lock(&sh->lock);
	for (i = 0; i < w->nbatch && !sh->stop; i++) {
		ret = put(sh->sink, &w->batch[i], w->step);
		if (ret < 0) {
			if (sh->sink->collect == NULL)
				sh->write_err = ret;
		} else if (sh->p->first_only) {
			sh->stopped = true;
		}
		if (ret < 0 || sh->stopped)
			__atomic_store_n(&sh->stop, true, __ATOMIC_RELAXED);
	}
	if (sh->stop && ret == 0)
		ret = -ECANCELED;
	pthread_mutex_unlock(&sh->lock);
	w->nbatch = 0;
	return ret;
}

static int
batch_cb(const struct nlmsghdr *nlh, void *data)
{
	struct worker *w = data;
	int ret;

	if (__atomic_load_n(&w->sh->stop, __ATOMIC_RELAXED))
		return -ECANCELED;
	ret = take(w->sh->p, nlh, w->sh->p->steps[w->step].protocol,
	    w->sh->mptcp, &w->batch[w->nbatch]);
	if (ret <= 0)
		return ret;
	if (++w->nbatch == BATCH || w->sh->p->first_only)
		return flush(w);
	return 0;
}

static void *
any_order_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	size_t i;
	int ret;

	while ((i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_RELAXED)) <
	    sh->p->n) {
		w->step = i;
		w->nbatch = 0;
		ret = diag_dump(sh->d[i], &sh->p->steps[i], batch_cb, w);
		if (ret == 0 && w->nbatch > 0)
			ret = flush(w);
		sh->rets[i] = ret;
		if (ret < 0 && ret != -ENOENT)
			stop_all(sh);
	}
	return NULL;
}

static int
run_any_order(struct shared *sh, struct listing_result *res)
{
	const struct listing_plan *p = sh->p;
	struct worker *w;
	pthread_t tid[QUERY_MAX_STEPS];
	bool started[QUERY_MAX_STEPS] = { false };
	size_t n = p->cpus < p->n ? p->cpus : p->n, i;
	int ret = 0;

	w = calloc(n, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		w[i].sh = sh;
	/* A thread that cannot start leaves its share to the others. */
	start(tid, started, n, any_order_thread, w, sizeof(*w));
	any_order_thread(&w[0]);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	free(w);
	if (sh->stopped)
		return 0;
	if (sh->write_err != 0) {
		res->write_err = sh->write_err;
		return sh->write_err;
	}
	/* The first error in the plan's order; those it stopped are not.
	 * A raw dump the kernel could not serve is read from /proc here,
	 * the threads done. */
	for (i = 0; i < p->n && ret == 0; i++) {
		struct row_ctx ctx = { .p = p,
			.sink = sh->sink,
			.mptcp = sh->mptcp,
			.step = i,
			.req = &p->steps[i],
			.protocol = p->steps[i].protocol };

		if (sh->rets[i] == -ECANCELED)
			continue;
		if (sh->rets[i] == -ENOENT)
			sh->rets[i] = raw_from_proc(&ctx);
		res->raw_inexact |= ctx.inexact;
		if (ctx.stopped)
			return 0;
		if (ctx.write_err != 0) {
			res->write_err = ctx.write_err;
			return ctx.write_err;
		}
		ret = step_end(&p->steps[i], sh->rets[i], 0, res);
	}
	return ret;
}

/* --- In order: later dumps read ahead, packed, into a bounded buffer. */

/* A thread that reads ahead: the step it dumps, its rows not yet queued. */
struct ahead_worker {
	struct shared *sh;
	size_t step;
	struct keep_chunk *chunk;
	struct rowpack_dict dict;
};

/*
 * Queues w's chunk of rows for its step, waiting for room (the step being
 * written always has LISTING_HEAD_RESERVE); returns 0, or -ECANCELED:
 * stop.
 */
static int
ahead_queue(struct ahead_worker *w)
{
	struct shared *sh = w->sh;
	struct keep_chunk *c = w->chunk;
	size_t i = w->step;

	w->chunk = NULL;
	pthread_mutex_lock(&sh->lock);
	while (!sh->stop && sh->total >= LISTING_BUFFER &&
	    !(i == sh->cur && sh->held[i] < LISTING_HEAD_RESERVE))
		pthread_cond_wait(&sh->room, &sh->lock);
	if (sh->stop) {
		pthread_mutex_unlock(&sh->lock);
		free(c);
		return -ECANCELED;
	}
	chunk_append(&sh->queue[i], c);
	sh->held[i] += KEEP_CHUNK;
	sh->total += KEEP_CHUNK;
	pthread_cond_signal(&sh->more);
	pthread_mutex_unlock(&sh->lock);
	return 0;
}

/* A chunk to fill: a written one, or a new one; NULL if out of memory. */
static struct keep_chunk *
ahead_chunk(struct shared *sh)
{
	struct keep_chunk *c;

	pthread_mutex_lock(&sh->lock);
	c = sh->spare;
	if (c != NULL)
		sh->spare = c->next;
	pthread_mutex_unlock(&sh->lock);
	return chunk_new(c);
}

/* Takes one reply of w's dump: parsed, judged and packed here, where a
 * CPU is free, so the writing thread only unpacks and writes. */
static int
ahead_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ahead_worker *w = data;
	struct shared *sh = w->sh;
	struct sock_entry sk;
	int ret;

	if (__atomic_load_n(&sh->stop, __ATOMIC_RELAXED))
		return -ECANCELED;
	ret = take(sh->p, nlh, sh->p->steps[w->step].protocol, sh->mptcp, &sk);
	if (ret <= 0)
		return ret;
	if (!chunk_has_room(w->chunk)) {
		if (w->chunk != NULL && (ret = ahead_queue(w)) < 0)
			return ret;
		w->chunk = ahead_chunk(sh);
		if (w->chunk == NULL)
			return -ENOMEM;
	}
	w->chunk->used +=
	    rowpack_put(&w->dict, &sk, w->chunk->data + w->chunk->used);
	return 0;
}

/* Dumps the steps no thread has taken yet, in the plan's order, until
 * there are none left or everything stops. */
static void *
ahead_thread(void *arg)
{
	struct ahead_worker *w = arg;
	struct shared *sh = w->sh;
	size_t i;
	int ret;

	for (;;) {
		pthread_mutex_lock(&sh->lock);
		i = sh->next;
		if (sh->stop || i >= sh->p->n) {
			pthread_mutex_unlock(&sh->lock);
			break;
		}
		sh->next = i + 1;
		pthread_mutex_unlock(&sh->lock);
		w->step = i;
		rowpack_dict_init(&w->dict);
		ret = diag_dump(sh->d[i], &sh->p->steps[i], ahead_cb, w);
		/* The rows before a failure are written, then the failure,
		 * as when the dump is written as it comes. */
		if (w->chunk != NULL && ahead_queue(w) < 0 && ret == 0)
			ret = -ECANCELED;
		pthread_mutex_lock(&sh->lock);
		sh->rets[i] = ret;
		sh->done[i] = true;
		pthread_cond_signal(&sh->more);
		pthread_mutex_unlock(&sh->lock);
	}
	return NULL;
}

/* Writes step i from its queue, as its chunks arrive. */
static int
write_queued(struct shared *sh, size_t i, struct row_ctx *ctx)
{
	struct rowpack_dict dict;
	struct keep_chunk *c = NULL;
	struct sock_entry sk;
	size_t off;
	int ret;

	rowpack_dict_init(&dict);
	for (;;) {
		pthread_mutex_lock(&sh->lock);
		if (c != NULL) {
			c->next = sh->spare;
			sh->spare = c;
		}
		while (sh->queue[i].head == NULL && !sh->done[i])
			pthread_cond_wait(&sh->more, &sh->lock);
		c = chunk_take(&sh->queue[i]);
		if (c != NULL) {
			sh->held[i] -= KEEP_CHUNK;
			sh->total -= KEEP_CHUNK;
			pthread_cond_broadcast(&sh->room);
		}
		ret = sh->rets[i];
		pthread_mutex_unlock(&sh->lock);
		/* Every chunk written: how the dump ended. */
		if (c == NULL)
			return ret;
		for (off = 0, ret = 0; off < c->used && ret == 0;) {
			off += rowpack_get(&dict, c->data + off, &sk);
			ret = pass_on(ctx, &sk);
		}
		if (ret < 0) {
			free(c);
			return ret;
		}
	}
}

/* Step i's turn: straight from the kernel if no other thread has taken
 * it, else its queue. */
static int
from_queue(void *arg, size_t i, struct row_ctx *ctx)
{
	struct shared *sh = arg;
	bool mine;

	pthread_mutex_lock(&sh->lock);
	sh->cur = i;
	if (!sh->mine[i] && sh->next == i) {
		sh->next = i + 1;
		sh->mine[i] = true;
	}
	mine = sh->mine[i];
	pthread_cond_broadcast(&sh->room);
	pthread_mutex_unlock(&sh->lock);
	if (mine)
		return diag_dump(sh->d[i], &sh->p->steps[i], row_cb, ctx);
	return write_queued(sh, i, ctx);
}

/*
 * The MPTCP dumps (first in the plan) are written first, here, so their
 * set is complete before any thread takes a TCP row.  Then this thread
 * writes the next dump as it comes while a thread for each later dump
 * reads it into packed rows.  All at once, as the floor runs them: with
 * one thread for each further CPU, the cheap dumps of a short listing
 * (-l: TCP's listening hash, then UDP's whole table twice) ran in turn.
 */
static int
run_in_order(struct shared *sh, struct listing_result *res)
{
	const struct listing_plan *p = sh->p;
	struct ahead_worker w[QUERY_MAX_STEPS];
	pthread_t tid[QUERY_MAX_STEPS];
	bool started[QUERY_MAX_STEPS] = { false };
	size_t first = 0, n, i;
	int ret;

	while (first < p->n && p->steps[first].protocol == SOCK_IPPROTO_MPTCP)
		first++;
	ret = in_turn(p, sh->sink, sh->mptcp, 0, first, from_diag,
	    (void *)sh->d, res, &sh->stopped);
	if (ret < 0 || sh->stopped || first == p->n)
		return ret;
	sh->next = first + 1;
	sh->mine[first] = true;
	n = p->n - first;
	memset(w, 0, sizeof(w));
	for (i = 1; i < n; i++)
		w[i].sh = sh;
	start(tid, started, n, ahead_thread, w, sizeof(w[0]));
	ret = in_turn(p, sh->sink, sh->mptcp, first, p->n, from_queue, sh, res,
	    &sh->stopped);
	stop_all(sh);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	for (i = 0; i < p->n; i++)
		chunks_free(sh->queue[i].head);
	chunks_free(sh->spare);
	return ret;
}

static int
probe_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return 0;
}

int
listing_plan_probe(struct listing_plan *p, const struct source *src,
    struct listing_result *res)
{
	const void *refused[2] = { NULL, NULL }, *ok[2] = { NULL, NULL };
	size_t i, k;
	int ret;

	/* autobound's kernel half is in the program alone: never dropped
	 * (a kernel that refuses it fails the dump, saying so). */
	if (p->filter == NULL || filter_has(p->filter, FILTER_AUTOBOUND))
		return 0;
	for (i = 0; i < p->n; i++) {
		struct diag_request probe = p->steps[i];

		if (probe.bytecode == NULL || probe.bytecode == ok[0] ||
		    probe.bytecode == ok[1])
			continue;
		if (probe.bytecode != refused[0] &&
		    probe.bytecode != refused[1]) {
			/*
			 * No state asked for: the kernel audits the program
			 * and sends nothing.  The audit is the same for
			 * every protocol and comes first, when the dump
			 * starts (net/ipv4/inet_diag.c,
			 * __inet_diag_dump_start()); then TCP answers at
			 * once (inet_diag_dump_icsk() skips every hash),
			 * where UDP or raw would still walk the whole
			 * table (udp_diag.c, udp_dump()).  So the probe is
			 * a TCP request, or the step's own where TCP has no
			 * diag here.
			 */
			probe.states = 0;
			probe.protocol = IPPROTO_TCP;
			ret = source_dump(src, &probe, probe_cb, NULL);
			if (ret == -ENOENT) {
				probe.protocol = p->steps[i].protocol;
				ret = source_dump(src, &probe, probe_cb, NULL);
			}
			k = probe.family == AF_INET ? 0 : 1;
			/* Any other failure (a receive that failed, a reply
			 * cut short) may leave the reply's rest unread on the
			 * socket, where the next dump would take it for its
			 * own: it fails the listing here, named as it is.
			 * ENOENT (no diag handler) the dump itself says. */
			if (ret < 0 && ret != -EINVAL && ret != -ENOENT) {
				if (res != NULL) {
					memset(res, 0, sizeof(*res));
					res->err_family = probe.family;
					res->err_protocol = probe.protocol;
				}
				return ret;
			}
			if (ret != -EINVAL) {
				ok[k] = probe.bytecode;
				continue;
			}
			refused[k] = probe.bytecode;
		}
		p->steps[i].bytecode = NULL;
		p->steps[i].bytecode_len = 0;
	}
	return 0;
}

int
listing_run_diag(const struct listing_plan *plan, struct diag *const d[],
    const struct listing_sink *sink, struct listing_result *res)
{
	struct shared sh;
	struct source src;
	struct inoset mptcp;
	unsigned long before = rows_now(sink);
	bool any_order = sink->collect != NULL ||
	    (sink->w != NULL && sink->w->ops->any_order);
	const struct listing_plan *p = plan;
	struct listing_plan *copy = NULL;
	int ret;

	/*
	 * A kernel without one of the program's ops (INET_DIAG_BC_S_EQ and
	 * DEV_COND came later than the others) refuses it when auditing the
	 * request (net/ipv4/inet_diag.c, inet_diag_bc_audit()): find out
	 * first, and list without it (user space filters alone, the same
	 * rows, only slower).  --dump-raw's recorder is not probed.
	 */
	source_init_diag(&src, d[0]);
	if (plan->filter != NULL) {
		copy = malloc(sizeof(*copy));
		if (copy == NULL)
			return -ENOMEM;
		*copy = *plan;
		ret = listing_plan_probe(copy, &src, res);
		if (ret < 0) {
			free(copy);
			return ret;
		}
		p = copy;
	}
	if (listing_plan_sockets(p) < 2) {
		ret = listing_run(p, &src, sink, res);
		free(copy);
		return ret;
	}
	memset(res, 0, sizeof(*res));
	memset(&sh, 0, sizeof(sh));
	inoset_init(&mptcp);
	sh.p = p;
	sh.sink = sink;
	sh.d = d;
	sh.mptcp = &mptcp;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.more, NULL);
	pthread_cond_init(&sh.room, NULL);
	if (any_order) {
		/* The MPTCP dumps (first in the plan) here, before the
		 * threads that read their set start. */
		while (sh.next < p->n &&
		    p->steps[sh.next].protocol == SOCK_IPPROTO_MPTCP)
			sh.next++;
		ret = in_turn(p, sink, &mptcp, 0, sh.next, from_diag, (void *)d,
		    res, &sh.stopped);
		if (ret == 0 && !sh.stopped)
			ret = run_any_order(&sh, res);
	} else {
		/* Rows are taken here in the plan's order: MPTCP's first. */
		ret = run_in_order(&sh, res);
	}
	pthread_cond_destroy(&sh.room);
	pthread_cond_destroy(&sh.more);
	pthread_mutex_destroy(&sh.lock);
	inoset_done(&mptcp);
	res->rows = rows_now(sink) - before;
	free(copy);
	return ret;
}

int
listing_keep_write(const struct listing_keep *k, const struct listing_plan *p,
    const struct listing_sink *sink, struct listing_result *res)
{
	unsigned long before = rows_now(sink);
	const struct keep_chunk *c;
	struct rowpack_dict dict;
	struct sock_entry sk;
	size_t i, off;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	/*
	 * The rows were kept before their owners were known: a pid or
	 * process term ("maybe" then) is decided now (passes()), and
	 * --check -q stops at the first row that passes.
	 */
	for (i = 0; i < p->n && ret == 0; i++) {
		rowpack_dict_init(&dict);
		for (c = k->rows[i].head; c != NULL && ret == 0; c = c->next)
			for (off = 0; off < c->used && ret == 0;) {
				off += rowpack_get(&dict, c->data + off, &sk);
				if (p->filter != NULL && !passes(p, &sk))
					continue;
				ret = put(sink, &sk, i);
				if (ret == 0 && p->first_only)
					ret = 1;
			}
	}
	if (ret > 0)
		ret = 0;
	if (ret < 0)
		res->write_err = ret;
	res->rows = rows_now(sink) - before;
	return ret;
}
