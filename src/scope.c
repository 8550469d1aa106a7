/*
 * scope.c - which namespaces a run lists (-N, --all-netns), with -p's two
 * passes over them
 *
 * Under --all-netns each namespace gets its sock_diag sockets (one per
 * dump that runs at once) opened on a thread that entered it
 * (netns_call()); a socket keeps that namespace, so the dumps run from
 * here and nothing else moves.  Sockets per pass, closed after it: a host
 * with thousands of namespaces never holds thousands of descriptors.  A namespace that cannot be entered is marked,
 * counted once and skipped in later passes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "protos.h"
#include "scope.h"
#include "sysctl.h"

/*
 * What is opened inside a namespace: the sockets (one per dump that runs
 * at once, listing_plan_sockets()), and the sysctl that -s and --metrics
 * write.
 */
struct ns_handle {
	struct diag *d[QUERY_MAX_STEPS];
	size_t nd;
	bool summary;
	int bindv6only; /* -1 if unknown (no IPv6) or not asked for */
	bool ports; /* read the ephemeral port range (autobound) */
	struct filter_env env;
	/* /proc/net/raw and raw6 (AF_INET, AF_INET6), opened where the
	 * plan asks for raw: what listing.c reads if the kernel has no
	 * raw_diag.  -1 where not open. */
	const char *proc_root;
	bool raw[2];
	int raw_fds[2];
	/* The filter whose "dev NAME" terms are looked up in this
	 * namespace, or NULL; whether an index changed, the first name
	 * missing there. */
	struct filter *devs;
	bool devs_changed;
	const char *dev_missing;
};

/* A port number read as an int, held to 0-65535. */
static uint16_t
port_of(int v)
{
	return (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : v);
}

static void
close_raw(int fds[2])
{
	int i;

	for (i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

/* Which families of raw the plan dumps. */
static void
plan_raw(const struct listing_plan *p, bool raw[2])
{
	size_t i;

	raw[0] = raw[1] = false;
	for (i = 0; i < p->n; i++)
		if (p->steps[i].protocol == IPPROTO_RAW)
			raw[p->steps[i].family == AF_INET6] = true;
}

static void
close_sockets(struct diag *d[QUERY_MAX_STEPS])
{
	size_t i;

	for (i = 0; i < QUERY_MAX_STEPS; i++) {
		diag_free(d[i]);
		d[i] = NULL;
	}
}

/*
 * Opens the sock_diag sockets (and reads net.ipv6.bindv6only for -s and
 * --metrics) in the namespace the calling thread is in: /proc/sys/net
 * shows the sysctls of the reading thread's namespace
 * (fs/proc/proc_sysctl.c, net_ctl_is_seen() through net/sysctl_net.c).
 */
static int
open_cb(void *arg)
{
	struct ns_handle *h = arg;
	size_t i;
	int ret;

	/* An index means a device only in the namespace that gave it:
	 * if_nametoindex(3) asks through a socket, which belongs to the
	 * namespace of the thread that opened it. */
	if (h->devs != NULL)
		h->devs_changed = filter_resolve_devs(
		    h->devs, if_nametoindex, &h->dev_missing);
	h->bindv6only = -1;
	if (h->summary &&
	    sysctl_read_int(SYSCTL_BINDV6ONLY, &h->bindv6only) < 0)
		h->bindv6only = -1; /* no IPv6 in this kernel: "unknown" */
	if (h->ports) {
		int lo, hi;

		ret = sysctl_read_range(SYSCTL_PORT_RANGE, &lo, &hi);
		if (ret < 0)
			return ret;
		h->env.port_lo = port_of(lo);
		h->env.port_hi = port_of(hi);
	}
	memset(h->d, 0, sizeof(h->d));
	/* The calling thread's namespace: a /proc/net file keeps the one
	 * it was opened in (fs/proc/proc_net.c).  One that cannot be
	 * opened leaves raw without a stand-in, said as for any protocol
	 * the kernel cannot dump. */
	for (i = 0; i < 2; i++) {
		char path[PATH_MAX];

		h->raw_fds[i] = -1;
		if (!h->raw[i])
			continue;
		snprintf(path, sizeof(path), "%s/thread-self/net/%s",
		    h->proc_root, i == 0 ? "raw" : "raw6");
		h->raw_fds[i] = open(path, O_RDONLY | O_CLOEXEC);
	}
	for (i = 0; i < h->nd; i++) {
		h->d[i] = diag_new();
		if (h->d[i] == NULL) {
			ret = -errno;
			close_sockets(h->d);
			close_raw(h->raw_fds);
			return ret;
		}
	}
	return 0;
}

/* The argument is the user's, but may hold newlines or escapes. */
static void
fail(char *err, size_t errlen, const char *what, const char *arg, int error)
{
	char name[256];

	msg_set(err, errlen, error, "%s%s%s: %s", what, arg != NULL ? " " : "",
	    arg != NULL ? table_printable(arg, name, sizeof(name)) : "",
	    error == -EINVAL ? "not a network namespace" : strerror(-error));
}

/* The one namespace's sockets become the scope's source. */
static void
adopt(struct scope *s, const struct ns_handle *h)
{
	memcpy(s->d, h->d, sizeof(s->d));
	memcpy(s->raw_fds, h->raw_fds, sizeof(s->raw_fds));
	s->bindv6only = h->bindv6only;
	s->plan.env = h->env;
	source_init_diag(&s->own, s->d[0]);
	s->src = &s->own;
}

/*
 * The loaded protocols.  The list is the host's (net/core/sock.c keeps
 * one proto_list), so once serves every namespace.  Without it, TCP and
 * UDP alone: asking for nothing else can load nothing.
 */
static void
read_protos(struct scope *s, const char *proc_root)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/net/protocols", proc_root);
	if (protos_read(path, &s->protos) < 0)
		s->protos = protos_base();
}

/* The filter to look "dev NAME" up in each namespace, or NULL if none. */
static struct filter *
dev_filter(struct scope *s)
{
	return filter_has(&s->o.filter, FILTER_DEV) ? &s->o.filter : NULL;
}

/*
 * A plain run, -N or --replay lists one namespace: a device it does not
 * have is a mistake in the command line (under --all-netns it only
 * matches nothing there).  Otherwise the plan takes its indexes.
 */
static int
no_device(struct scope *s, const struct ns_handle *h, const char *where,
    char *err, size_t errlen)
{
	char name[4 * FILTER_IFNAME_LEN + 1];

	if (h->dev_missing != NULL) {
		msg_set(err, errlen, -ENODEV, "filter: no interface '%s' in %s",
		    table_printable(h->dev_missing, name, sizeof(name)), where);
		return -ENODEV;
	}
	if (h->devs != NULL)
		listing_plan_init(&s->plan, s->opts, s->protos);
	return 0;
}

/* --all-netns's list, or -errno (-ENOMEM; the proc root unreadable). */
static int
list_all(struct scope *s, struct netns_list *l)
{
	return netns_list_init(l, s->named_dir, s->proc_root,
	    strcmp(s->proc_root, NETNS_PROC_ROOT) == 0 ? NETNS_CGROUP_ROOT
						       : NULL);
}

/* -N LABEL: the namespace --all-netns labels so; err if none is. */
static int
open_label(struct scope *s, const char *label, int err)
{
	struct netns_list l;
	size_t i;
	int fd = err;

	if (list_all(s, &l) < 0)
		return err;
	for (i = 0; i < l.n; i++)
		if (strcmp(l.v[i].label, label) == 0) {
			fd = netns_open_entry(
			    &l.v[i], s->named_dir, s->proc_root);
			break;
		}
	netns_list_done(&l);
	return fd;
}

/*
 * -N: the namespace is labelled, and its holder and container named, as
 * --all-netns does, so that one namespace has one label (-N pid:PID and
 * /proc/PID/ns/net are "netns:INODE" too).  Where it is not found (an
 * unprivileged run, a bind mount elsewhere), the argument's label stays.
 */
static void
label_as_all(struct scope *s, const struct stat *st)
{
	struct netns_list l;
	size_t i;

	if (list_all(s, &l) < 0)
		return;
	for (i = 0; i < l.n; i++)
		if (l.v[i].ino == st->st_ino && l.v[i].dev == st->st_dev) {
			memcpy(s->netns_label, l.v[i].label,
			    sizeof(s->netns_label));
			memcpy(s->netns_container, l.v[i].container,
			    sizeof(s->netns_container));
			s->netns_pid = l.v[i].holder;
			break;
		}
	netns_list_done(&l);
}

int
scope_init(struct scope *s, const struct options *opts, const char *named_dir,
    const char *proc_root, char *err, size_t errlen)
{
	struct ns_handle h = { .summary = opts->summary || opts->metrics,
		.ports = filter_has(&opts->filter, FILTER_AUTOBOUND) };
	char name[256], where[300];
	struct stat st;
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->raw_fds[0] = s->raw_fds[1] = -1;
	/* A copy: its "dev NAME" terms get each namespace's index. */
	s->o = *opts;
	opts = s->opts = &s->o;
	h.devs = dev_filter(s);
	read_protos(s, proc_root);
	listing_plan_init(&s->plan, opts, s->protos);
	h.nd = listing_plan_sockets(&s->plan);
	h.proc_root = proc_root;
	plan_raw(&s->plan, h.raw);
	s->named_dir = named_dir;
	s->proc_root = proc_root;
	s->bindv6only = -1;
	if (opts->all_netns) {
		ret = list_all(s, &s->list);
		if (ret < 0) {
			msg_set(err, errlen, ret, "--all-netns: reading %s: %s",
			    proc_root, strerror(-ret));
			return ret;
		}
		s->failed = calloc(s->list.n > 0 ? s->list.n : 1, 1);
		if (s->failed == NULL) {
			netns_list_done(&s->list);
			snprintf(
			    err, errlen, "--all-netns: %s", strerror(ENOMEM));
			return -ENOMEM;
		}
		s->res.ns_total = (unsigned int)s->list.n;
		s->res.ns_unreadable = s->list.unreadable;
		memcpy(s->res.unreadable_pids, s->list.unreadable_pids,
		    sizeof(s->res.unreadable_pids));
		return 0;
	}
	if (opts->replay != NULL) {
		/* A replay's indexes are read as this namespace's. */
		if (h.devs != NULL)
			filter_resolve_devs(
			    h.devs, if_nametoindex, &h.dev_missing);
		return no_device(s, &h, "this network namespace", err, errlen);
	}
	if (opts->netns == NULL) {
		ret = open_cb(&h);
		if (ret < 0) {
			msg_set(err, errlen, ret, "sock_diag socket: %s",
			    strerror(-ret));
			return ret;
		}
		adopt(s, &h);
		return no_device(s, &h, "this network namespace", err, errlen);
	}
	fd = netns_open(opts->netns, named_dir, proc_root, s->netns_label);
	/* A label --all-netns prints ("netns:4026532711", "docker:..."). */
	if ((fd == -ENOENT || fd == -ESRCH) && strchr(opts->netns, '/') == NULL)
		fd = open_label(s, opts->netns, fd);
	if (fd < 0) {
		fail(err, errlen, "network namespace", opts->netns, fd);
		return fd;
	}
	if (fstat(fd, &st) == 0) {
		s->netns_inode = st.st_ino;
		label_as_all(s, &st);
	}
	ret = netns_call(fd, open_cb, &h);
	close(fd);
	if (ret < 0) {
		fail(err, errlen, "network namespace", opts->netns, ret);
		return ret;
	}
	adopt(s, &h);
	table_printable(opts->netns, name, sizeof(name));
	snprintf(where, sizeof(where), "network namespace %s", name);
	return no_device(s, &h, where, err, errlen);
}

void
scope_set_source(struct scope *s, const struct source *src)
{
	s->src = src;
}

void
scope_done(struct scope *s)
{
	close_sockets(s->d);
	close_raw(s->raw_fds);
	listing_keep_free(s->keep);
	s->keep = NULL;
	netns_list_done(&s->list);
	free(s->failed);
	s->src = NULL;
	s->failed = NULL;
}

/* The plan, with this namespace's device indexes where they differ. */
static bool
replan(struct scope *s, const struct ns_handle *h)
{
	const struct procmap *owners = s->plan.owners;

	/* listing_plan_init() starts afresh: the owners stay known. */
	if (h->devs_changed) {
		listing_plan_init(&s->plan, s->opts, s->protos);
		s->plan.owners = owners;
	}
	return true;
}

/*
 * Opens what plan p needs inside entry i into h: 0, or -errno (-ENOENT
 * or -ESRCH: its holders have exited since the scan).  Touches nothing
 * shared, but the filter's "dev NAME" indexes (dev_filter()).
 */
static int
open_entry(struct scope *s, const struct listing_plan *p, size_t i,
    struct ns_handle *h)
{
	const struct netns_entry *e = &s->list.v[i];
	int fd, ret;

	h->summary = s->opts->summary || s->opts->metrics;
	h->ports = filter_has(&s->opts->filter, FILTER_AUTOBOUND);
	h->nd = listing_plan_sockets(p);
	h->proc_root = s->proc_root;
	plan_raw(p, h->raw);
	h->devs = dev_filter(s);
	h->devs_changed = false;
	h->dev_missing = NULL;
	/* Ours needs no setns(), which an unprivileged user cannot do. */
	if (e->own && open_cb(h) == 0)
		return 0;
	fd = netns_open_entry(e, s->named_dir, s->proc_root);
	ret = fd;
	if (fd >= 0) {
		ret = netns_call(fd, open_cb, h);
		close(fd);
	}
	return ret;
}

/* Entry i could not be entered: marked, and counted unless gone. */
static void
note_failed(struct scope *s, size_t i, int ret)
{
	s->failed[i] = true;
	/* Its holders exited between the scan and now: gone, it holds no
	 * sockets, and leaves the listing whole. */
	if (ret == -ENOENT || ret == -ESRCH)
		return;
	if (s->res.ns_failed == 0)
		s->res.first_failed_err = ret;
	if (s->res.ns_failed < NETNS_NAMED_PIDS)
		snprintf(s->res.first_failed[s->res.ns_failed],
		    sizeof(s->res.first_failed[0]), "%s", s->list.v[i].label);
	s->res.ns_failed++;
}

/* Opens what we need inside entry i, or marks it failed (false). */
static bool
enter(struct scope *s, size_t i, struct ns_handle *h)
{
	int ret;

	if (s->failed[i])
		return false;
	ret = open_entry(s, &s->plan, i, h);
	if (ret < 0) {
		note_failed(s, i, ret);
		return false;
	}
	return replan(s, h);
}

/* Adds one namespace's result to the run's. */
static void
merge(struct scope_result *res, const struct listing_result *lr,
    const char *label)
{
	struct listing_result *all = &res->listing;
	unsigned int i, j;

	for (i = 0; i < lr->nmissing; i++) {
		for (j = 0; j < all->nmissing; j++)
			if (all->missing[j].family == lr->missing[i].family &&
			    all->missing[j].protocol == lr->missing[i].protocol)
				break;
		if (j == all->nmissing && j < QUERY_MAX_STEPS)
			all->missing[all->nmissing++] = lr->missing[i];
	}
	all->rows += lr->rows;
	all->raw_inexact |= lr->raw_inexact;
	if (lr->write_err != 0 || lr->err_family != 0) {
		all->write_err = lr->write_err;
		all->err_family = lr->err_family;
		all->err_protocol = lr->err_protocol;
		snprintf(res->err_netns, sizeof(res->err_netns), "%s",
		    label != NULL ? label : "");
	}
}

/* --check -q: the first match anywhere answers. */
static bool
answered(const struct scope *s)
{
	return s->opts->check && s->opts->quiet && s->res.listing.rows > 0;
}

/* What a writer is told about one namespace's listing. */
static void
status_of(const struct listing_result *lr, int ret, struct out_status *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < lr->nmissing && i < OUT_MISSING_MAX; i++) {
		st->missing[i].family = lr->missing[i].family;
		st->missing[i].protocol = lr->missing[i].protocol;
	}
	st->nmissing = i;
	st->complete = ret == 0 && lr->nmissing == 0;
}

/*
 * Runs the plan in one namespace: from its kernel sockets d (concurrently
 * where that pays), or in turn from src (--dump-raw, --replay) when d is
 * NULL.
 */
static int
run(struct scope *s, const struct source *src, struct diag *const *d,
    const struct listing_sink *sink, struct listing_result *lr)
{
	if (d != NULL)
		return listing_run_diag(&s->plan, d, sink, lr);
	return listing_run(&s->plan, src, sink, lr);
}

/* Lists rows kept before (keep), with the outcome of their dumps. */
static int
run_kept(struct scope *s, const struct listing_keep *keep,
    const struct listing_result *klr, int kret, const struct listing_sink *sink,
    struct listing_result *lr)
{
	struct listing_result wr;
	int ret;

	ret = listing_keep_write(keep, &s->plan, sink, &wr);
	*lr = *klr;
	lr->rows = wr.rows;
	lr->write_err = wr.write_err;
	return ret < 0 ? ret : kret;
}

/*
 * --all-netns on two CPUs or more: while this thread lists entry i,
 * helper threads dump the next ones (at most AHEAD ahead), each through
 * sockets of its own, into kept rows (listing_keep_new()).  Most of a
 * small namespace's time is the kernel walking its global hash tables
 * once per dump (issue 20: about 10 ms), so two namespaces' dumps then
 * run at once.  This thread still writes every namespace in the list's
 * order: one no helper took it lists itself, as on one CPU, and one
 * whose rows pass AHEAD_BYTES it lists again itself, so memory stays
 * bounded by AHEAD x AHEAD_BYTES.  Each helper's plan is a copy: the
 * plans differ only by "dev NAME" indexes, which keep everything here.
 */
#define AHEAD 8
#define AHEAD_BYTES (256U * 1024)

struct ahead_slot {
	size_t i; /* the entry */
	bool done;
	/* 0: dumped into keep; -errno: could not enter; AHEAD_SKIP: marked
	 * failed by an earlier pass; AHEAD_LIVE: left to the lister. */
	int open_ret;
	struct ns_handle h;
	struct listing_keep *keep;
	struct listing_result lr;
	int ret;
};

#define AHEAD_SKIP 1
#define AHEAD_LIVE 2

struct ahead {
	struct scope *s;
	struct listing_plan plan; /* s->plan, the dumps in turn */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t next; /* the next entry to take */
	size_t cur; /* the entry being listed */
	bool stop;
	struct ahead_slot slot[AHEAD];
	pthread_t tid[AHEAD - 1];
	size_t nthreads;
};

static void
ahead_release(struct ahead_slot *sl)
{
	if (sl->open_ret == 0) {
		close_sockets(sl->h.d);
		close_raw(sl->h.raw_fds);
	}
	listing_keep_free(sl->keep);
	sl->keep = NULL;
	sl->open_ret = AHEAD_SKIP;
}

/* Enters slot sl's entry and keeps its rows, on a helper thread. */
static void
ahead_dump(struct ahead *a, struct ahead_slot *sl)
{
	struct scope *s = a->s;
	struct listing_plan p = a->plan;
	struct listing_sink sink = { 0 };

	sl->keep = NULL;
	if (s->failed[sl->i]) {
		sl->open_ret = AHEAD_SKIP;
		return;
	}
	sl->open_ret = open_entry(s, &p, sl->i, &sl->h);
	if (sl->open_ret < 0)
		return;
	sl->keep = listing_keep_new();
	if (sl->keep != NULL) {
		listing_keep_limit(sl->keep, AHEAD_BYTES);
		p.env = sl->h.env;
		sink.keep = sl->keep;
		sink.raw_fds = sl->h.raw_fds;
		sl->ret = listing_run_diag(&p, sl->h.d, &sink, &sl->lr);
		/* Without a writer, a failed write is a row not kept
		 * (-E2BIG: past the bound; -ENOMEM). */
		if (sl->lr.write_err == 0)
			return;
	}
	ahead_release(sl);
	sl->open_ret = AHEAD_LIVE;
}

/*
 * Takes the next entry within AHEAD of the one listed and keeps its rows;
 * false if there is none to take now.  Called and returns with the lock.
 */
static bool
ahead_work(struct ahead *a)
{
	struct ahead_slot *sl;

	if (a->stop || a->next >= a->s->list.n || a->next >= a->cur + AHEAD)
		return false;
	sl = &a->slot[a->next % AHEAD];
	sl->i = a->next++;
	sl->done = false;
	pthread_mutex_unlock(&a->lock);
	ahead_dump(a, sl);
	pthread_mutex_lock(&a->lock);
	sl->done = true;
	pthread_cond_broadcast(&a->cond);
	return true;
}

static void *
ahead_thread(void *arg)
{
	struct ahead *a = arg;

	pthread_mutex_lock(&a->lock);
	while (!a->stop && a->next < a->s->list.n)
		if (!ahead_work(a))
			pthread_cond_wait(&a->cond, &a->lock);
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

/* Starts the helpers (none on one CPU); false if none run. */
static bool
ahead_start(struct ahead *a, struct scope *s)
{
	size_t n = s->plan.cpus - 1, k;

	if (s->plan.cpus < 2 || s->list.n < 2 || dev_filter(s) != NULL)
		return false;
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->plan = s->plan;
	a->plan.cpus = 1;
	for (k = 0; k < AHEAD; k++)
		a->slot[k].open_ret = AHEAD_SKIP;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (n > AHEAD - 1)
		n = AHEAD - 1;
	for (a->nthreads = 0; a->nthreads < n; a->nthreads++)
		if (pthread_create(
			&a->tid[a->nthreads], NULL, ahead_thread, a) != 0)
			break;
	return true;
}

/*
 * Entry i: its slot once a helper has dumped it, or NULL for the caller
 * to list it itself.  While a helper dumps it, the caller dumps the next
 * one not taken, as a helper: so both CPUs dump all along.
 */
static struct ahead_slot *
ahead_take(struct ahead *a, size_t i)
{
	struct ahead_slot *sl = NULL;

	pthread_mutex_lock(&a->lock);
	a->cur = i;
	pthread_cond_broadcast(&a->cond);
	if (a->next <= i) {
		a->next = i + 1;
	} else {
		sl = &a->slot[i % AHEAD];
		while (!sl->done)
			if (!ahead_work(a))
				pthread_cond_wait(&a->cond, &a->lock);
	}
	pthread_mutex_unlock(&a->lock);
	return sl;
}

/* Stops the helpers; what they dumped past entry i goes unlisted. */
static void
ahead_stop(struct ahead *a, size_t i)
{
	size_t k;

	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	for (k = 0; k < a->nthreads; k++)
		pthread_join(a->tid[k], NULL);
	for (k = i; k < a->next; k++)
		ahead_release(&a->slot[k % AHEAD]);
	pthread_cond_destroy(&a->cond);
	pthread_mutex_destroy(&a->lock);
}

/*
 * Lists one namespace through w between writer_netns_begin() and
 * writer_netns_end(), or collects its inodes into m (w NULL); from the
 * rows a helper kept (pre), or else from its dumps.
 */
static int
pass_one(struct scope *s, const struct source *src, struct diag *const *d,
    const int *raw_fds, const struct out_netns *ns, struct writer *w,
    struct procmap *collect, const struct procmap *procs,
    const struct ahead_slot *pre)
{
	/* The owners are shown with -p (and named by --emit-policy); a
	 * filter may need them alone. */
	struct out_row base = {
		.procs =
		    s->opts->processes || s->opts->emit_policy ? procs : NULL
	};
	struct listing_sink sink = { .w = w,
		.collect = collect,
		.base = &base,
		/* --dump-raw records through s->d; a replay has none. */
		.names = d != NULL ? d[0] : s->d[0],
		.raw_fds = raw_fds };
	struct listing_result lr;
	struct out_status st;
	int ret, end;

	if (collect != NULL) {
		if (pre != NULL) {
			ret = run_kept(
			    s, pre->keep, &pre->lr, pre->ret, &sink, &lr);
			merge(&s->res, &lr, ns->name);
			return ret;
		}
		sink.keep = s->keep;
		ret = run(s, src, d, &sink, &lr);
		s->keep_lr = lr;
		s->keep_ret = ret;
		merge(&s->res, &lr, ns->name);
		return ret;
	}
	ret = writer_netns_begin(w, ns);
	if (ret < 0) {
		memset(&lr, 0, sizeof(lr));
		lr.write_err = ret;
	} else {
		if (pre != NULL)
			ret = run_kept(
			    s, pre->keep, &pre->lr, pre->ret, &sink, &lr);
		else if (s->keep != NULL)
			ret = run_kept(
			    s, s->keep, &s->keep_lr, s->keep_ret, &sink, &lr);
		else
			ret = run(s, src, d, &sink, &lr);
		status_of(&lr, ret, &st);
		end = writer_netns_end(w, &st);
		if (end < 0 && lr.write_err == 0)
			lr.write_err = end;
		if (ret == 0)
			ret = end;
	}
	merge(&s->res, &lr, ns->name);
	return ret;
}

/* Runs one pass (collect into m, or list through w) in every namespace. */
static int
pass(struct scope *s, struct writer *w, struct procmap *collect,
    const struct procmap *procs)
{
	struct out_netns ns = { .bindv6only = s->bindv6only };
	struct ahead a;
	struct ahead_slot *sl = NULL;
	struct ns_handle h, *hp;
	bool helped;
	size_t i;
	int ret = 0;

	if (!s->opts->all_netns) {
		/* -N: rows say which namespace, as under --all-netns. */
		if (s->opts->netns != NULL) {
			ns.name = s->netns_label;
			ns.inode = s->netns_inode;
			ns.pid = s->netns_pid;
			ns.container = s->netns_container[0] != '\0'
			    ? s->netns_container
			    : NULL;
		}
		/* Only the kernel's own answers have /proc to stand in:
		 * not a replay, nor what --dump-raw records. */
		return pass_one(s, s->src, s->src == &s->own ? s->d : NULL,
		    s->src == &s->own ? s->raw_fds : NULL, &ns, w, collect,
		    procs, NULL);
	}
	helped = ahead_start(&a, s);
	for (i = 0; i < s->list.n && !answered(s); i++) {
		sl = helped ? ahead_take(&a, i) : NULL;
		if (sl != NULL && sl->open_ret == AHEAD_LIVE)
			sl = NULL;
		if (sl == NULL) {
			if (!enter(s, i, &h))
				continue;
			hp = &h;
		} else if (sl->open_ret != 0) {
			if (sl->open_ret < 0)
				note_failed(s, i, sl->open_ret);
			continue;
		} else {
			hp = &sl->h;
		}
		ns.name = s->list.v[i].label;
		ns.inode = s->list.v[i].ino;
		ns.container = s->list.v[i].container[0] != '\0'
		    ? s->list.v[i].container
		    : NULL;
		ns.bindv6only = hp->bindv6only;
		ns.pid = s->list.v[i].holder;
		s->plan.env = hp->env;
		ret = pass_one(
		    s, NULL, hp->d, hp->raw_fds, &ns, w, collect, procs, sl);
		if (sl != NULL) {
			ahead_release(sl);
		} else {
			close_sockets(h.d);
			close_raw(h.raw_fds);
		}
		if (ret < 0)
			break;
	}
	if (helped)
		ahead_stop(&a, i);
	return ret;
}

int
scope_collect(struct scope *s, struct procmap *m)
{
	bool first_only;
	int ret;

	/*
	 * One namespace from the kernel: the rows are kept, so the run
	 * dumps once (--dump-raw records the listing's dumps: not there).
	 */
	if (!s->opts->all_netns && s->src == &s->own &&
	    s->opts->dump_raw == NULL) {
		s->keep = listing_keep_new();
		if (s->keep == NULL)
			return -ENOMEM;
	}
	/* --check -q with a pid or process term: the first socket that
	 * may match is not the answer, every one must be collected.  Even
	 * listing every socket, the wanted set comes from the dumps: the
	 * walk meets the sockets of every namespace of the host, and only
	 * those listed may be kept (issue 20).  procmap_want_done() lets a
	 * walk started beside this pass filter by the set. */
	first_only = s->plan.first_only;
	s->plan.first_only = false;
	ret = pass(s, NULL, m, NULL);
	s->plan.first_only = first_only;
	procmap_want_done(m);
	return ret;
}

int
scope_list(struct scope *s, struct writer *w, const struct procmap *m)
{
	struct scope_result *res = &s->res;
	struct out_status st;
	int ret, end;

	ret = writer_begin(w);
	if (ret < 0) {
		res->listing.write_err = ret;
		return ret;
	}
	s->plan.owners = m;
	ret = pass(s, w, NULL, m);
	res->unowned = w->unowned;
	status_of(&res->listing, ret, &st);
	st.ns_total = res->ns_total;
	st.ns_failed = res->ns_failed;
	st.ns_unreadable = res->ns_unreadable;
	if (res->ns_failed > 0 || res->ns_unreadable > 0)
		st.complete = false;
	end = writer_end(w, &st);
	if (end < 0 && res->listing.write_err == 0)
		res->listing.write_err = end;
	return ret;
}
