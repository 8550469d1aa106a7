/*
 * emit.c - --emit-policy: a policy file, in the filter language, that
 * accepts exactly what the scoped listing sees now
 *
 * The rows are kept (what each exception needs of them) until
 * writer_end(); then the cgroup v2 tree is walked once to name the
 * cgroups they are in, and the policy is written sorted by exception.
 * Services are written "unit? NAME" and "container? ID": a service that
 * has stopped holds no socket, so the policy still applies (a stopped
 * systemd service loses its cgroup, and "unit NAME" would then be an
 * error).
 *
 * Every name that goes into an exception is one the parser reads back as
 * one word, never an operator; anything else from a process, a cgroup
 * or a namespace label goes into a comment only, escaped (fmt_quote()),
 * so no byte of it can end the comment or start a term.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cgroup.h"
#include "emit.h"
#include "fmt.h"
#include "netns.h"

struct finding {
	uint64_t cgroup_id;
	uint16_t port;
	char comm[16]; /* the first owner's, raw; "" if none */
	char note[200]; /* the comment, escaped */
	char clause[160]; /* the exception, once the cgroups are named */
	size_t seq;
};

struct emit {
	const char *header;
	struct finding *v;
	size_t n, cap;
	/* The cgroups of the findings: ids sorted, paths once walked. */
	uint64_t *ids;
	char **paths;
	size_t nids;
	int err;
};

static const char *const op_words[] = { "and", "or", "not", "eq", "neq", "ne",
	"lt", "gt", "le", "ge", NULL };

int
emit_clause(
    char *clause, size_t len, const char *kind, const char *name, size_t n)
{
	const char *const *w;
	size_t i;

	if (n == 0 || n > 100)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') ||
			strchr("._@:+-", c) != NULL) ||
		    c == '\0')
			return -EINVAL;
	}
	for (w = op_words; *w != NULL; w++)
		if (strlen(*w) == n && strncmp(*w, name, n) == 0)
			return -EINVAL;
	if ((size_t)snprintf(clause, len, "%s %.*s", kind, (int)n, name) >= len)
		return -EINVAL;
	return 0;
}

static int
emit_begin(struct writer *w)
{
	struct emit *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		w->priv = NULL; /* emit_end() then writes nothing */
		return -ENOMEM;
	}
	e->header = w->priv;
	w->priv = e;
	return 0;
}

static int
emit_netns_begin(struct writer *w)
{
	(void)w;
	return 0;
}

static int
emit_row(struct writer *w, const struct out_row *row)
{
	struct emit *e = w->priv;
	const struct sock_entry *sk = row->sk;
	char addr[FMT_ADDR_MAX + 1], q[4 * 64 + 8], qns[4 * 64 + 8];
	const uint8_t *a = sk->local_addr;
	struct procmap_owner o;
	struct procmap_iter it;
	struct finding *f;
	int family;

	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 64;
		struct finding *v = realloc(e->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		e->v = v;
		e->cap = cap;
	}
	f = &e->v[e->n];
	memset(f, 0, sizeof(*f));
	f->seq = e->n++;
	f->cgroup_id = sk->cgroup_id;
	f->port = sk->local_port;
	family = fmt_unmap(sk->family, &a, false);
	*fmt_addr(addr, family, a) = '\0';
	q[0] = '\0';
	if (row->procs != NULL) {
		procmap_lookup(row->procs, sk->inode, &it);
		if (procmap_next(&it, &o)) {
			size_t n = o.comm_len < sizeof(f->comm) - 1
			    ? o.comm_len
			    : sizeof(f->comm) - 1;

			memcpy(f->comm, o.comm, n);
			fmt_quote(q, o.comm, o.comm_len, 64);
			snprintf(q + strlen(q), sizeof(q) - strlen(q),
			    " (pid %d)", o.pid);
		}
	}
	qns[0] = '\0';
	if (w->ns.name != NULL)
		fmt_quote(qns, w->ns.name, strlen(w->ns.name), 64);
	snprintf(f->note, sizeof(f->note), "%s %s%s%s:%u%s%s%s%s",
	    output_proto_name(sk->protocol), family == AF_INET6 ? "[" : "",
	    addr, family == AF_INET6 ? "]" : "", sk->local_port,
	    q[0] != '\0' ? " " : "", q, qns[0] != '\0' ? " netns " : "", qns);
	return 0;
}

static int
emit_netns_end(struct writer *w, const struct out_status *st)
{
	(void)w;
	(void)st;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
name_cb(const char *path, uint64_t id, void *arg)
{
	struct emit *e = arg;
	uint64_t *at = bsearch(&id, e->ids, e->nids, sizeof(id), cmp_u64);

	if (at != NULL && e->paths[at - e->ids] == NULL) {
		e->paths[at - e->ids] = strdup(path);
		if (e->paths[at - e->ids] == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* Finds the cgroup path of every finding's cgroup id (NULL: unknown). */
static int
name_cgroups(struct emit *e)
{
	size_t i, k = 0;
	int ret;

	e->ids = calloc(e->n + 1, sizeof(*e->ids));
	e->paths = calloc(e->n + 1, sizeof(*e->paths));
	if (e->ids == NULL || e->paths == NULL)
		return -ENOMEM;
	for (i = 0; i < e->n; i++)
		if (e->v[i].cgroup_id != 0)
			e->ids[k++] = e->v[i].cgroup_id;
	qsort(e->ids, k, sizeof(*e->ids), cmp_u64);
	for (i = 0; i < k; i++)
		if (e->nids == 0 || e->ids[e->nids - 1] != e->ids[i])
			e->ids[e->nids++] = e->ids[i];
	if (e->nids == 0)
		return 0;
	ret = cgroup_walk(name_cb, e);
	/* Without cgroup v2 no socket is named by its cgroup. */
	return ret == -ENODEV ? 0 : ret;
}

static const char *
path_of(const struct emit *e, uint64_t id)
{
	uint64_t *at;

	if (id == 0)
		return NULL;
	at = bsearch(&id, e->ids, e->nids, sizeof(id), cmp_u64);
	return at != NULL ? e->paths[at - e->ids] : NULL;
}

/* The exception for one finding: container, service, process, port. */
static void
make_clause(const struct emit *e, struct finding *f)
{
	const char *path = path_of(e, f->cgroup_id);
	char text[4200], label[96], port[32];
	const char *id;

	snprintf(port, sizeof(port), "sport = :%u", f->port);
	if (path != NULL) {
		snprintf(text, sizeof(text), "0::%s", path);
		netns_container(text, strlen(text), label, sizeof(label));
		id = strchr(label, ':');
		if (id != NULL && strncmp(label, "systemd:", 8) != 0 &&
		    emit_clause(f->clause, sizeof(f->clause), "container?",
			label, strlen(label)) == 0)
			return;
		if (id != NULL && strncmp(label, "systemd:", 8) == 0 &&
		    strlen(id) > 9 &&
		    strcmp(id + strlen(id) - 8, ".service") == 0 &&
		    emit_clause(f->clause, sizeof(f->clause), "unit?", id + 1,
			strlen(id + 1)) == 0)
			return;
	}
	if (emit_clause(f->clause, sizeof(f->clause) - sizeof(port) - 5,
		"process", f->comm, strlen(f->comm)) == 0) {
		strcat(f->clause, " and ");
		strcat(f->clause, port);
		return;
	}
	snprintf(f->clause, sizeof(f->clause), "%s", port);
}

static int
by_clause(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->clause, y->clause);

	return c != 0 ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
emit_end(struct writer *w, const struct out_status *st)
{
	struct emit *e = w->priv;
	char q[4 * 400 + 8];
	size_t i, k;
	int ret;

	(void)st;
	if (e == NULL)
		return 0;
	ret = name_cgroups(e);
	if (ret == 0) {
		for (i = 0; i < e->n; i++)
			make_clause(e, &e->v[i]);
		if (e->n > 0) /* qsort(3) of no array: e->v may be NULL */
			qsort(e->v, e->n, sizeof(*e->v), by_clause);
		if (e->header != NULL)
			fprintf(w->out, "# %s\n",
			    fmt_quote(q, e->header, strlen(e->header), 400));
		fprintf(w->out,
		    "# %zu finding%s accepted; check with the same scope: "
		    "--check -q -F FILE\n",
		    e->n, e->n == 1 ? "" : "s");
		if (e->n == 0)
			fputs(
			    "sport >= 0\t# nothing was found: anything is new\n",
			    w->out);
		else
			fputs("not (\n", w->out);
		for (i = 0; i < e->n; i = k) {
			fprintf(w->out, "\t%s%s\t# %s\n", i == 0 ? "" : "or ",
			    e->v[i].clause, e->v[i].note);
			for (k = i + 1; k < e->n &&
			     strcmp(e->v[k].clause, e->v[i].clause) == 0;
			     k++)
				fprintf(w->out, "\t\t# and %s\n", e->v[k].note);
		}
		if (e->n > 0)
			fputs(")\n", w->out);
	}
	for (i = 0; i < e->nids; i++)
		free(e->paths[i]);
	free(e->paths);
	free(e->ids);
	free(e->v);
	free(e);
	w->priv = NULL;
	if (ret == 0 && (fflush(w->out) != 0 || ferror(w->out)))
		ret = -EIO;
	return ret;
}

static const struct writer_ops emit_ops = {
	.any_order = true,
	.begin = emit_begin,
	.netns_begin = emit_netns_begin,
	.row = emit_row,
	.netns_end = emit_netns_end,
	.end = emit_end,
};

void
emit_init(struct writer *w, FILE *out, const struct out_opts *opts,
    const char *header)
{
	writer_init(w, &emit_ops, out, opts);
	/* emit_begin() takes it over. */
	w->priv = (void *)(uintptr_t)header;
}
