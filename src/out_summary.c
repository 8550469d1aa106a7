/*
 * out_summary.c - the -s/--summary writer, and the silent one of --check -q
 * (one summary per namespace under --all-netns)
 *
 * The summary counts the rows it is given (after filtering, so with
 * filters it counts what matched) per protocol, state group and mode, and
 * writes the totals at the end of each namespace, as a table or, with -j,
 * as one JSON object, with the namespace's net.ipv6.bindv6only, which
 * decides the mode of IPv6 sockets that do not set IPV6_V6ONLY themselves,
 * and whether the totals are complete (every dump answered in full).
 * Under --all-netns the JSON objects form one array.
 */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#include "output.h"

/* Only TCP sockets are ever in TIME-WAIT: no such line for the others. */
static bool
has_group(int proto, int group)
{
	return proto == 0 || group != 2;
}

/* TCP and UDP always have their lines; the others when they counted any. */
static bool
has_lines(const struct writer *w, int proto)
{
	int g, m;

	if (proto < 2)
		return true;
	for (g = 0; g < OUT_GROUPS; g++)
		for (m = 0; m < SOCK_MODE_COUNT; m++)
			if (w->counts[proto][g][m] != 0)
				return true;
	return false;
}
/* --all-netns with -j: the namespaces' objects in one array. */
static bool
is_array(const struct writer *w)
{
	return w->opts.json && w->opts.netns;
}

static int
summary_begin(struct writer *w)
{
	if (is_array(w))
		fputc('[', w->out);
	return 0;
}

static int
summary_netns_begin(struct writer *w)
{
	memset(w->counts, 0, sizeof(w->counts));
	return 0;
}

static int
summary_row(struct writer *w, const struct out_row *row)
{
	output_count(w, row->sk);
	return 0;
}

static unsigned long
line_total(const unsigned long *n)
{
	unsigned long t = 0;
	int m;

	for (m = 0; m < SOCK_MODE_COUNT; m++)
		t += n[m];
	return t;
}

/*
 * Totals after a failed or missing dump count only part of the sockets:
 * the table says so under them, and which dumps are missing.
 */
static void
table_incomplete(struct writer *w, const struct out_status *st)
{
	unsigned int i;

	if (st->complete)
		return;
	if (st->nmissing == 0) {
		fputs("incomplete: a dump failed; these totals count only what "
		      "was listed\n",
		    w->out);
		return;
	}
	fputs("incomplete: not counted:", w->out);
	for (i = 0; i < st->nmissing; i++)
		fprintf(w->out, " %s/%s",
		    output_family_name(st->missing[i].family),
		    output_proto_name(st->missing[i].protocol));
	fputs(" (the kernel cannot dump them)\n", w->out);
}

static void
table_end(struct writer *w, const struct out_status *st)
{
	unsigned long total[SOCK_MODE_COUNT] = { 0 };
	int p, g, m;

	/* --all-netns: one block per namespace, named first. */
	if (w->ns.name != NULL) {
		fputs("Network namespace ", w->out);
		table_write_string(w->out, w->ns.name, strlen(w->ns.name));
		fprintf(
		    w->out, " (inode %llu)\n", (unsigned long long)w->ns.inode);
	}
	if (w->opts.header) {
		fprintf(w->out, "%-5s %-10s", "Proto", "State");
		for (m = 0; m < SOCK_MODE_COUNT; m++)
			fprintf(w->out, " %-8s", sock_mode_name(m));
		fprintf(w->out, " %s\n", "total");
	}
	for (p = 0; p < OUT_PROTOS; p++) {
		if (!has_lines(w, p))
			continue;
		for (g = 0; g < OUT_GROUPS; g++) {
			if (!has_group(p, g))
				continue;
			fprintf(w->out, "%-5s %-10s",
			    output_proto_name(output_proto_at(p)),
			    output_group_name(g));
			for (m = 0; m < SOCK_MODE_COUNT; m++) {
				fprintf(w->out, " %-8lu", w->counts[p][g][m]);
				total[m] += w->counts[p][g][m];
			}
			fprintf(w->out, " %lu\n", line_total(w->counts[p][g]));
		}
	}
	fprintf(w->out, "%-16s", "total");
	for (m = 0; m < SOCK_MODE_COUNT; m++)
		fprintf(w->out, " %-8lu", total[m]);
	fprintf(w->out, " %lu\n", line_total(total));
	if (w->ns.bindv6only >= 0)
		fprintf(w->out, "net.ipv6.bindv6only = %d\n", w->ns.bindv6only);
	else
		fputs("net.ipv6.bindv6only = unknown\n", w->out);
	table_incomplete(w, st);
	if (w->ns.name != NULL)
		fputc('\n', w->out);
}

/* {"v4":1,...,"mapped":0,"total":1} */
static void
json_counts(FILE *out, const unsigned long *n)
{
	int m;

	fputc('{', out);
	for (m = 0; m < SOCK_MODE_COUNT; m++)
		fprintf(out, "\"%s\":%lu,", sock_mode_name(m), n[m]);
	fprintf(out, "\"total\":%lu}", line_total(n));
}

static void
json_end(struct writer *w, const struct out_status *st)
{
	unsigned long total[SOCK_MODE_COUNT] = { 0 };
	int p, g, m;

	if (is_array(w))
		fputs(w->netns_done == 0 ? "\n{" : ",\n{", w->out);
	else
		fputc('{', w->out);
	if (w->ns.name != NULL) {
		fputs("\"netns\":", w->out);
		json_write_string(w->out, w->ns.name, strlen(w->ns.name));
		fprintf(w->out, ",\"netns_inode\":%llu,",
		    (unsigned long long)w->ns.inode);
	}
	fputs("\"bindv6only\":", w->out);
	if (w->ns.bindv6only >= 0)
		fprintf(w->out, "%d", w->ns.bindv6only);
	else
		fputs("null", w->out);
	for (p = 0; p < OUT_PROTOS; p++) {
		if (!has_lines(w, p))
			continue;
		fprintf(
		    w->out, ",\"%s\":{", output_proto_name(output_proto_at(p)));
		for (g = 0; g < OUT_GROUPS; g++) {
			if (!has_group(p, g))
				continue;
			fprintf(w->out, "%s\"%s\":", g > 0 ? "," : "",
			    output_group_name(g));
			json_counts(w->out, w->counts[p][g]);
			for (m = 0; m < SOCK_MODE_COUNT; m++)
				total[m] += w->counts[p][g][m];
		}
		fputc('}', w->out);
	}
	fputs(",\"total\":", w->out);
	json_counts(w->out, total);
	fputs(st->complete ? ",\"complete\":true" : ",\"complete\":false",
	    w->out);
	fputs(is_array(w) ? "}" : "}\n", w->out);
}

static int
summary_netns_end(struct writer *w, const struct out_status *st)
{
	if (w->opts.json)
		json_end(w, st);
	else
		table_end(w, st);
	return 0;
}

static int
summary_end(struct writer *w, const struct out_status *st)
{
	(void)st;
	if (is_array(w))
		fputs(w->netns_done == 0 ? "]\n" : "\n]\n", w->out);
	return 0;
}

static const struct writer_ops summary_ops = {
	.any_order = true,
	.begin = summary_begin,
	.netns_begin = summary_netns_begin,
	.row = summary_row,
	.netns_end = summary_netns_end,
	.end = summary_end,
};

void
summary_init(struct writer *w, FILE *out, const struct out_opts *opts)
{
	writer_init(w, &summary_ops, out, opts);
}

static int
null_begin(struct writer *w)
{
	(void)w;
	return 0;
}

static int
null_end(struct writer *w, const struct out_status *st)
{
	(void)w;
	(void)st;
	return 0;
}

static int
null_row(struct writer *w, const struct out_row *row)
{
	(void)w;
	(void)row;
	return 0;
}

static const struct writer_ops null_ops = {
	.any_order = true,
	.begin = null_begin,
	.row = null_row,
	.end = null_end,
};

void
null_init(struct writer *w, FILE *out, const struct out_opts *opts)
{
	writer_init(w, &null_ops, out, opts);
}
