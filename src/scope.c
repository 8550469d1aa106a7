/*
 * scope.c - which namespaces a run lists (-N, --all-netns), with -p's two
 * passes over them
 *
 * Under --all-netns each namespace gets a sock_diag socket opened on a
 * thread that entered it (netns_call()); the socket keeps that namespace,
 * so the dumps run from here and nothing else moves.  A socket per pass,
 * closed after it: a host with thousands of namespaces never holds
 * thousands of descriptors.  A namespace that cannot be entered is marked,
 * counted once and skipped in later passes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scope.h"

static int
open_diag_cb(void *arg)
{
	struct diag **dp = arg;

	*dp = diag_new();
	return *dp != NULL ? 0 : -errno;
}

static void
fail(char *err, size_t errlen, const char *what, const char *arg, int error)
{
	snprintf(err, errlen, "%s%s%s: %s", what, arg != NULL ? " " : "",
	    arg != NULL ? arg : "",
	    error == -EINVAL ? "not a network namespace" : strerror(-error));
}

int
scope_init(struct scope *s, const struct options *opts, const char *named_dir,
    const char *proc_root, char *err, size_t errlen)
{
	int fd, ret;

	memset(s, 0, sizeof(*s));
	s->opts = opts;
	s->named_dir = named_dir;
	s->proc_root = proc_root;
	if (opts->all_netns) {
		ret = netns_list_init(&s->list, named_dir, proc_root);
		if (ret < 0) {
			snprintf(err, errlen, "--all-netns: reading %s: %s",
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
		return 0;
	}
	if (opts->netns == NULL) {
		s->d = diag_new();
		if (s->d == NULL) {
			ret = -errno;
			snprintf(err, errlen, "sock_diag socket: %s",
			    strerror(errno));
			return ret;
		}
		return 0;
	}
	fd = netns_open(opts->netns, named_dir);
	if (fd < 0) {
		fail(err, errlen, "network namespace", opts->netns,
		    fd == -EINVAL ? -ENOENT : fd);
		return fd;
	}
	ret = netns_call(fd, open_diag_cb, &s->d);
	close(fd);
	if (ret < 0) {
		fail(err, errlen, "network namespace", opts->netns, ret);
		return ret;
	}
	return 0;
}

void
scope_done(struct scope *s)
{
	diag_free(s->d);
	netns_list_done(&s->list);
	free(s->failed);
	s->d = NULL;
	s->failed = NULL;
}

/* Opens a sock_diag socket inside entry i, or marks it failed (NULL). */
static struct diag *
enter(struct scope *s, size_t i)
{
	const struct netns_entry *e = &s->list.v[i];
	struct diag *d = NULL;
	int fd, ret;

	if (s->failed[i])
		return NULL;
	fd = netns_open_entry(e, s->named_dir, s->proc_root);
	ret = fd;
	if (fd >= 0) {
		ret = netns_call(fd, open_diag_cb, &d);
		close(fd);
	}
	if (ret < 0) {
		s->failed[i] = true;
		if (s->res.ns_failed++ == 0) {
			s->res.first_failed = e->label;
			s->res.first_failed_err = ret;
		}
		return NULL;
	}
	return d;
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
	if (lr->write_err != 0 || lr->err_family != 0) {
		all->write_err = lr->write_err;
		all->err_family = lr->err_family;
		all->err_protocol = lr->err_protocol;
		res->err_netns = label;
	}
}

/* Runs one pass (collect into m, or list through w) in every namespace. */
static int
pass(struct scope *s, struct writer *w, struct procmap *collect,
    const struct procmap *procs)
{
	struct out_row base = { .procs = procs };
	struct listing_result lr;
	struct diag *d;
	size_t i;
	int ret;

	if (!s->opts->all_netns) {
		if (collect != NULL)
			ret = listing_collect(s->d, s->opts, collect, &lr);
		else
			ret = listing_run(s->d, s->opts, w, &base, &lr);
		merge(&s->res, &lr, NULL);
		return ret;
	}
	for (i = 0; i < s->list.n; i++) {
		d = enter(s, i);
		if (d == NULL)
			continue;
		base.netns = s->list.v[i].label;
		base.netns_inode = s->list.v[i].ino;
		if (collect != NULL)
			ret = listing_collect(d, s->opts, collect, &lr);
		else
			ret = listing_run(d, s->opts, w, &base, &lr);
		diag_free(d);
		merge(&s->res, &lr, base.netns);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
scope_collect(struct scope *s, struct procmap *m)
{
	return pass(s, NULL, m, NULL);
}

int
scope_list(struct scope *s, struct writer *w, const struct procmap *m)
{
	return pass(s, w, NULL, m);
}
