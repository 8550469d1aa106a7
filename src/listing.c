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
 * listing keeps the plan's order: the first dump streams to the writer as
 * it arrives, while the later ones are read into a buffer of at most
 * LISTING_BUFFER bytes and then wait their turn (back-pressure), so
 * memory stays bounded whatever the number of sockets.  --dump-raw and
 * --replay run the dumps in turn: their order is the file's.
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
#include "sock.h"

/* A listing's later dumps, read ahead: at most this many bytes. */
#define LISTING_BUFFER (8U * 1024 * 1024)
/* The dump being printed may always hold this much, so it never waits on
 * later dumps that filled the buffer (it would wait forever). */
#define LISTING_HEAD_RESERVE (128U * 1024)
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
 * A kept row: one byte saying how many bytes each primary address takes
 * (4 for an AF_INET socket whose addresses end in zeros, as the kernel
 * sends them, else 16), then struct sock_entry up to its SCTP address
 * arrays with each primary address cut to that length, then the nlocal
 * and npeer addresses it holds (16 bytes each), unaligned: 47 bytes an
 * IPv4 socket, 71 an IPv6 one.
 */
#define KEEP_HEAD offsetof(struct sock_entry, local_addrs)
#define KEEP_LA offsetof(struct sock_entry, local_addr)
#define KEEP_PA offsetof(struct sock_entry, peer_addr)
#define KEEP_CHUNK (64U * 1024)
/* A field added after the address arrays would not be kept. */
_Static_assert(offsetof(struct sock_entry, peer_addrs) +
	    sizeof(((struct sock_entry *)NULL)->peer_addrs) +
	    sizeof(((struct sock_entry *)NULL)->peer_addrs[0]) >
	sizeof(struct sock_entry),
    "struct sock_entry ends with its address arrays");
_Static_assert(KEEP_LA + 16 <= KEEP_PA && KEEP_PA + 16 <= KEEP_HEAD,
    "the primary addresses come before the address arrays, in order");

struct keep_chunk {
	struct keep_chunk *next;
	size_t used;
	uint8_t data[KEEP_CHUNK];
};

struct listing_keep {
	struct keep_chunk *head[QUERY_MAX_STEPS], *tail[QUERY_MAX_STEPS];
	size_t bytes, limit; /* rows kept; at most (0: no bound) */
};

struct listing_keep *
listing_keep_new(void)
{
	return calloc(1, sizeof(struct listing_keep));
}

void
listing_keep_limit(struct listing_keep *k, size_t bytes)
{
	k->limit = bytes;
}

void
listing_keep_free(struct listing_keep *k)
{
	struct keep_chunk *c;
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < QUERY_MAX_STEPS; i++)
		while ((c = k->head[i]) != NULL) {
			k->head[i] = c->next;
			free(c);
		}
	free(k);
}

/* Bytes a kept row takes with primary addresses of alen bytes. */
static size_t
keep_len(size_t alen, const struct sock_entry *sk)
{
	return 1 + KEEP_HEAD - 2 * (16 - alen) +
	    16U * ((size_t)sk->nlocal + sk->npeer);
}

static bool
tail_is_zero(const uint8_t addr[16])
{
	static const uint8_t zero[12];

	return memcmp(addr + 4, zero, sizeof(zero)) == 0;
}

/* Appends sk to step i's rows; returns 0 or -ENOMEM. */
static int
keep_add(struct listing_keep *k, size_t i, const struct sock_entry *sk)
{
	size_t alen = sk->family == AF_INET && tail_is_zero(sk->local_addr) &&
		tail_is_zero(sk->peer_addr)
	    ? 4
	    : 16;
	size_t len = keep_len(alen, sk);
	const uint8_t *from = (const uint8_t *)sk;
	struct keep_chunk *c = k->tail[i];
	uint8_t *at;

	if (k->limit != 0 && k->bytes + len > k->limit)
		return -E2BIG;
	if (c == NULL || KEEP_CHUNK - c->used < len) {
		c = malloc(sizeof(*c));
		if (c == NULL)
			return -ENOMEM;
		c->next = NULL;
		c->used = 0;
		if (k->tail[i] != NULL)
			k->tail[i]->next = c;
		else
			k->head[i] = c;
		k->tail[i] = c;
	}
	at = c->data + c->used;
	*at++ = (uint8_t)alen;
	memcpy(at, from, KEEP_LA + alen);
	at += KEEP_LA + alen;
	memcpy(at, from + KEEP_LA + 16, KEEP_PA - KEEP_LA - 16 + alen);
	at += KEEP_PA - KEEP_LA - 16 + alen;
	memcpy(at, from + KEEP_PA + 16, KEEP_HEAD - KEEP_PA - 16);
	at += KEEP_HEAD - KEEP_PA - 16;
	memcpy(at, sk->local_addrs, 16U * sk->nlocal);
	memcpy(at + 16U * sk->nlocal, sk->peer_addrs, 16U * sk->npeer);
	c->used += len;
	k->bytes += len;
	return 0;
}

/* Reads the kept row at at into *sk; returns its length. */
static size_t
keep_get(const uint8_t *at, struct sock_entry *sk)
{
	uint8_t *to = (uint8_t *)sk;
	size_t alen = *at++;

	memset(sk->local_addr, 0, sizeof(sk->local_addr));
	memset(sk->peer_addr, 0, sizeof(sk->peer_addr));
	memcpy(to, at, KEEP_LA + alen);
	at += KEEP_LA + alen;
	memcpy(to + KEEP_LA + 16, at, KEEP_PA - KEEP_LA - 16 + alen);
	at += KEEP_PA - KEEP_LA - 16 + alen;
	memcpy(to + KEEP_PA + 16, at, KEEP_HEAD - KEEP_PA - 16);
	at += KEEP_HEAD - KEEP_PA - 16;
	memcpy(sk->local_addrs, at, 16U * sk->nlocal);
	memcpy(sk->peer_addrs, at + 16U * sk->nlocal, 16U * sk->npeer);
	return keep_len(alen, sk);
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

/* One datagram of a later dump, read ahead. */
struct block {
	struct block *next;
	size_t len;
	uint8_t data[] __attribute__((aligned(8)));
};

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
	/* In any order: the next step a thread takes. */
	size_t next;
	/* In order: the read-ahead datagrams of each step. */
	pthread_cond_t more, room; /* a block or an end came; room freed */
	struct block *head[QUERY_MAX_STEPS], *tail[QUERY_MAX_STEPS];
	size_t held[QUERY_MAX_STEPS]; /* bytes queued per step */
	size_t total; /* bytes queued */
	bool done[QUERY_MAX_STEPS];
	size_t cur; /* the step being written */
	bool started[QUERY_MAX_STEPS]; /* its read-ahead thread runs */
};

struct worker {
	struct shared *sh;
	size_t step;
	struct sock_entry batch[BATCH];
	size_t nbatch;
};

/* Starts fn on each worker but the first, which the caller runs. */
static void
start(pthread_t *tid, bool *started, size_t n, void *(*fn)(void *),
    struct worker *w)
{
	size_t i;

	for (i = 1; i < n; i++)
		started[i] = pthread_create(&tid[i], NULL, fn, &w[i]) == 0;
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
	start(tid, started, n, any_order_thread, w);
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

/* --- In order: later dumps read ahead into a bounded buffer. --- */

/* Queues one datagram of w's dump, waiting for room; -ECANCELED: stop. */
static int
read_ahead_cb(const void *buf, size_t len, void *data)
{
	struct worker *w = data;
	struct shared *sh = w->sh;
	size_t i = w->step;
	struct block *b;

	b = malloc(sizeof(*b) + len);
	if (b == NULL)
		return -ENOMEM;
	memcpy(b->data, buf, len);
	b->len = len;
	b->next = NULL;
	pthread_mutex_lock(&sh->lock);
	while (!sh->stop && sh->total >= LISTING_BUFFER &&
	    !(i == sh->cur && sh->held[i] < LISTING_HEAD_RESERVE))
		pthread_cond_wait(&sh->room, &sh->lock);
	if (sh->stop) {
		pthread_mutex_unlock(&sh->lock);
		free(b);
		return -ECANCELED;
	}
	if (sh->tail[i] != NULL)
		sh->tail[i]->next = b;
	else
		sh->head[i] = b;
	sh->tail[i] = b;
	sh->held[i] += len;
	sh->total += len;
	pthread_cond_signal(&sh->more);
	pthread_mutex_unlock(&sh->lock);
	return 0;
}

/* The replies are walked again when their turn comes. */
static int
skip_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return 0;
}

static void *
read_ahead_thread(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	struct diag *d = sh->d[w->step];
	int ret;

	diag_set_tap(d, read_ahead_cb, w);
	ret = diag_dump(d, &sh->p->steps[w->step], skip_cb, NULL);
	diag_set_tap(d, NULL, NULL);
	pthread_mutex_lock(&sh->lock);
	sh->rets[w->step] = ret;
	sh->done[w->step] = true;
	pthread_cond_signal(&sh->more);
	pthread_mutex_unlock(&sh->lock);
	return NULL;
}

/* Writes step i from its read-ahead queue, as its datagrams arrive. */
static int
write_queued(struct shared *sh, size_t i, struct row_ctx *ctx)
{
	struct block *b;
	int ret;

	for (;;) {
		pthread_mutex_lock(&sh->lock);
		while (sh->head[i] == NULL && !sh->done[i])
			pthread_cond_wait(&sh->more, &sh->lock);
		b = sh->head[i];
		if (b != NULL) {
			sh->head[i] = b->next;
			if (sh->head[i] == NULL)
				sh->tail[i] = NULL;
			sh->held[i] -= b->len;
			sh->total -= b->len;
			pthread_cond_broadcast(&sh->room);
		}
		ret = sh->rets[i];
		pthread_mutex_unlock(&sh->lock);
		/* Ended before its last reply was queued: its error. */
		if (b == NULL)
			return ret < 0 ? ret : -EBADMSG;
		/* diag_dump() checked seq and portid when it read it. */
		ret = diag_rewalk(b->data, b->len, row_cb, ctx);
		free(b);
		if (ret <= 0)
			return ret;
	}
}

/* Step i's turn: its queue, or, for the first dump and any whose thread
 * could not start, straight from the kernel. */
static int
from_queue(void *arg, size_t i, struct row_ctx *ctx)
{
	struct shared *sh = arg;

	pthread_mutex_lock(&sh->lock);
	sh->cur = i;
	pthread_cond_broadcast(&sh->room);
	pthread_mutex_unlock(&sh->lock);
	if (sh->started[i])
		return write_queued(sh, i, ctx);
	return diag_dump(sh->d[i], &sh->p->steps[i], row_cb, ctx);
}

static int
run_in_order(struct shared *sh, struct listing_result *res)
{
	const struct listing_plan *p = sh->p;
	struct worker w[QUERY_MAX_STEPS];
	pthread_t tid[QUERY_MAX_STEPS];
	bool *started = sh->started;
	struct block *b;
	size_t i;
	int ret;

	memset(w, 0, sizeof(w));
	for (i = 0; i < p->n; i++) {
		w[i].sh = sh;
		w[i].step = i;
	}
	start(tid, started, p->n, read_ahead_thread, w);
	ret = in_turn(p, sh->sink, sh->mptcp, sh->next, p->n, from_queue, sh,
	    res, &sh->stopped);
	stop_all(sh);
	for (i = 1; i < p->n; i++) {
		if (!started[i])
			continue;
		pthread_join(tid[i], NULL);
		while ((b = sh->head[i]) != NULL) {
			sh->head[i] = b->next;
			free(b);
		}
	}
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
	struct sock_entry sk;
	size_t i, off;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	/*
	 * The rows were kept before their owners were known: a pid or
	 * process term ("maybe" then) is decided now (passes()), and
	 * --check -q stops at the first row that passes.
	 */
	for (i = 0; i < p->n && ret == 0; i++)
		for (c = k->head[i]; c != NULL && ret == 0; c = c->next)
			for (off = 0; off < c->used && ret == 0;) {
				off += keep_get(c->data + off, &sk);
				if (p->filter != NULL && !passes(p, &sk))
					continue;
				ret = put(sink, &sk, i);
				if (ret == 0 && p->first_only)
					ret = 1;
			}
	if (ret > 0)
		ret = 0;
	if (ret < 0)
		res->write_err = ret;
	res->rows = rows_now(sink) - before;
	return ret;
}
