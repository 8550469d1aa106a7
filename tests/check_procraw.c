/*
 * check_procraw.c - unit tests for reading /proc/net/raw and raw6
 * (procraw.c; -w without raw_diag, issue 18 item 9)
 *
 * The tables are copied from a 6.18 kernel's files (x86-64, little
 * endian) listing the sockets of tests/itest_rawproc.sh; each line is
 * decoded in a comment.  They are read through a memfd, as the kernel's
 * file would be, from its start on every call.
 */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_suite.h"
#include "procraw.h"

static const char raw4[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode ref pointer drops\n"
    /* 0.0.0.0, protocol 1 (ICMP), no peer, CLOSE (7), inode 742651. */
    "  37: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 "
    "00000000     0        0 742651 2 00000000abf8f936 0\n"
    /* 127.0.0.1 (7F000001 as a little-endian word), protocol 17,
     * connected to 127.0.0.2: ESTABLISHED (1); 512 bytes queued to
     * send, 768 to read; uid 1000, inode 742654. */
    "  66: 0100007F:0011 0200007F:0000 01 00000200:00000300 00:00000000 "
    "00000000  1000        0 742654 2 0000000037634954 0\n";

static const char raw6[] =
    "  sl  local_address                         remote_address         "
    "               st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode ref pointer drops\n"
    /* ::1 (the last word 00000001, little endian), protocol 253, CLOSE. */
    "   88: 00000000000000000000000001000000:00FD "
    "00000000000000000000000000000000:0000 07 00000000:00000000 "
    "00:00000000 00000000     0        0 742653 2 000000004495f8f1 0\n"
    /* ::1, protocol 17, connected to ::1: ESTABLISHED. */
    "   66: 00000000000000000000000001000000:0011 "
    "00000000000000000000000001000000:0000 01 00000000:00000000 "
    "00:00000000 00000000     0        0 742655 2 0000000007083cf2 0\n";

static struct sock_entry got[4];
static int ngot;

static int
keep_cb(struct sock_entry *sk, void *data)
{
	(void)data;
	if (ngot < 4)
		got[ngot] = *sk;
	ngot++;
	return 0;
}

static int
stop_cb(struct sock_entry *sk, void *data)
{
	(void)sk;
	(void)data;
	return -ECANCELED;
}

/* A descriptor holding text, at its end (procraw_read() seeks back). */
static int
text_fd(const char *text)
{
	int fd = memfd_create("procraw", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	return fd;
}

static void
assert_addr(const uint8_t *addr, int family, const char *text)
{
	uint8_t want[16] = { 0 };

	ck_assert_int_eq(inet_pton(family, text, want), 1);
	ck_assert_mem_eq(addr, want, family == AF_INET ? 4 : 16);
}

START_TEST(test_raw4)
{
	int fd = text_fd(raw4);

	ngot = 0;
	ck_assert_int_eq(procraw_read(fd, AF_INET, keep_cb, NULL), 0);
	ck_assert_int_eq(ngot, 2);
	ck_assert_int_eq(got[0].family, AF_INET);
	ck_assert_int_eq(got[0].protocol, IPPROTO_RAW);
	ck_assert_int_eq(got[0].state, 7);
	ck_assert_int_eq(got[0].local_port, 1);
	ck_assert_int_eq(got[0].peer_port, 0);
	assert_addr(got[0].local_addr, AF_INET, "0.0.0.0");
	ck_assert_uint_eq(got[0].inode, 742651);
	ck_assert_int_eq(got[0].v6only, SOCK_V6ONLY_UNKNOWN);
	ck_assert_int_eq(got[1].state, 1);
	ck_assert_int_eq(got[1].local_port, 17);
	assert_addr(got[1].local_addr, AF_INET, "127.0.0.1");
	assert_addr(got[1].peer_addr, AF_INET, "127.0.0.2");
	ck_assert_uint_eq(got[1].send_q, 512);
	ck_assert_uint_eq(got[1].recv_q, 768);
	ck_assert_uint_eq(got[1].uid, 1000);
	ck_assert_uint_eq(got[1].inode, 742654);
	/* Read again from the start: -p's second pass. */
	ngot = 0;
	ck_assert_int_eq(procraw_read(fd, AF_INET, keep_cb, NULL), 0);
	ck_assert_int_eq(ngot, 2);
	/* The callback's answer stops the reading and is returned. */
	ck_assert_int_eq(procraw_read(fd, AF_INET, stop_cb, NULL), -ECANCELED);
	close(fd);
}
END_TEST

START_TEST(test_raw6)
{
	int fd = text_fd(raw6);

	ngot = 0;
	ck_assert_int_eq(procraw_read(fd, AF_INET6, keep_cb, NULL), 0);
	ck_assert_int_eq(ngot, 2);
	ck_assert_int_eq(got[0].family, AF_INET6);
	ck_assert_int_eq(got[0].state, 7);
	ck_assert_int_eq(got[0].local_port, 253);
	assert_addr(got[0].local_addr, AF_INET6, "::1");
	assert_addr(got[0].peer_addr, AF_INET6, "::");
	ck_assert_uint_eq(got[0].inode, 742653);
	ck_assert_int_eq(got[1].state, 1);
	assert_addr(got[1].peer_addr, AF_INET6, "::1");
	/* The mode needs no flag: raw IPv6 is v6only by rule. */
	ck_assert_int_eq(sock_classify(&got[1]), SOCK_MODE_V6ONLY);
	close(fd);
}
END_TEST

/* What is not the kernel's format is refused, never half-read. */
START_TEST(test_garbled)
{
	static const char *const bad[] = {
		/* No title line. */
		"  37: 00000000:0001 00000000:0000 07 00000000:00000000 "
		"00:00000000 00000000     0        0 742651 2 0 0\n",
		/* A line cut short. */
		"  sl  local_address\n  37: 00000000:0001 00000000:0000 07\n",
		/* The last line not ended. */
		"  sl  local_address\n  37: 00000000:0001 00000000:0000 07 "
		"00000000:00000000 00:00000000 00000000     0        0 1 2 0 0",
		/* An inode past 32 bits. */
		"  sl  local_address\n  37: 00000000:0001 00000000:0000 07 "
		"00000000:00000000 00:00000000 00000000     0        0 "
		"4294967296 2 0 0\n",
		/* An IPv6 line read as IPv4. */
		NULL,
	};
	size_t i;
	int fd;

	for (i = 0; bad[i] != NULL; i++) {
		fd = text_fd(bad[i]);
		ck_assert_int_eq(
		    procraw_read(fd, AF_INET, keep_cb, NULL), -EBADMSG);
		close(fd);
	}
	fd = text_fd(raw6);
	ck_assert_int_eq(procraw_read(fd, AF_INET, keep_cb, NULL), -EBADMSG);
	close(fd);
	/* A table with no socket is a title line alone. */
	fd = text_fd("  sl  local_address rem_address   st\n");
	ngot = 0;
	ck_assert_int_eq(procraw_read(fd, AF_INET6, keep_cb, NULL), 0);
	ck_assert_int_eq(ngot, 0);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("procraw");

	check_add(s, "raw", test_raw4);
	check_add(s, "raw6", test_raw6);
	check_add(s, "garbled", test_garbled);
	return check_run(s);
}
