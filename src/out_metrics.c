/*
 * out_metrics.c - the --metrics writer: Prometheus text format 0.0.4
 *
 * Every sample of one metric must be written together, after its HELP and
 * TYPE lines, but the namespaces come one after the other.  So the socket
 * counts are written as each namespace ends (dualstat_sockets comes
 * first), and what belongs to later metrics is kept until writer_end():
 * one line per namespace for dualstat_bindv6only, and one label set per
 * listener for dualstat_listener_info.  Memory grows with the namespaces
 * and the listeners written, never with the connections: per-connection
 * series are never written.
 *
 * Listeners whose labels come out the same (SO_REUSEPORT groups, or the
 * same port in two families of one mode) are one series whose value is
 * their number, so no series is ever written twice.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fmt.h"
#include "output.h"

/* -p: at most this many distinct owner names in a process label. */
#define COMMS_MAX 8
#define COMM_LEN 16 /* TASK_COMM_LEN, include/linux/sched.h */

struct metrics_state {
	FILE *bindv6only; /* the dualstat_bindv6only samples */
	char *bindv6only_text;
	size_t bindv6only_len;
	char **listeners; /* label sets, as written between the braces */
	size_t nlisteners, cap;
};

void
metrics_write_label(FILE *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, len;

	while (i < n) {
		if (u[i] == '\\' || u[i] == '"') {
			fputc('\\', out);
			fputc(u[i++], out);
		} else if (u[i] == '\n') {
			fputs("\\n", out);
			i++;
		} else if ((len = fmt_printable_len(u + i, n - i)) > 0) {
			fwrite(u + i, 1, len, out);
			i += len;
		} else {
			/* The value holds the text \xHH: the format's only
			 * escapes are \\, \" and \n. */
			fputs("\\\\x", out);
			fputc(hex[u[i] >> 4], out);
			fputc(hex[u[i] & 0xf], out);
			i++;
		}
	}
}

static void
put_label(FILE *out, const char *name, const char *value, bool comma)
{
	fprintf(out, "%s%s=\"", comma ? "," : "", name);
	metrics_write_label(out, value, strlen(value));
	fputc('"', out);
}

/* The netns label: --all-netns's name, -N's argument, or "". */
static const char *
netns_label(const struct writer *w)
{
	if (w->ns.name != NULL)
		return w->ns.name;
	return w->opts.metrics.netns != NULL ? w->opts.metrics.netns : "";
}

static void
put_help(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
metrics_begin(struct writer *w)
{
	struct metrics_state *m;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->bindv6only = open_memstream(&m->bindv6only_text, &m->bindv6only_len);
	if (m->bindv6only == NULL) {
		free(m);
		return -ENOMEM;
	}
	w->priv = m;
	put_help(w->out, "dualstat_sockets", "gauge",
	    "Sockets per network namespace, protocol, state group and mode, "
	    "as dualstat -s counts them.");
	return 0;
}

static int
metrics_netns_begin(struct writer *w)
{
	memset(w->counts, 0, sizeof(w->counts));
	return 0;
}

/* "nginx" or "nginx,sshd": the distinct owner names, sorted. */
static void
put_owners(FILE *out, const struct procmap *m, uint32_t inode)
{
	char comms[COMMS_MAX][COMM_LEN + 1], text[COMMS_MAX * (COMM_LEN + 1)];
	struct procmap_iter it;
	struct procmap_owner o;
	size_t n = 0, i, j, used = 0;

	procmap_lookup(m, inode, &it);
	while (n < COMMS_MAX && procmap_next(&it, &o)) {
		size_t len = o.comm_len < COMM_LEN ? o.comm_len : COMM_LEN;
		char c[COMM_LEN + 1];

		/* A NUL in a comm would end the label early: it cannot be
		 * there (the kernel strips at the first), but be sure. */
		snprintf(
		    c, sizeof(c), "%.*s", (int)strnlen(o.comm, len), o.comm);
		for (i = 0; i < n && strcmp(comms[i], c) != 0; i++)
			;
		if (i < n)
			continue;
		/* Insertion sort: a handful of names at most. */
		for (i = n; i > 0 && strcmp(comms[i - 1], c) > 0; i--)
			memcpy(comms[i], comms[i - 1], sizeof(comms[i]));
		memcpy(comms[i], c, sizeof(c));
		n++;
	}
	text[0] = '\0';
	for (j = 0; j < n; j++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		    "%s%s", j > 0 ? "," : "", comms[j]);
	metrics_write_label(out, text, used);
}

static bool
is_listener(const struct sock_entry *sk)
{
	return sk->state == TCP_LISTEN ||
	    (sk->protocol == IPPROTO_UDP && sk->state == TCP_CLOSE);
}

/* Keeps the listener's label set for writer_end(). */
static int
add_listener(struct writer *w, const struct out_row *row)
{
	struct metrics_state *m = w->priv;
	const struct sock_entry *sk = row->sk;
	char addr[FMT_ADDR_MAX + 1], *text = NULL, **grown;
	size_t len = 0;
	FILE *f;

	if (m->nlisteners == m->cap) {
		size_t cap = m->cap > 0 ? m->cap * 2 : 64;

		grown = realloc(m->listeners, cap * sizeof(*grown));
		if (grown == NULL)
			return -ENOMEM;
		m->listeners = grown;
		m->cap = cap;
	}
	f = open_memstream(&text, &len);
	if (f == NULL)
		return -ENOMEM;
	*fmt_addr(addr, sk->family, sk->local_addr) = '\0';
	put_label(f, "netns", netns_label(w), false);
	put_label(f, "proto", output_proto_name(sk->protocol), true);
	put_label(f, "mode", sock_mode_name(sk->mode), true);
	put_label(f, "address", addr, true);
	fprintf(f, ",port=\"%u\",process=\"", sk->local_port);
	if (row->procs != NULL)
		put_owners(f, row->procs, sk->inode);
	fputc('"', f);
	if (fclose(f) != 0) {
		free(text);
		return -ENOMEM;
	}
	m->listeners[m->nlisteners++] = text;
	return 0;
}

static int
metrics_row(struct writer *w, const struct out_row *row)
{
	const struct sock_entry *sk = row->sk;

	output_count(w, sk);
	if (is_listener(sk) &&
	    (w->opts.metrics.all_listeners || sk->mode == SOCK_MODE_DUAL))
		return add_listener(w, row);
	return 0;
}

/* True if the kernel could not dump AF_INET6 sockets of protocol p. */
static bool
missing_inet6(const struct out_status *st, int protocol)
{
	unsigned int i;

	for (i = 0; i < st->nmissing; i++)
		if (st->missing[i].family == AF_INET6 &&
		    st->missing[i].protocol == protocol)
			return true;
	return false;
}

static int
metrics_netns_end(struct writer *w, const struct out_status *st)
{
	struct metrics_state *m = w->priv;
	const char *ns = netns_label(w);
	int p, g, md;

	for (p = 0; p < OUT_PROTOS; p++) {
		int protocol = output_proto_at(p);
		/* "No dual listener" is only said where it was looked for:
		 * for TCP and UDP (the others' lines appear when counted). */
		bool zeros = p < 2 && w->opts.metrics.zeros[p] &&
		    !missing_inet6(st, protocol);

		for (g = 0; g < OUT_GROUPS; g++) {
			for (md = 0; md < SOCK_MODE_COUNT; md++) {
				unsigned long n = w->counts[p][g][md];

				if (n == 0 &&
				    !(zeros && g == 0 &&
					(md == SOCK_MODE_DUAL ||
					    md == SOCK_MODE_V6ONLY)))
					continue;
				fputs("dualstat_sockets{", w->out);
				put_label(w->out, "netns", ns, false);
				put_label(w->out, "proto",
				    output_proto_name(protocol), true);
				put_label(w->out, "state", output_group_name(g),
				    true);
				put_label(
				    w->out, "mode", sock_mode_name(md), true);
				fprintf(w->out, "} %lu\n", n);
			}
		}
	}
	if (w->ns.bindv6only >= 0) {
		fputs("dualstat_bindv6only{", m->bindv6only);
		put_label(m->bindv6only, "netns", ns, false);
		fprintf(m->bindv6only, "} %d\n", w->ns.bindv6only);
	}
	return 0;
}

static int
compare_text(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dualstat_listener_info, sorted, each label set once with its count. */
static void
put_listeners(FILE *out, struct metrics_state *m)
{
	size_t i, n;

	put_help(out, "dualstat_listener_info", "gauge",
	    "Listening TCP and unconnected UDP sockets (dual-stack ones "
	    "only, unless --metrics-listeners=all), by address and port; "
	    "the value is their number.");
	if (m->nlisteners > 0) /* qsort(NULL, 0, ...) is undefined */
		qsort(m->listeners, m->nlisteners, sizeof(*m->listeners),
		    compare_text);
	for (i = 0; i < m->nlisteners; i += n) {
		for (n = 1; i + n < m->nlisteners &&
		     strcmp(m->listeners[i], m->listeners[i + n]) == 0;
		     n++)
			;
		fprintf(out, "dualstat_listener_info{%s} %zu\n",
		    m->listeners[i], n);
	}
}

static double
seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void
put_run(struct writer *w, const struct out_status *st)
{
	int (*gettime)(clockid_t, struct timespec *) =
	    w->opts.metrics.gettime != NULL ? w->opts.metrics.gettime
					    : clock_gettime;
	struct timespec now;
	unsigned int i;

	/* How complete the view was, as series the rules can alert on:
	 * the exit status of a --metrics=FILE run only says whether the
	 * file was written. */
	put_help(w->out, "dualstat_complete", "gauge",
	    "1 if the run saw everything it was asked to (every namespace "
	    "entered, every process's namespace read, every protocol "
	    "dumped), else 0.");
	fprintf(w->out, "dualstat_complete %d\n", st->complete ? 1 : 0);
	put_help(w->out, "dualstat_namespace_errors", "gauge",
	    "Network namespaces that could not be inspected.");
	fprintf(w->out, "dualstat_namespace_errors %u\n", st->ns_failed);
	put_help(w->out, "dualstat_unreadable_processes", "gauge",
	    "Processes whose network namespace could not be read and is not "
	    "known to be one inspected: their sockets may be missing.");
	fprintf(
	    w->out, "dualstat_unreadable_processes %u\n", st->ns_unreadable);
	put_help(w->out, "dualstat_protocols_missing", "gauge",
	    "Protocol and family dumps the kernel could not serve.");
	fprintf(w->out, "dualstat_protocols_missing %u\n", st->nmissing);
	put_help(w->out, "dualstat_protocol_missing", "gauge",
	    "1 for each protocol and family the kernel could not dump "
	    "(diag module not loaded).");
	for (i = 0; i < st->nmissing; i++)
		fprintf(w->out,
		    "dualstat_protocol_missing{proto=\"%s\",family=\"%s\"} "
		    "1\n",
		    output_proto_name(st->missing[i].protocol),
		    st->missing[i].family == AF_INET6 ? "inet6" : "inet");
	put_help(w->out, "dualstat_last_run_timestamp_seconds", "gauge",
	    "When the run that wrote these metrics started, in seconds "
	    "since the Epoch.");
	fprintf(w->out, "dualstat_last_run_timestamp_seconds %.3f\n",
	    seconds(&w->opts.metrics.started_real));
	if (gettime(CLOCK_MONOTONIC, &now) < 0)
		now = w->opts.metrics.started_mono;
	put_help(w->out, "dualstat_run_duration_seconds", "gauge",
	    "How long the run took, in seconds.");
	fprintf(w->out, "dualstat_run_duration_seconds %.6f\n",
	    seconds(&now) - seconds(&w->opts.metrics.started_mono));
	put_help(w->out, "dualstat_build_info", "gauge",
	    "Always 1; the version of dualstat that wrote these metrics.");
	fprintf(w->out, "dualstat_build_info{version=\"");
	metrics_write_label(w->out, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
	fputs("\"} 1\n", w->out);
}

static int
metrics_end(struct writer *w, const struct out_status *st)
{
	struct metrics_state *m = w->priv;
	size_t i;
	int ret = 0;

	if (m == NULL)
		return -EINVAL;
	if (fclose(m->bindv6only) != 0)
		ret = -ENOMEM;
	if (ret == 0) {
		put_listeners(w->out, m);
		put_help(w->out, "dualstat_bindv6only", "gauge",
		    "net.ipv6.bindv6only of each network namespace: 1 if "
		    "IPv6 sockets are v6only unless they say otherwise.");
		fwrite(m->bindv6only_text, 1, m->bindv6only_len, w->out);
		put_run(w, st);
	}
	for (i = 0; i < m->nlisteners; i++)
		free(m->listeners[i]);
	free(m->listeners);
	free(m->bindv6only_text);
	free(m);
	w->priv = NULL;
	return ret;
}

static const struct writer_ops metrics_ops = {
	.any_order = true,
	.begin = metrics_begin,
	.netns_begin = metrics_netns_begin,
	.row = metrics_row,
	.netns_end = metrics_netns_end,
	.end = metrics_end,
};

void
metrics_init(struct writer *w, FILE *out, const struct out_opts *opts)
{
	writer_init(w, &metrics_ops, out, opts);
}
