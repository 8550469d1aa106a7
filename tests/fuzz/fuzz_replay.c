/*
 * fuzz_replay.c - libFuzzer target: the message parser and the whole
 * --replay path (--enable-fuzzer)
 *
 * Each input is used twice:
 *   - as one datagram of sock_diag replies, walked by diag_walk() (the
 *     walk every live datagram goes through) into sock_parse(),
 *     sock_classify() and both writers;
 *   - as a raw dump file, opened by replay_new() and listed, when it is
 *     accepted, through listing_run() with -a, -l, the default view and
 *     --dual (a filter applied in user space), as `dualstat --replay FILE`
 *     would.
 * Any crash, sanitizer report or leak is a finding; so is a replay that
 * replay_new() accepted failing with -EBADMSG while listing (the check
 * before listing must catch every malformed file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "cli.h"
#include "diag.h"
#include "listing.h"
#include "output.h"
#include "parse.h"
#include "query.h"
#include "replay.h"
#include "sock.h"

/* A listing told it was complete, as scope.c tells it. */
static const struct out_status done = { .complete = true };
/* The namespace of a plain run: no name. */
static const struct out_netns plain_ns = { .bindv6only = -1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
static uint8_t dgram[65536] __attribute__((aligned(8)));

struct walk_ctx {
	struct writer table, json;
	int protocol;
};

static int
row_cb(const struct nlmsghdr *nlh, void *data)
{
	struct walk_ctx *ctx = data;
	struct sock_entry sk;
	struct out_row row = { .sk = &sk };
	int ret;

	ret = sock_parse(nlh, ctx->protocol, &sk);
	if (ret < 0)
		return ret;
	sock_classify(&sk);
	writer_row(&ctx->table, &row);
	writer_row(&ctx->json, &row);
	return 0;
}

static void
fuzz_datagram(const uint8_t *data, size_t size)
{
	struct out_opts oo = { .header = true, .extended = true };
	struct walk_ctx ctx;

	if (size > sizeof(dgram))
		return;
	memcpy(dgram, data, size);
	/* The writers are used as scope.c uses them: begun, one namespace,
	 * ended (the table keeps its block of rows in between). */
	table_init(&ctx.table, devnull, &oo);
	json_init(&ctx.json, devnull, &oo);
	writer_begin(&ctx.table);
	writer_begin(&ctx.json);
	writer_netns_begin(&ctx.table, &plain_ns);
	writer_netns_begin(&ctx.json, &plain_ns);
	/* The protocol only labels rows; take it from the input. */
	ctx.protocol = size > 0 && (data[0] & 1) ? IPPROTO_UDP : IPPROTO_TCP;
	/* The walk demands one seq and portid of every message: those of
	 * the first, as replay takes them. */
	if (size >= sizeof(struct nlmsghdr))
		diag_walk(dgram, size, ((struct nlmsghdr *)dgram)->nlmsg_seq,
		    ((struct nlmsghdr *)dgram)->nlmsg_pid, row_cb, &ctx);
	writer_netns_end(&ctx.table, &done);
	writer_netns_end(&ctx.json, &done);
	writer_end(&ctx.table, &done);
	writer_end(&ctx.json, &done);
}

static void
fuzz_listing(struct replay *rp, const char *view)
{
	char a0[] = "dualstat", a1[] = "-je", a2[8];
	char *argv[] = { a0, a1, a2, NULL };
	struct listing_plan plan;
	struct listing_sink sink = { 0 };
	struct out_opts oo = { .header = true, .extended = true };
	struct listing_result res;
	struct options opts;
	struct source src;
	struct writer w;
	char err[128];
	size_t bad;
	int ret;

	snprintf(a2, sizeof(a2), "%s", view);
	if (cli_parse(view[0] != '\0' ? 3 : 2, argv, &opts, err, sizeof(err)))
		abort();
	listing_plan_init(&plan, &opts, replay_protocols(rp));
	if (replay_check_plan(rp, plan.steps, plan.n, &bad) < 0)
		return;
	json_init(&w, devnull, &oo);
	replay_source_init(&src, rp);
	writer_begin(&w);
	writer_netns_begin(&w, &plain_ns);
	sink.w = &w;
	ret = listing_run(&plan, &src, &sink, &res);
	writer_netns_end(&w, &done);
	writer_end(&w, &done);
	if (ret == -EBADMSG)
		abort(); /* replay_new() let a malformed file through */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay *rp;
	char err[256];
	FILE *in;

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		if (devnull == NULL)
			abort();
	}
	fuzz_datagram(data, size);

	if (size == 0)
		return 0;
	in = fmemopen((void *)data, size, "r");
	if (in == NULL)
		return 0;
	rp = replay_new(in, err, sizeof(err));
	if (rp == NULL) {
		/* A refused file always says why, in one line. */
		if (errno == EBADMSG && (err[0] == '\0' || strchr(err, '\n')))
			abort();
	} else {
		fuzz_listing(rp, "-a");
		fuzz_listing(rp, "-l");
		fuzz_listing(rp, "");
		fuzz_listing(rp, "--dual"); /* a filter, in user space */
		replay_free(rp);
	}
	fclose(in);
	return 0;
}
