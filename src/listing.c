/*
 * listing.c - stream sockets from a source (the kernel, a replay) to a
 * writer
 *
 * Nothing is kept once a row is written: each reply is parsed into one
 * sock_entry on the stack, classified and handed to the writer, so memory
 * does not grow with the number of sockets.  -p's first pass runs the same
 * dumps and filters and only records each inode.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "listing.h"
#include "parse.h"
#include "sock.h"

struct row_ctx {
	struct writer *w; /* NULL when collecting inodes */
	const struct out_row *base;
	struct procmap *collect;
	const struct filter *filter; /* NULL: none */
	int protocol;
	int write_err;
	bool first_only; /* --check -q: the first match answers */
	bool stopped; /* stopped at the first match */
	bool seen; /* a reply came */
};

static int
row_cb(const struct nlmsghdr *nlh, void *data)
{
	struct row_ctx *ctx = data;
	struct sock_entry sk;
	struct out_row row = *ctx->base;
	int ret;

	ctx->seen = true;
	ret = sock_parse(nlh, ctx->protocol, &sk);
	if (ret < 0)
		return ret;
	sock_classify(&sk);
	/* What the kernel could not filter (v6only, above all). */
	if (ctx->filter != NULL && !filter_match(ctx->filter, &sk))
		return 0;
	if (ctx->collect != NULL)
		return procmap_want(ctx->collect, sk.inode);
	row.sk = &sk;
	ret = writer_row(ctx->w, &row);
	if (ret < 0) {
		ctx->write_err = ret;
		return ret;
	}
	if (ctx->first_only) {
		ctx->stopped = true;
		return -ECANCELED;
	}
	return 0;
}

/*
 * No filter at all costs nothing per socket.  A filter with autobound is
 * the kernel's alone: user space cannot see the term, and query_check()
 * has made sure the kernel's program decides the whole expression.
 */
static const struct filter *
filter_or_null(const struct filter *f)
{
	if (filter_is_empty(f) || filter_has(f, FILTER_AUTOBOUND))
		return NULL;
	return f;
}

/* Runs every dump the options need, each row through row_cb(). */
static int
run_steps(const struct source *src, const struct options *opts,
    const struct row_ctx *proto, struct listing_result *res)
{
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	size_t n, i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	n = query_plan(opts, steps, &bc);
	for (i = 0; i < n; i++) {
		struct row_ctx ctx = *proto;

		ctx.protocol = steps[i].protocol;
		ret = source_dump(src, &steps[i], row_cb, &ctx);
		/*
		 * A kernel without one of the program's ops refuses it when
		 * auditing, before any socket is sent: ask again without the
		 * program and let user space filter alone (the same result,
		 * only slower).  Not with autobound, which user space cannot
		 * check.
		 */
		if (ret == -EINVAL && steps[i].bytecode != NULL &&
		    ctx.filter != NULL && !ctx.seen) {
			steps[i].bytecode = NULL;
			steps[i].bytecode_len = 0;
			ret = source_dump(src, &steps[i], row_cb, &ctx);
		}
		if (ctx.stopped) {
			/* The rest of the dump is left unread: the caller
			 * is done with this source. */
			ret = 0;
			break;
		}
		if (ret == -ENOENT) {
			res->missing[res->nmissing].family = steps[i].family;
			res->missing[res->nmissing].protocol =
			    steps[i].protocol;
			res->nmissing++;
			ret = 0;
			continue;
		}
		if (ret < 0) {
			res->write_err = ctx.write_err;
			if (ctx.write_err == 0) {
				res->err_family = steps[i].family;
				res->err_protocol = steps[i].protocol;
			}
			break;
		}
	}
	return ret;
}

int
listing_run(const struct source *src, const struct options *opts,
    struct writer *w, const struct out_row *base, struct listing_result *res)
{
	static const struct out_row plain;
	struct row_ctx ctx = {
		.w = w,
		.base = base != NULL ? base : &plain,
		.filter = filter_or_null(&opts->filter),
		.first_only = opts->check && opts->quiet,
	};
	unsigned long rows_before = w->rows;
	int ret;

	ret = run_steps(src, opts, &ctx, res);
	res->rows = w->rows - rows_before;
	return ret;
}

int
listing_collect(const struct source *src, const struct options *opts,
    struct procmap *m, struct listing_result *res)
{
	static const struct out_row plain;
	struct row_ctx ctx = {
		.base = &plain,
		.collect = m,
		.filter = filter_or_null(&opts->filter),
	};

	return run_steps(src, opts, &ctx, res);
}
