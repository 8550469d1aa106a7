/*
 * check_replay.c - --replay: raw dump files built here, and recorded ones
 *
 * Files are built byte by byte in tests/rawbuild.c from the documented
 * format, opened with fmemopen() and listed through listing_run() into
 * open_memstream(), as main.c does with a file and stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <check.h>

#include "check_suite.h"
#include "cli.h"
#include "listing.h"
#include "output.h"
#include "protos.h"
#include "query.h"
#include "rawbuild.h"
#include "replay.h"

/* A listing told it was complete, as scope.c tells it. */
static const struct out_status done = { .complete = true };

#define ALL_STATES 0x1ffeU

static const struct rb_sock tcp4_listen = {
	.family = AF_INET,
	.state = TCP_LISTEN,
	.src = "0.0.0.0",
	.sport = 22,
	.dst = "0.0.0.0",
	.inode = 1001,
	.v6only = -1,
};

static const struct rb_sock tcp4_estab = {
	.family = AF_INET,
	.state = TCP_ESTABLISHED,
	.src = "127.0.0.1",
	.sport = 22,
	.dst = "127.0.0.1",
	.dport = 40000,
	.inode = 1002,
	.v6only = -1,
};

static const struct rb_sock tcp6_dual = {
	.family = AF_INET6,
	.state = TCP_LISTEN,
	.src = "::",
	.sport = 3128,
	.dst = "::",
	.inode = 1003,
	.v6only = 0,
};

static const struct rb_sock udp6_v6only = {
	.family = AF_INET6,
	.state = TCP_CLOSE,
	.src = "::1",
	.sport = 53,
	.dst = "::",
	.inode = 1004,
	.v6only = 1,
};

/* The four sections `dualstat -a` asks for: tcp4, tcp6, udp4, udp6. */
static void
build_valid(struct rawbuf *rb)
{
	struct dgram dg;

	rb_header(rb, 1);
	rb_note(rb, "built by check_replay");
	rb_request(rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	rb_datagram(rb, &dg); /* a dump spread over two datagrams */
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_estab);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
	rb_request(rb, AF_INET6, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp6_dual);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
	rb_request(rb, AF_INET, IPPROTO_UDP, ALL_STATES);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
	rb_request(rb, AF_INET6, IPPROTO_UDP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &udp6_v6only);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
}

/* An SCTP endpoint bound to two addresses (INET_DIAG_LOCALS), the rest
 * empty: what -S -a asks. */
static void
build_sctp(struct rawbuf *rb)
{
	static const struct rb_sock ep = { .family = AF_INET6,
		.state = TCP_LISTEN,
		.src = "::",
		.sport = 5000,
		.dst = "::",
		.inode = 777,
		.v6only = 0 };
	static const struct rb_addr locals[] = { { AF_INET, "10.0.0.1" },
		{ AF_INET6, "fd00::1" } };
	static const uint16_t protos[] = { IPPROTO_SCTP, IPPROTO_SCTP };
	static const uint8_t fams[] = { AF_INET, AF_INET6 };
	const uint32_t states = 0x1ffe; /* -a */
	struct dgram dg;

	rb_header(rb, 2);
	rb_protocols(rb, protos, fams, 2);
	rb_request2(rb, AF_INET, IPPROTO_SCTP, states);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
	rb_request2(rb, AF_INET6, IPPROTO_SCTP, states);
	dg_init(&dg);
	dg_add_sctp(&dg, &ep, locals, 2, NULL, 0);
	dg_add_done(&dg, 0);
	rb_datagram(rb, &dg);
}

struct run {
	int open_errno; /* 0 if replay_new() accepted the file */
	char msg[256];
	int plan; /* replay_check_plan() */
	int ret; /* listing_run() */
	struct listing_result res;
	struct listing_result first; /* the pass that kept the rows */
	char *out;
	size_t outlen;
};

/* How run_replay_via() lists: in one pass; kept by a first pass that
 * collects the inodes too (-p in one namespace); kept by a sink that only
 * keeps, at most keep_limit bytes (0: no bound), as --all-netns does for
 * the namespaces it dumps ahead. */
enum via { VIA_ONCE, VIA_KEPT, VIA_KEPT_ONLY };
static size_t keep_limit;

/* Lists buf with `dualstat -j` plus the given options through replay. */
/*
 * Lists buf with opt in one pass to the writer, or, kept, as -p does in
 * one namespace: a first pass that keeps the rows, then
 * listing_keep_write().
 */
static void
run_replay_via(
    const void *buf, size_t len, const char *opt, struct run *r, enum via via)
{
	char a0[] = "dualstat", a1[] = "-j", a2[16];
	char *argv[] = { a0, a1, a2, NULL };
	int argc = opt != NULL ? 3 : 2;
	struct listing_plan plan;
	struct listing_sink sink = { 0 };
	struct options opts;
	struct out_opts oo = { .header = true };
	struct writer w;
	struct replay *rp;
	struct source src;
	size_t bad;
	FILE *in, *out;
	char err[64];

	memset(r, 0, sizeof(*r));
	r->plan = r->ret = 1;
	snprintf(a2, sizeof(a2), "%s", opt != NULL ? opt : "");
	ck_assert_int_eq(cli_parse(argc, argv, &opts, err, sizeof(err)), 0);
	in = fmemopen((void *)buf, len, "r");
	ck_assert_ptr_nonnull(in);
	rp = replay_new(in, r->msg, sizeof(r->msg));
	if (rp == NULL) {
		r->open_errno = errno;
		fclose(in);
		return;
	}
	listing_plan_init(&plan, &opts, replay_protocols(rp));
	r->plan = replay_check_plan(rp, plan.steps, plan.n, &bad);
	if (r->plan == 0) {
		out = open_memstream(&r->out, &r->outlen);
		ck_assert_ptr_nonnull(out);
		json_init(&w, out, &oo);
		replay_source_init(&src, rp);
		if (via != VIA_ONCE) {
			struct procmap *pm = procmap_new();
			struct listing_keep *k = listing_keep_new();
			struct listing_sink first = { .keep = k };

			ck_assert_ptr_nonnull(pm);
			ck_assert_ptr_nonnull(k);
			if (via == VIA_KEPT)
				first.collect = pm;
			else
				listing_keep_limit(k, keep_limit);
			r->ret = listing_run(&plan, &src, &first, &r->first);
			ck_assert_int_eq(writer_begin(&w), 0);
			sink.w = &w;
			ck_assert_int_eq(
			    listing_keep_write(k, &plan, &sink, &r->res), 0);
			listing_keep_free(k);
			procmap_free(pm);
		} else {
			ck_assert_int_eq(writer_begin(&w), 0);
			sink.w = &w;
			r->ret = listing_run(&plan, &src, &sink, &r->res);
		}
		ck_assert_int_eq(writer_end(&w, &done), 0);
		fclose(out);
	}
	replay_free(rp);
	fclose(in);
}

static void
run_replay(const void *buf, size_t len, const char *opt, struct run *r)
{
	run_replay_via(buf, len, opt, r, VIA_ONCE);
}

static void
run_free(struct run *r)
{
	free(r->out);
}

/* Expects replay_new() to refuse buf with EBADMSG and a message. */
static void
expect_refused(const struct rawbuf *rb, const char *msg_part)
{
	struct run r;

	run_replay(rb->data, rb->len, "-a", &r);
	ck_assert_int_eq(r.open_errno, EBADMSG);
	ck_assert_msg(strstr(r.msg, msg_part) != NULL,
	    "message \"%s\" lacks \"%s\"", r.msg, msg_part);
	ck_assert_ptr_null(r.out);
}

START_TEST(test_valid)
{
	struct rawbuf rb;
	struct run r;

	build_valid(&rb);
	run_replay(rb.data, rb.len, "-a", &r);
	ck_assert_int_eq(r.open_errno, 0);
	ck_assert_int_eq(r.plan, 0);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 4);
	ck_assert_uint_eq(r.res.nmissing, 0);
	/* Each socket once, in the order recorded, with its mode. */
	ck_assert_str_eq(r.out,
	    "[\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"LISTEN\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"0.0.0.0\","
	    "\"local_port\":22,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":1001,\"uid\":0},\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"ESTAB\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"127.0.0.1\","
	    "\"local_port\":22,\"peer_addr\":\"127.0.0.1\","
	    "\"peer_port\":40000,\"interface\":null,\"recv_q\":0,"
	    "\"send_q\":0,\"inode\":1002,\"uid\":0},\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"LISTEN\","
	    "\"mode\":\"dual\",\"v6only\":false,\"local_addr\":\"::\","
	    "\"local_port\":3128,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":1003,\"uid\":0},\n"
	    "{\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"UNCONN\","
	    "\"mode\":\"v6only\",\"v6only\":true,\"local_addr\":\"::1\","
	    "\"local_port\":53,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":1004,\"uid\":0}\n"
	    "]\n");
	run_free(&r);
}
END_TEST

START_TEST(test_subset)
{
	struct rawbuf rb;
	struct run r;

	/* Recorded with -a; listed with -l: the ESTAB row is left out. */
	build_valid(&rb);
	run_replay(rb.data, rb.len, "-l", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 3);
	ck_assert_ptr_null(strstr(r.out, "ESTAB"));
	run_free(&r);
	/* Default view: only the ESTAB row. */
	run_replay(rb.data, rb.len, NULL, &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"inode\":1002"));
	run_free(&r);
	/* -6 -u -a: the one udp6 section, skipping the others. */
	run_replay(rb.data, rb.len, "-6ua", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"inode\":1004"));
	run_free(&r);
}
END_TEST

START_TEST(test_plan)
{
	struct rawbuf rb;
	struct dgram dg;
	struct run r;

	/* A -l recording (LISTEN only) cannot answer -a. */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, 1U << TCP_LISTEN);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	run_replay(rb.data, rb.len, "-a4t", &r);
	ck_assert_int_eq(r.open_errno, 0);
	ck_assert_int_eq(r.plan, -ENODATA);
	ck_assert_ptr_null(r.out);
	/* It answers -l -4 -t, but not -l alone (three sections missing). */
	run_replay(rb.data, rb.len, "-l4t", &r);
	ck_assert_int_eq(r.plan, 0);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	run_free(&r);
	run_replay(rb.data, rb.len, "-l", &r);
	ck_assert_int_eq(r.plan, -ENODATA);
}
END_TEST

/*
 * Sections recorded with a kernel filter (--sport 22) answer that filter
 * only: the rows it left out cannot come back.
 */
START_TEST(test_filtered)
{
	char a0[] = "dualstat", a1[] = "--sport=22";
	char *argv[] = { a0, a1, NULL };
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	struct options opts;
	struct rawbuf rb;
	struct dgram dg;
	struct run r;
	char err[64];
	size_t n, i;

	ck_assert_int_eq(cli_parse(2, argv, &opts, err, sizeof(err)), 0);
	n = query_plan(&opts, protos_base(), steps, &bc);
	ck_assert_uint_eq(n, 4);
	rb_header(&rb, 1);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(steps[i].bytecode);
		rb_request_bc(&rb, steps[i].family, steps[i].protocol,
		    ALL_STATES, steps[i].bytecode, steps[i].bytecode_len);
		dg_init(&dg);
		if (i == 0)
			dg_add_sock(&dg, &tcp4_estab);
		dg_add_done(&dg, 0);
		rb_datagram(&rb, &dg);
	}
	run_replay(rb.data, rb.len, "--sport=22", &r);
	ck_assert_int_eq(r.open_errno, 0);
	ck_assert_int_eq(r.plan, 0);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	run_free(&r);
	run_replay(rb.data, rb.len, "--sport=23", &r);
	ck_assert_int_eq(r.plan, -ENODATA);
	run_replay(rb.data, rb.len, NULL, &r);
	ck_assert_int_eq(r.plan, -ENODATA);
}
END_TEST

/* An unfiltered recording answers a filter, applied in user space. */
START_TEST(test_filter_in_user_space)
{
	struct rawbuf rb;
	struct run r;

	build_valid(&rb);
	run_replay(rb.data, rb.len, "--sport=3128", &r);
	ck_assert_int_eq(r.plan, 0);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 0); /* the 3128 listener: not -a */
	run_free(&r);
	run_replay(rb.data, rb.len, "--dual", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"local_port\":3128,"));
	run_free(&r);
}
END_TEST

/*
 * A kernel that refuses the program (one without an op bc.c uses) answers
 * -EINVAL before sending any socket: listing_plan_probe() finds out with
 * an empty dump and drops the program, and user space filters alone,
 * with the same rows (issue 9).
 */
struct old_kernel {
	struct source inner;
	int refused; /* requests with a program, refused */
	int probes; /* requests for no state (the probes) */
	int probe_protocol; /* the last probe's protocol */
};

static int
old_kernel_dump(
    void *impl, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	struct old_kernel *k = impl;

	if (req->states == 0) {
		k->probes++;
		k->probe_protocol = req->protocol;
	}
	if (req->bytecode != NULL) {
		k->refused++;
		return -EINVAL;
	}
	return source_dump(&k->inner, req, cb, data);
}

static void
run_kernel(const char *const args[], struct run *r, struct old_kernel *res)
{
	static const struct source_ops ops = { .dump = old_kernel_dump };
	char *argv[8];
	struct rawbuf rb;
	struct options opts;
	struct out_opts oo = { .header = true };
	struct old_kernel k = { .refused = 0 };
	struct source src = { .ops = &ops, .impl = &k };
	struct listing_plan plan;
	struct listing_sink sink = { 0 };
	struct writer w;
	struct replay *rp;
	FILE *in, *out;
	char err[128];
	int argc = 0;

	argv[argc++] = (char *)"dualstat";
	while (args[argc - 1] != NULL) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(cli_parse(argc, argv, &opts, err, sizeof(err)), 0);
	build_valid(&rb);
	in = fmemopen(rb.data, rb.len, "r");
	rp = replay_new(in, r->msg, sizeof(r->msg));
	ck_assert_ptr_nonnull(rp);
	replay_source_init(&k.inner, rp);
	out = open_memstream(&r->out, &r->outlen);
	json_init(&w, out, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	sink.w = &w;
	listing_plan_init(&plan, &opts, replay_protocols(rp));
	ck_assert_int_eq(listing_plan_probe(&plan, &src, NULL), 0);
	r->ret = listing_run(&plan, &src, &sink, &r->res);
	ck_assert_int_eq(writer_end(&w, &done), 0);
	fclose(out);
	replay_free(rp);
	fclose(in);
	*res = k;
}

static void
run_old_kernel(const char *const args[], struct run *r, int *refused)
{
	struct old_kernel k;

	run_kernel(args, r, &k);
	*refused = k.refused;
}

START_TEST(test_fallback_without_program)
{
	static const char *const dual[] = { "-j", "-a", "mode dual", NULL };
	static const char *const not_dual[] = { "-j", "-a", "not mode dual",
		NULL };
	static const char *const autob[] = { "-j", "-a", "autobound", NULL };
	struct run r;
	int refused;

	run_old_kernel(dual, &r, &refused);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_int_eq(refused, 1); /* the AF_INET6 program, probed once */
	ck_assert_uint_eq(r.res.rows, 1);
	ck_assert_ptr_nonnull(strstr(r.out, "\"local_port\":3128,"));
	run_free(&r);
	/* No program at all: nothing to fall back from. */
	run_old_kernel(not_dual, &r, &refused);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_int_eq(refused, 0);
	ck_assert_uint_eq(r.res.rows, 3);
	run_free(&r);
	/* autobound is the kernel's alone: no fallback, the error stays. */
	run_old_kernel(autob, &r, &refused);
	ck_assert_int_eq(r.ret, -EINVAL);
	ck_assert_int_eq(refused, 1);
	run_free(&r);
}
END_TEST

/* Under a few options, rows kept (via) are written as the one-pass
 * listing of rb, byte for byte, and keeping them did not fail. */
static void
assert_kept_as_once(const struct rawbuf *rb, enum via via)
{
	static const char *const opts[] = { NULL, "-a", "-e", "-l", "-t" };
	struct run once, kept;
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		run_replay_via(rb->data, rb->len, opts[i], &once, VIA_ONCE);
		run_replay_via(rb->data, rb->len, opts[i], &kept, via);
		ck_assert_int_eq(once.plan, 0);
		ck_assert_int_eq(kept.ret, once.ret);
		ck_assert_int_eq(kept.first.write_err, 0);
		ck_assert_uint_eq(kept.res.rows, once.res.rows);
		ck_assert_uint_eq(kept.outlen, once.outlen);
		ck_assert_str_eq(kept.out, once.out);
		run_free(&once);
		run_free(&kept);
	}
}

/*
 * -p in one namespace dumps once (issue 20): the rows its first pass kept
 * are written as a second pass would list them, byte for byte.
 */
START_TEST(test_kept_rows)
{
	struct rawbuf rb;
	struct run once, kept;

	build_valid(&rb);
	assert_kept_as_once(&rb, VIA_KEPT);
	/* Something was listed, so the comparison means something. */
	run_replay_via(rb.data, rb.len, "-a", &kept, VIA_KEPT);
	ck_assert_uint_ge(kept.res.rows, 3);
	run_free(&kept);
	/* A multi-homed SCTP endpoint keeps its address list. */
	build_sctp(&rb);
	run_replay_via(rb.data, rb.len, "-Sa", &once, VIA_ONCE);
	run_replay_via(rb.data, rb.len, "-Sa", &kept, VIA_KEPT);
	ck_assert_int_eq(once.plan, 0);
	ck_assert_uint_eq(kept.res.rows, 1);
	ck_assert_ptr_nonnull(strstr(kept.out, "fd00::1"));
	ck_assert_str_eq(kept.out, once.out);
	run_free(&once);
	run_free(&kept);
}
END_TEST

/*
 * --all-netns dumps the next namespaces into rows that are only kept
 * (issue 20 goal 4): written later, they are the one-pass listing byte
 * for byte; past the bound the run stops with -E2BIG, said as a failed
 * write, and does not read on.
 */
START_TEST(test_kept_only)
{
	struct rawbuf rb;
	struct run once, kept;

	build_valid(&rb);
	keep_limit = 0;
	assert_kept_as_once(&rb, VIA_KEPT_ONLY);
	/*
	 * Packed (rowpack.c), the listener 0.0.0.0:22 takes 13 bytes (3 of
	 * kinds, protocol, ports 4, the wildcards none, inode 1001 in 2,
	 * uid, the queues) and 127.0.0.1:22 -> 127.0.0.1:40000 18 (its
	 * local address new, 4; its peer the same, seen, 1): room for 30
	 * bytes keeps the first, 31 both, and the third row stops the run.
	 */
	keep_limit = 30;
	run_replay_via(rb.data, rb.len, "-a", &kept, VIA_KEPT_ONLY);
	ck_assert_int_eq(kept.ret, -E2BIG);
	ck_assert_int_eq(kept.first.write_err, -E2BIG);
	ck_assert_uint_eq(kept.res.rows, 1);
	run_free(&kept);
	keep_limit = 31;
	run_replay_via(rb.data, rb.len, "-a", &kept, VIA_KEPT_ONLY);
	ck_assert_int_eq(kept.ret, -E2BIG);
	ck_assert_uint_eq(kept.res.rows, 2);
	run_free(&kept);
	/* A bound the rows fit in changes nothing. */
	run_replay_via(rb.data, rb.len, "-a", &once, VIA_ONCE);
	ck_assert_uint_ge(once.res.rows, 3);
	keep_limit = 1000000;
	run_replay_via(rb.data, rb.len, "-a", &kept, VIA_KEPT_ONLY);
	ck_assert_int_eq(kept.ret, 0);
	ck_assert_str_eq(kept.out, once.out);
	run_free(&once);
	run_free(&kept);
	keep_limit = 0;
}
END_TEST

/*
 * Issue 18 item 6: the probe must cost no more than an empty answer.  The
 * kernel audits a request's program when the dump starts, whatever the
 * protocol (net/ipv4/inet_diag.c, __inet_diag_dump_start()), and answers
 * a TCP request for no state at once (inet_diag_dump_icsk() skips every
 * hash), while a UDP one walks the whole table (udp_diag.c, udp_dump()).
 * So a UDP listing's program is probed with a TCP request.
 */
START_TEST(test_probe_asks_tcp)
{
	static const char *const udp[] = { "-j", "-u", "-a", "sport = :1",
		NULL };
	struct old_kernel k;
	struct run r;

	run_kernel(udp, &r, &k);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_int_eq(k.probes, 2); /* one program per family */
	ck_assert_int_eq(k.probe_protocol, IPPROTO_TCP);
	ck_assert_uint_eq(r.res.rows, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_missing_protocol)
{
	struct rawbuf rb;
	struct dgram dg;
	struct run r;

	/* udp_diag absent: both udp dumps end with DONE -ENOENT. */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	rb_request(&rb, AF_INET, IPPROTO_UDP, ALL_STATES);
	dg_init(&dg);
	dg_add_done(&dg, -ENOENT);
	rb_datagram(&rb, &dg);
	run_replay(rb.data, rb.len, "-a4", &r);
	ck_assert_int_eq(r.open_errno, 0);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 1);
	ck_assert_uint_eq(r.res.nmissing, 1);
	ck_assert_uint_eq(r.res.missing[0].family, AF_INET);
	ck_assert_uint_eq(r.res.missing[0].protocol, IPPROTO_UDP);
	run_free(&r);
}
END_TEST

START_TEST(test_refused)
{
	struct rawbuf rb;
	struct dgram dg;
	struct run r;

	/* The first dump listed a row, the second was refused. */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	rb_request(&rb, AF_INET, IPPROTO_UDP, ALL_STATES);
	dg_init(&dg);
	dg_add_error(&dg, -EPERM);
	rb_datagram(&rb, &dg);
	run_replay(rb.data, rb.len, "-a4", &r);
	ck_assert_int_eq(r.ret, -EPERM);
	ck_assert_uint_eq(r.res.err_family, AF_INET);
	ck_assert_uint_eq(r.res.err_protocol, IPPROTO_UDP);
	/* The JSON array is closed all the same; the status says error. */
	ck_assert_uint_ge(r.outlen, 3);
	ck_assert_str_eq(r.out + r.outlen - 3, "}\n]\n" + 1);
	run_free(&r);
}
END_TEST

START_TEST(test_foreign)
{
	struct rawbuf rb;

	rb.len = 0;
	expect_refused(&rb, "shorter than its header");
	memcpy(rb.data, "DUALSTA", 7);
	rb.len = 7;
	expect_refused(&rb, "shorter than its header");
	rb.len = (size_t)snprintf((char *)rb.data, sizeof(rb.data),
	    "Proto State Mode Local Address:Port Peer Address:Port\n");
	expect_refused(&rb, "no DUALSTAT magic");
	rb_header(&rb, 0x01000000);
	expect_refused(&rb, "other byte order");
	rb_header(&rb, 3);
	expect_refused(&rb, "version 3");
}
END_TEST

START_TEST(test_garbled)
{
	struct rawbuf rb;
	struct dgram dg;
	uint8_t junk[8] = { 0 };

	rb_header(&rb, 1);
	rb_record(&rb, 9, junk, sizeof(junk));
	expect_refused(&rb, "unknown type 9");

	rb_header(&rb, 1);
	rb_record(&rb, 2, junk, 4);
	expect_refused(&rb, "request at byte 16 has length 4");

	rb_header(&rb, 1);
	rb_request(&rb, AF_UNIX, IPPROTO_TCP, ALL_STATES);
	expect_refused(&rb, "names family 1 protocol 6");

	rb_header(&rb, 1);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "before any request");

	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "follows the end of its dump");

	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_record(&rb, 3, junk, 0);
	expect_refused(&rb, "datagram at byte 32 has length 0");

	/* A length far beyond any datagram, and beyond the file. */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_record(&rb, 3, junk, 0);
	memcpy(rb.data + rb.len - 4, &(uint32_t){ 0xffffffffU }, 4);
	expect_refused(&rb, "has length 4294967295");

	rb_header(&rb, 1);
	rb_record(&rb, 1, junk, 0);
	memcpy(rb.data + rb.len - 4, &(uint32_t){ 4096 }, 4);
	expect_refused(&rb, "note at byte 16 has length 4096");
}
END_TEST

START_TEST(test_garbled_replies)
{
	struct rawbuf rb;
	struct dgram dg;
	struct nlmsghdr *nlh;
	size_t off;

	/* An AF_INET6 reply whose SKV6ONLY attribute is cut to 0 bytes. */
	dg_init(&dg);
	off = dg_add_sock(&dg, &tcp6_dual);
	nlh = (struct nlmsghdr *)(dg.buf + off);
	*(uint16_t *)(dg.buf + off + nlh->nlmsg_len - 8) = 4;
	dg_add_done(&dg, 0);
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET6, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "datagram at byte 32 holds a malformed reply");

	/* A reply of a family sock_diag was not asked for. */
	dg_init(&dg);
	off = dg_add_sock(&dg, &tcp4_listen);
	dg.buf[off + sizeof(struct nlmsghdr)] = AF_UNIX;
	dg_add_done(&dg, 0);
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "malformed reply");

	/* A second datagram from another dump (its seq differs). */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	rb_datagram(&rb, &dg);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	((struct nlmsghdr *)dg.buf)->nlmsg_seq = RB_SEQ + 1;
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "malformed reply");

	/*
	 * An AF_INET6 socket in the AF_INET section: the kernel answers a
	 * request only with sockets of its family (a mapped one is AF_INET6),
	 * and listing it would put it under -4.
	 */
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	dg_add_sock(&dg, &tcp6_dual);
	dg_add_done(&dg, 0);
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "malformed reply");

	/* A section whose replies carry seq 0 and portid 0: no kernel
	 * answers a request so. */
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	dg_add_done(&dg, 0);
	((struct nlmsghdr *)dg.buf)->nlmsg_seq = 0;
	((struct nlmsghdr *)dg.buf)->nlmsg_pid = 0;
	((struct nlmsghdr *)(dg.buf + dg.len - NLMSG_SPACE(4)))->nlmsg_seq = 0;
	((struct nlmsghdr *)(dg.buf + dg.len - NLMSG_SPACE(4)))->nlmsg_pid = 0;
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "malformed reply");
}
END_TEST

/*
 * Error codes are -4095..-1 (include/linux/err.h, MAX_ERRNO).  Anything
 * else in NLMSG_DONE or NLMSG_ERROR is a garbled file: INT_MIN made
 * `errno = -error` overflow, and an exit status of 1 (the sanitizer's
 * abort) reads as "found" to --check.
 */
START_TEST(test_error_range)
{
	static const int32_t bad[] = { INT32_MIN, -4096, 4096, INT32_MAX };
	struct rawbuf rb;
	struct dgram dg;
	struct run r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dg_init(&dg);
		dg_add_error(&dg, bad[i]);
		rb_header(&rb, 1);
		rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
		rb_datagram(&rb, &dg);
		expect_refused(&rb, "malformed reply");
		if (bad[i] > 0)
			continue; /* a positive DONE status is success */
		dg_init(&dg);
		dg_add_done(&dg, bad[i]);
		rb_header(&rb, 1);
		rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
		rb_datagram(&rb, &dg);
		expect_refused(&rb, "malformed reply");
	}
	/* The ends of the range are errors, replayed as such. */
	dg_init(&dg);
	dg_add_done(&dg, -4095);
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	rb_datagram(&rb, &dg);
	run_replay(rb.data, rb.len, "-t4", &r);
	ck_assert_int_eq(r.open_errno, 0);
	ck_assert_int_eq(r.ret, -4095);
	run_free(&r);
}
END_TEST

START_TEST(test_unended)
{
	struct rawbuf rb;
	struct dgram dg;

	/* Recording stopped mid-dump (dualstat -a --dump-raw F | head -1). */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET, IPPROTO_TCP, ALL_STATES);
	dg_init(&dg);
	dg_add_sock(&dg, &tcp4_listen);
	rb_datagram(&rb, &dg);
	expect_refused(&rb, "AF_INET/tcp dump at byte 16 has no end");
	/* The same, followed by another request. */
	rb_request(&rb, AF_INET6, IPPROTO_TCP, ALL_STATES);
	expect_refused(&rb, "AF_INET/tcp dump at byte 16 has no end");
	/* A request with no answer at all. */
	rb_header(&rb, 1);
	rb_request(&rb, AF_INET6, IPPROTO_UDP, ALL_STATES);
	expect_refused(&rb, "AF_INET6/udp dump at byte 16 has no end");
}
END_TEST

/*
 * Every prefix of a valid file: refused, or (cut between two sections)
 * unable to answer the full plan.  Never a shorter listing.
 */
START_TEST(test_truncated)
{
	struct rawbuf rb;
	struct run r;
	size_t len;

	build_valid(&rb);
	for (len = 0; len < rb.len; len++) {
		run_replay(rb.data, len, "-a", &r);
		if (r.open_errno != 0) {
			ck_assert_int_eq(r.open_errno, EBADMSG);
			ck_assert_msg(
			    r.msg[0] != '\0', "no message at %zu", len);
			continue;
		}
		ck_assert_msg(r.plan == -ENODATA,
		    "prefix of %zu bytes listed (plan %d)", len, r.plan);
	}
	run_replay(rb.data, rb.len, "-a", &r);
	ck_assert_int_eq(r.ret, 0);
	run_free(&r);
}
END_TEST

/*
 * Every byte flipped in turn: refused with a message, or listed to the
 * end with valid-looking JSON (a flipped port or address is still a
 * well-formed reply).  Under ASan/UBSan this is where a bad read shows.
 */
START_TEST(test_bitflips)
{
	struct rawbuf rb, bad;
	struct run r;
	size_t i;
	unsigned int refused = 0;

	build_valid(&rb);
	for (i = 0; i < rb.len; i++) {
		bad = rb;
		bad.data[i] ^= 0xff;
		run_replay(bad.data, bad.len, "-a", &r);
		if (r.open_errno != 0) {
			ck_assert_int_eq(r.open_errno, EBADMSG);
			ck_assert(r.msg[0] != '\0');
			refused++;
			continue;
		}
		if (r.plan != 0)
			continue;
		ck_assert_ptr_nonnull(r.out);
		ck_assert_uint_ge(r.outlen, 3);
		ck_assert_str_eq(r.out + r.outlen - 2, "]\n");
		run_free(&r);
	}
	/* Framing bytes are most of the file: most flips must be caught. */
	ck_assert_uint_gt(refused, rb.len / 4);
}
END_TEST

/* Reads tests/data/NAME into a malloc'ed buffer. */
static uint8_t *
read_data(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", DATADIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static unsigned int
count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

/* Replaces the first from in s (which has room) by to. */
static bool
replace(char *s, const char *from, const char *to)
{
	char *p = strstr(s, from);
	size_t a = strlen(from), b = strlen(to);

	if (p == NULL)
		return false;
	memmove(p + b, p + a, strlen(p + a) + 1);
	memcpy(p, to, b);
	return true;
}

/*
 * The rows as dualstat wrote them when pop-a.json was recorded: before
 * "interface", "recv_q" and "send_q", and with a listener's peer written
 * as the wildcard and port 0 instead of null (issue 11).
 */
static char *
old_shape(const char *out)
{
	char *s = calloc(1, strlen(out) + 1), line[1024], *q;
	const char *nl;
	size_t n;

	ck_assert_ptr_nonnull(s);
	for (; (nl = strchr(out, '\n')) != NULL; out = nl + 1) {
		n = (size_t)(nl - out);
		ck_assert_uint_lt(n, sizeof(line));
		memcpy(line, out, n);
		line[n] = '\0';
		replace(line, "\"peer_addr\":null,\"peer_port\":null",
		    strstr(line, "\"family\":\"inet6\"") != NULL
			? "\"peer_addr\":\"::\",\"peer_port\":0"
			: "\"peer_addr\":\"0.0.0.0\",\"peer_port\":0");
		replace(line, ",\"interface\":null", "");
		q = strstr(line, ",\"recv_q\":");
		if (q != NULL) {
			n = strcspn(q + 10, ",") + 10;
			n += strcspn(q + n + 1, ",") + 1;
			memmove(q, q + n, strlen(q + n) + 1);
		}
		strcat(s, line);
		strcat(s, "\n");
	}
	return s;
}

/* tests/data/pop-a.*: the same moment seen by the live run and by ss. */
START_TEST(test_recorded_live)
{
	uint8_t *raw, *json, *ss;
	size_t rawlen, jsonlen, sslen;
	const char *p;
	char want[96], *old;
	unsigned long ino, rq, sq;
	unsigned int n = 0;
	struct run r;

	raw = read_data("pop-a.raw", &rawlen);
	json = read_data("pop-a.json", &jsonlen);
	run_replay(raw, rawlen, "-a", &r);
	ck_assert_int_eq(r.ret, 0);
	old = old_shape(r.out);
	ck_assert_str_eq(old, (const char *)json);
	free(old);
	/* The queues, against those ss printed: Recv-Q and Send-Q are its
	 * third and fourth columns, ino: is the inode. */
	ss = read_data("pop-a.ss", &sslen);
	for (p = strchr((const char *)ss, '\n'); p != NULL && p[1] != '\0';
	     p = strchr(p + 1, '\n')) {
		ck_assert_int_eq(sscanf(p + 1, "%*s %*s %lu %lu", &rq, &sq), 2);
		ck_assert_ptr_nonnull(strstr(p + 1, "ino:"));
		ino = strtoul(strstr(p + 1, "ino:") + 4, NULL, 10);
		snprintf(want, sizeof(want),
		    "\"recv_q\":%lu,\"send_q\":%lu,\"inode\":%lu,", rq, sq,
		    ino);
		ck_assert_msg(
		    strstr(r.out, want) != NULL, "no row with %s", want);
		n++;
	}
	ck_assert_uint_eq(n, 13);
	free(ss);
	run_free(&r);
	free(raw);
	free(json);
}
END_TEST

START_TEST(test_recorded_ss)
{
	uint8_t *raw, *ss;
	size_t rawlen, sslen;
	const char *p;
	char want[32];
	unsigned long ino;
	unsigned int n = 0;
	struct run r;

	raw = read_data("pop-a.raw", &rawlen);
	ss = read_data("pop-a.ss", &sslen);
	run_replay(raw, rawlen, "-a", &r);
	ck_assert_int_eq(r.ret, 0);
	/* Every inode ss saw is one row of ours, and no row is extra. */
	for (p = (const char *)ss; (p = strstr(p, "ino:")) != NULL; p++) {
		ino = strtoul(p + 4, NULL, 10);
		snprintf(want, sizeof(want), "\"inode\":%lu,", ino);
		ck_assert_msg(count(r.out, want) == 1, "inode %lu", ino);
		n++;
	}
	ck_assert_uint_eq(n, 13);
	ck_assert_uint_eq(r.res.rows, n);
	run_free(&r);
	free(raw);
	free(ss);
}
END_TEST

/* What tests/relpop.c opens for `relpop pop`, row by row. */
static const char *const pop_rows[] = {
	"\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"LISTEN\","
	"\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"0.0.0.0\","
	"\"local_port\":2222,",
	"\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"LISTEN\","
	"\"mode\":\"dual\",\"v6only\":false,\"local_addr\":\"::\","
	"\"local_port\":3128,",
	"\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"LISTEN\","
	"\"mode\":\"v6only\",\"v6only\":true,\"local_addr\":\"::\","
	"\"local_port\":8443,",
	"\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"ESTAB\","
	"\"mode\":\"mapped\",\"v6only\":null,"
	"\"local_addr\":\"::ffff:127.0.0.1\",\"local_port\":3128,",
	"\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"ESTAB\","
	"\"mode\":\"v6\",\"v6only\":null,\"local_addr\":\"::1\","
	"\"local_port\":8443,",
	"\"proto\":\"udp\",\"family\":\"inet\",\"state\":\"UNCONN\","
	"\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"0.0.0.0\","
	"\"local_port\":5353,",
	"\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"UNCONN\","
	"\"mode\":\"dual\",\"v6only\":false,\"local_addr\":\"::\","
	"\"local_port\":5354,",
	"\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"UNCONN\","
	"\"mode\":\"v6only\",\"v6only\":true,\"local_addr\":\"::1\","
	"\"local_port\":53,",
	"\"proto\":\"udp\",\"family\":\"inet6\",\"state\":\"ESTAB\","
	"\"mode\":\"mapped\",\"v6only\":null,"
	"\"local_addr\":\"::ffff:127.0.0.1\",\"local_port\":5355,"
	"\"peer_addr\":\"::ffff:127.0.0.1\",\"peer_port\":5353,",
};

START_TEST(test_recorded_population)
{
	uint8_t *raw;
	size_t rawlen, i;
	struct run r;

	raw = read_data("pop-a.raw", &rawlen);
	run_replay(raw, rawlen, "-a", &r);
	ck_assert_int_eq(r.ret, 0);
	for (i = 0; i < sizeof(pop_rows) / sizeof(pop_rows[0]); i++)
		ck_assert_msg(
		    count(r.out, pop_rows[i]) == 1, "row %s", pop_rows[i]);
	/* v4: the 2222 listener and both ends on it, the client of 3128,
	 * udp 5353. */
	ck_assert_uint_eq(count(r.out, "\"mode\":\"v4\""), 5);
	run_free(&r);
	free(raw);

	/* pop-l: recorded with -l, the six listening/unconnected ones. */
	raw = read_data("pop-l.raw", &rawlen);
	run_replay(raw, rawlen, "-l", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 6);
	ck_assert_uint_eq(count(r.out, pop_rows[0]), 1);
	ck_assert_uint_eq(count(r.out, pop_rows[2]), 1);
	ck_assert_uint_eq(count(r.out, pop_rows[7]), 1);
	run_free(&r);
	free(raw);
}
END_TEST

/* tests/data/many-a.raw: dumps spread over several datagrams. */
START_TEST(test_recorded_many)
{
	uint8_t *raw;
	size_t rawlen;
	struct run r;
	char want[64];
	int port;

	raw = read_data("many-a.raw", &rawlen);
	run_replay(raw, rawlen, "-a", &r);
	ck_assert_int_eq(r.ret, 0);
	ck_assert_uint_eq(r.res.rows, 600);
	for (port = 10000; port < 10300; port++) {
		snprintf(want, sizeof(want),
		    "\"local_addr\":\"127.0.0.1\",\"local_port\":%d,", port);
		ck_assert_msg(count(r.out, want) == 1, "tcp port %d", port);
	}
	for (port = 20000; port < 20300; port++) {
		snprintf(want, sizeof(want),
		    "\"local_addr\":\"::\",\"local_port\":%d,", port);
		ck_assert_msg(count(r.out, want) == 1, "udp port %d", port);
	}
	ck_assert_uint_eq(count(r.out, "\"mode\":\"dual\""), 300);
	run_free(&r);
	free(raw);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("replay");

	check_add(s, "valid", test_valid);
	check_add(s, "subset", test_subset);
	check_add(s, "plan", test_plan);
	check_add(s, "filtered", test_filtered);
	check_add(s, "filter_in_user_space", test_filter_in_user_space);
	check_add(s, "fallback_without_program", test_fallback_without_program);
	check_add(s, "probe_asks_tcp", test_probe_asks_tcp);
	check_add(s, "kept_rows", test_kept_rows);
	check_add(s, "kept_only", test_kept_only);
	check_add(s, "missing_protocol", test_missing_protocol);
	check_add(s, "refused", test_refused);
	check_add(s, "foreign", test_foreign);
	check_add(s, "garbled", test_garbled);
	check_add(s, "garbled_replies", test_garbled_replies);
	check_add(s, "error_range", test_error_range);
	check_add(s, "unended", test_unended);
	check_add(s, "truncated", test_truncated);
	check_add(s, "bitflips", test_bitflips);
	check_add(s, "recorded_live", test_recorded_live);
	check_add(s, "recorded_ss", test_recorded_ss);
	check_add(s, "recorded_population", test_recorded_population);
	check_add(s, "recorded_many", test_recorded_many);
	return check_run(s);
}
