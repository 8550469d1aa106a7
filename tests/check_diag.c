/*
 * check_diag.c - diag_walk(): the netlink walk of every dump datagram
 *
 * The live path (diag_dump) and replay both hand each datagram to
 * diag_walk(), so these crafted datagrams cover what the kernel can send,
 * including what this kernel cannot be made to send: NLMSG_DONE carrying
 * -ENOENT, as a protocol without a diag module answers
 * (net/ipv4/inet_diag.c, inet_diag_lock_handler()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>
#include <check.h>
#include <libmnl/libmnl.h>

#include "check_suite.h"
#include "diag.h"
#include "rawbuild.h"

static const struct rb_sock sock4 = {
	.family = AF_INET,
	.state = TCP_LISTEN,
	.src = "127.0.0.1",
	.sport = 22,
	.dst = "0.0.0.0",
	.inode = 1001,
	.v6only = -1,
};

static int
count_cb(const struct nlmsghdr *nlh, void *data)
{
	int *n = data;

	(void)nlh;
	(*n)++;
	return 0;
}

static int
walk(const struct dgram *dg, int *n)
{
	*n = 0;
	return diag_walk(dg->buf, dg->len, RB_SEQ, RB_PORTID, count_cb, n);
}

START_TEST(test_done_status)
{
	struct dgram dg;
	int n;

	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	dg_add_sock(&dg, &sock4);
	dg_add_done(&dg, 0);
	ck_assert_int_eq(walk(&dg, &n), 0);
	ck_assert_int_eq(n, 2);
}
END_TEST

START_TEST(test_done_enoent)
{
	struct dgram dg;
	int n;

	/* What a kernel without tcp_diag/udp_diag answers. */
	dg_init(&dg);
	dg_add_done(&dg, -ENOENT);
	ck_assert_int_eq(walk(&dg, &n), -ENOENT);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_done_short)
{
	struct dgram dg;
	struct nlmsghdr *nlh;
	int n;

	/* An old kernel's DONE may carry no status at all. */
	dg_init(&dg);
	nlh = mnl_nlmsg_put_header(dg.buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_seq = RB_SEQ;
	nlh->nlmsg_pid = RB_PORTID;
	dg.len = nlh->nlmsg_len;
	ck_assert_int_eq(walk(&dg, &n), 0);

	/* Unaligned and last: the walk must not step past the end. */
	nlh->nlmsg_len = sizeof(*nlh) + 2;
	dg.len = nlh->nlmsg_len;
	memset(dg.buf + dg.len, 0xff, 8);
	ck_assert_int_eq(walk(&dg, &n), 0);
}
END_TEST

START_TEST(test_more)
{
	struct dgram dg;
	int n;

	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	ck_assert_int_eq(walk(&dg, &n), 1);
	ck_assert_int_eq(n, 1);
}
END_TEST

START_TEST(test_error)
{
	struct dgram dg;
	int n;

	dg_init(&dg);
	dg_add_error(&dg, -EPERM);
	ck_assert_int_eq(walk(&dg, &n), -EPERM);
	/* Some subsystems send the errno positive. */
	dg_init(&dg);
	dg_add_error(&dg, EPERM);
	ck_assert_int_eq(walk(&dg, &n), -EPERM);
	/* No errno is beyond 4095 (MAX_ERRNO); INT_MIN cannot be negated. */
	dg_init(&dg);
	dg_add_error(&dg, INT32_MIN);
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	dg_init(&dg);
	dg_add_error(&dg, -4096);
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	dg_init(&dg);
	dg_add_error(&dg, -4095);
	ck_assert_int_eq(walk(&dg, &n), -4095);
	dg_init(&dg);
	dg_add_done(&dg, INT32_MIN);
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	/* An error shorter than struct nlmsgerr. */
	dg_init(&dg);
	dg_add_error(&dg, -EPERM);
	dg.len = sizeof(struct nlmsghdr) + 2;
	((struct nlmsghdr *)dg.buf)->nlmsg_len = (uint32_t)dg.len;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
}
END_TEST

START_TEST(test_seq_portid)
{
	struct dgram dg;
	size_t off;
	int n;

	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	dg_add_done(&dg, 0);
	ck_assert_int_eq(
	    diag_walk(dg.buf, dg.len, RB_SEQ + 1, RB_PORTID, count_cb, &n),
	    -EBADMSG);
	ck_assert_int_eq(
	    diag_walk(dg.buf, dg.len, RB_SEQ, RB_PORTID + 1, count_cb, &n),
	    -EBADMSG);
	/* 0 is no wildcard (libmnl's checks take it as "any")... */
	ck_assert_int_eq(
	    diag_walk(dg.buf, dg.len, 0, 0, count_cb, &n), -EBADMSG);
	/* ...neither in what we expect nor in what arrives: a forged reply
	 * with seq 0 and portid 0, then a forged NLMSG_DONE, each alone. */
	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	((struct nlmsghdr *)dg.buf)->nlmsg_seq = 0;
	((struct nlmsghdr *)dg.buf)->nlmsg_pid = 0;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	ck_assert_int_eq(n, 0);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	((struct nlmsghdr *)dg.buf)->nlmsg_pid = 0;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	dg_init(&dg);
	dg_add_done(&dg, 0);
	((struct nlmsghdr *)dg.buf)->nlmsg_seq = 0;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	/* A later message of the datagram counts as much as the first. */
	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	off = dg_add_sock(&dg, &sock4);
	dg_add_done(&dg, 0);
	((struct nlmsghdr *)(dg.buf + off))->nlmsg_seq = 0;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_framing)
{
	struct dgram dg;
	struct nlmsghdr *nlh;
	int n;

	/* Empty: the dump ended without DONE. */
	dg_init(&dg);
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);

	/* Bytes after the last whole message would be a silent cut. */
	dg_add_sock(&dg, &sock4);
	dg.len += 12;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);

	/* A message longer than the datagram. */
	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	nlh = (struct nlmsghdr *)dg.buf;
	nlh->nlmsg_len += 64;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	ck_assert_int_eq(n, 0);

	/* A message shorter than its own header. */
	nlh->nlmsg_len = 8;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);

	/*
	 * A length that is negative as an int: libmnl's mnl_nlmsg_ok()
	 * compares it as one and accepts it (found by check_replay's
	 * bitflips; it crashed in the walk).
	 */
	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	dg_add_sock(&dg, &sock4);
	dg_add_done(&dg, 0);
	nlh = (struct nlmsghdr *)dg.buf;
	nlh->nlmsg_len = 0xfffffff0U;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	nlh->nlmsg_len = 0x80000000U;
	ck_assert_int_eq(walk(&dg, &n), -EBADMSG);
	ck_assert_int_eq(n, 0);
}
END_TEST

START_TEST(test_dump_intr)
{
	struct dgram dg;
	int n;

	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	((struct nlmsghdr *)dg.buf)->nlmsg_flags |= NLM_F_DUMP_INTR;
	ck_assert_int_eq(walk(&dg, &n), -EINTR);
}
END_TEST

static int
stop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return -EPIPE;
}

START_TEST(test_cb_stops)
{
	struct dgram dg;

	dg_init(&dg);
	dg_add_sock(&dg, &sock4);
	dg_add_done(&dg, 0);
	ck_assert_int_eq(
	    diag_walk(dg.buf, dg.len, RB_SEQ, RB_PORTID, stop_cb, NULL),
	    -EPIPE);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("diag");

	check_add(s, "done_status", test_done_status);
	check_add(s, "done_enoent", test_done_enoent);
	check_add(s, "done_short", test_done_short);
	check_add(s, "more", test_more);
	check_add(s, "error", test_error);
	check_add(s, "seq_portid", test_seq_portid);
	check_add(s, "framing", test_framing);
	check_add(s, "dump_intr", test_dump_intr);
	check_add(s, "cb_stops", test_cb_stops);
	return check_run(s);
}
