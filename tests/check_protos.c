/*
 * check_protos.c - reading the loaded protocols (protos.c) from files
 * written here, as /proc/net/protocols lays them out
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_suite.h"
#include "protos.h"
#include "sock.h"

static char path[] = "/tmp/check_protos.XXXXXX";

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The title line and a few lines as Linux 6.x writes them (shortened). */
static const char title[] =
    "protocol  size sockets  memory press maxhdr  slab module     cl co\n";

START_TEST(test_read)
{
	uint32_t set = 0;
	char text[1024];

	snprintf(text, sizeof(text),
	    "%s"
	    "MPTCPv6   2064      0     311   no       0   yes  kernel      y  y\n"
	    "RAWv6     1344      0      -1   NI       0   yes  kernel      y  y\n"
	    "UDPLITEv6 1472      0       0   NI       0   yes  kernel      y  y\n"
	    "UDPv6     1472      0       0   NI       0   yes  kernel      y  y\n"
	    "TCPv6     2432      0     311   no     192   yes  kernel      y  y\n"
	    "UNIX-STREAM 1152    2      -1   NI       0   yes  kernel      y  n\n"
	    "MPTCP     1936      0     311   no       0   yes  kernel      y  y\n"
	    "RAW       1152      0      -1   NI       0   yes  kernel      y  y\n"
	    "UDP       1344      0       0   NI       0   yes  kernel      y  y\n"
	    "TCP       2304      1     311   no     192   yes  kernel      y  y\n",
	    title);
	write_file(text);
	ck_assert_int_eq(protos_read(path, &set), 0);
	ck_assert(protos_has(set, IPPROTO_TCP, AF_INET));
	ck_assert(protos_has(set, IPPROTO_TCP, AF_INET6));
	ck_assert(protos_has(set, SOCK_IPPROTO_MPTCP, AF_INET6));
	ck_assert(protos_has(set, IPPROTO_RAW, AF_INET));
	/* Not listed: not loaded.  UDPLITEv6 is not UDPv6's prefix match. */
	ck_assert(!protos_has(set, IPPROTO_SCTP, AF_INET));
	ck_assert(!protos_has(set, IPPROTO_SCTP, AF_INET6));
	ck_assert_uint_eq(set,
	    protos_base() | protos_bit(SOCK_IPPROTO_MPTCP, AF_INET) |
		protos_bit(SOCK_IPPROTO_MPTCP, AF_INET6) |
		protos_bit(IPPROTO_RAW, AF_INET) |
		protos_bit(IPPROTO_RAW, AF_INET6));

	/* sctp loaded: SCTP and SCTPv6 appear. */
	snprintf(text, sizeof(text),
	    "%sSCTPv6    1696      0       4   no     320   yes  sctp        y  y\n"
	    "SCTP      1528      0       4   no     320   yes  sctp        y  y\n"
	    "TCP       2304      1     311   no     192   yes  kernel      y  y\n",
	    title);
	write_file(text);
	ck_assert_int_eq(protos_read(path, &set), 0);
	ck_assert(protos_has(set, IPPROTO_SCTP, AF_INET));
	ck_assert(protos_has(set, IPPROTO_SCTP, AF_INET6));
	ck_assert(!protos_has(set, IPPROTO_UDP, AF_INET));
}
END_TEST

START_TEST(test_errors)
{
	uint32_t set = 12345;

	/* Not a protocols file: refused, *set untouched. */
	write_file("TCP 2304 1\n");
	ck_assert_int_eq(protos_read(path, &set), -EBADMSG);
	write_file("");
	ck_assert_int_eq(protos_read(path, &set), -EBADMSG);
	ck_assert_uint_eq(set, 12345);
	unlink(path);
	ck_assert_int_eq(protos_read(path, &set), -ENOENT);
	ck_assert_uint_eq(set, 12345);
	/* Unknown pairs have no bit. */
	ck_assert_uint_eq(protos_bit(IPPROTO_ICMP, AF_INET), 0);
	ck_assert(!protos_has(~0U, IPPROTO_ICMP, AF_INET));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("protos");
	int fd = mkstemp(path);

	if (fd < 0)
		return EXIT_FAILURE;
	close(fd);
	check_add(s, "read", test_read);
	check_add(s, "errors", test_errors);
	fd = check_run(s);
	unlink(path);
	return fd;
}
