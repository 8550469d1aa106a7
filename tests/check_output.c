/*
 * check_output.c - unit tests for the table and JSON writers
 *
 * Each writer writes to an open_memstream() buffer that is compared with
 * the exact text the man page documents.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check_mem.h"
#include "check_suite.h"
#include "output.h"

static struct sock_entry
entry(int family, int proto, int state, int v6only, const char *local,
    uint16_t lport, const char *peer, uint16_t pport)
{
	struct sock_entry sk;

	memset(&sk, 0, sizeof(sk));
	sk.family = (uint8_t)family;
	sk.protocol = (uint8_t)proto;
	sk.state = (uint8_t)state;
	sk.v6only = (int8_t)v6only;
	sk.local_port = lport;
	sk.peer_port = pport;
	sk.inode = 12345;
	sk.uid = 0;
	ck_assert_int_eq(inet_pton(family, local, sk.local_addr), 1);
	ck_assert_int_eq(inet_pton(family, peer, sk.peer_addr), 1);
	sock_classify(&sk);
	return sk;
}

/* What scope.c tells a writer after a complete listing. */
static const struct out_status complete = { .complete = true };

/* One namespace (a plain run: no name) with its bindv6only. */
static void
write_ns(
    struct writer *w, const struct sock_entry *sks, size_t n, int bindv6only)
{
	struct out_netns ns = { .bindv6only = bindv6only };
	size_t i;

	ck_assert_int_eq(writer_begin(w), 0);
	ck_assert_int_eq(writer_netns_begin(w, &ns), 0);
	for (i = 0; i < n; i++) {
		struct out_row row = { .sk = &sks[i] };

		ck_assert_int_eq(writer_row(w, &row), 0);
	}
	ck_assert_int_eq(writer_netns_end(w, &complete), 0);
	ck_assert_int_eq(writer_end(w, &complete), 0);
}

static void
write_all(struct writer *w, const struct sock_entry *sks, size_t n)
{
	write_ns(w, sks, n, -1);
}

START_TEST(test_json_empty)
{
	struct out_opts oo = { .header = true };
	struct writer w;

	open_mem();
	json_init(&w, mem, &oo);
	write_all(&w, NULL, 0);
	ck_assert_str_eq(close_mem(), "[]\n");
	done_mem();
}
END_TEST

START_TEST(test_json_rows)
{
	struct out_opts oo = { .header = true };
	struct sock_entry sks[4];
	struct writer w;
	size_t i;

	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 3128, "::", 0);
	sks[0].recv_q = 2; /* the accept queue */
	sks[0].send_q = 511; /* the backlog */
	sks[1] = entry(AF_INET6, IPPROTO_TCP, 1, SOCK_V6ONLY_UNKNOWN,
	    "::ffff:10.0.0.7", 3128, "::ffff:10.0.0.8", 40000);
	sks[1].send_q = 1448;
	sks[2] = entry(AF_INET, IPPROTO_UDP, 7, SOCK_V6ONLY_UNKNOWN,
	    "127.0.0.1", 53, "0.0.0.0", 0);
	sks[2].uid = 4294967295U;
	/* TIME-WAIT: the kernel's uid and inode 0 mean "no owner". */
	sks[3] = entry(AF_INET, IPPROTO_TCP, 6, SOCK_V6ONLY_UNKNOWN, "10.0.0.1",
	    80, "10.0.0.2", 5000);
	sks[3].inode = 0;
	open_mem();
	json_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	for (i = 0; i < 4; i++) {
		struct out_row row = { .sk = &sks[i],
			.ifname = i == 0 ? "eth0" : NULL };

		ck_assert_int_eq(writer_row(&w, &row), 0);
	}
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "[\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"LISTEN\","
	    "\"mode\":\"dual\",\"v6only\":false,\"local_addr\":\"::\","
	    "\"local_port\":3128,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":\"eth0\",\"recv_q\":2,\"send_q\":511,"
	    "\"inode\":12345,\"uid\":0},\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"ESTAB\","
	    "\"mode\":\"mapped\",\"v6only\":null,"
	    "\"local_addr\":\"::ffff:10.0.0.7\",\"local_port\":3128,"
	    "\"peer_addr\":\"::ffff:10.0.0.8\",\"peer_port\":40000,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":1448,"
	    "\"inode\":12345,\"uid\":0},\n"
	    "{\"proto\":\"udp\",\"family\":\"inet\",\"state\":\"UNCONN\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"127.0.0.1\","
	    "\"local_port\":53,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":12345,\"uid\":4294967295},\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet\",\"state\":\"TIME-WAIT\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"10.0.0.1\","
	    "\"local_port\":80,\"peer_addr\":\"10.0.0.2\",\"peer_port\":5000,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":null,\"uid\":null}\n"
	    "]\n");
	ck_assert_uint_eq(w.rows, 4);
	done_mem();
}
END_TEST

START_TEST(test_json_string)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{ "squid", 5, "\"squid\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\t\x1b[2J", 10, "\"l1\\u000al2\\u0009\\u001b[2J\"" },
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "\x7f", 1, "\"\\u007f\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
		{ "bad\xff\xc3", 5, "\"bad\\ufffd\\ufffd\"" },
		{ "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"" },
		/* C1 controls: U+009B (CSI) acts as ESC [ on some terminals;
		 * U+0080 and U+009F are the ends of the range, U+00A0 is
		 * past it. */
		{ "\xc2\x9b"
		  "2J",
		    4, "\"\\u009b2J\"" },
		{ "\xc2\x80\xc2\x9f\xc2\xa0", 6, "\"\\u0080\\u009f\xc2\xa0\"" },
		/* Bidi overrides and isolates, each end of both ranges, and
		 * their neighbours U+2029, U+202F, U+2065, U+206A kept. */
		{ "\xe2\x80\xaa\xe2\x80\xae\xe2\x81\xa6\xe2\x81\xa9", 12,
		    "\"\\u202a\\u202e\\u2066\\u2069\"" },
		{ "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", 12,
		    "\"\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\"" },
		{ "", 0, "\"\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		open_mem();
		json_write_string(mem, cases[i].in, cases[i].n);
		ck_assert_str_eq(close_mem(), cases[i].out);
		done_mem();
	}
}
END_TEST

START_TEST(test_table)
{
	struct out_opts oo = { .header = true };
	struct sock_entry sks[3];
	struct writer w;

	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 3128, "::", 0);
	sks[1] = entry(AF_INET6, IPPROTO_TCP, 1, SOCK_V6ONLY_UNKNOWN,
	    "::ffff:10.0.0.7", 3128, "::ffff:10.0.0.8", 40000);
	sks[2] = entry(AF_INET6, IPPROTO_TCP, 6, SOCK_V6ONLY_UNKNOWN,
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, "2001:db8::1",
	    443);
	open_mem();
	table_init(&w, mem, &oo);
	write_all(&w, sks, 3);
	/* Not a terminal: each column as wide as its title or widest cell,
	 * one blank apart, nothing after the last. */
	ck_assert_str_eq(close_mem(),
	    "Proto State     Mode   Local Address:Port                   "
	    "           Peer Address:Port\n"
	    "tcp   LISTEN    dual   [::]:3128                            "
	    "           [::]:*\n"
	    "tcp   ESTAB     mapped [::ffff:10.0.0.7]:3128               "
	    "           [::ffff:10.0.0.8]:40000\n"
	    "tcp   TIME-WAIT v6     [ffff:ffff:ffff:ffff:ffff:ffff:ffff:f"
	    "fff]:65535 [2001:db8::1]:443\n");
	done_mem();
}
END_TEST

START_TEST(test_table_extended)
{
	struct out_opts oo = { .header = false, .extended = true };
	struct sock_entry sks[3];
	struct writer w;

	sks[0] = entry(AF_INET, IPPROTO_UDP, 7, SOCK_V6ONLY_UNKNOWN, "10.1.2.3",
	    53, "0.0.0.0", 0);
	sks[1] = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_YES, "::1", 22, "::", 0);
	sks[2] = entry(
	    AF_INET6, IPPROTO_UDP, 7, SOCK_V6ONLY_NO, "::", 5353, "::", 0);
	/* -e's User column: the name of the uid, or the uid itself when it
	 * has none. */
	sks[2].uid = 4000001;
	sks[2].inode = 4000000000U;
	sks[1].recv_q = 3;
	sks[1].send_q = 128;
	open_mem();
	table_init(&w, mem, &oo);
	write_all(&w, sks, 3);
	/* -H: as wide as the cells alone. */
	ck_assert_str_eq(close_mem(),
	    "udp UNCONN 0 0   v4     10.1.2.3:53 0.0.0.0:* 12345      roo"
	    "t    -\n"
	    "tcp LISTEN 3 128 v6only [::1]:22    [::]:*    12345      roo"
	    "t    yes\n"
	    "udp UNCONN 0 0   dual   [::]:5353   [::]:*    4000000000 400"
	    "0001 no\n");
	done_mem();
}
END_TEST

START_TEST(test_table_string)
{
	static const struct {
		const char *in;
		size_t n;
		const char *out;
		size_t width;
	} cases[] = {
		{ "squid", 5, "squid", 5 },
		{ "a\"b\\c", 5, "a\\\"b\\\\c", 7 },
		{ "l1\nl2\tx\r", 8, "l1\\nl2\\tx\\r", 11 },
		/* ESC [ 2 J would clear the screen. */
		{ "\x1b[2J", 4, "\\x1b[2J", 7 },
		{ "nul\0x\x7f", 6, "nul\\x00x\\x7f", 12 },
		/* U+00E9 is kept (one column); U+009B, the C1 CSI, is not. */
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9", 4 },
		{ "\xc2\x9b", 2, "\\xc2\\x9b", 8 },
		/* U+202E RIGHT-TO-LEFT OVERRIDE, then invalid bytes. */
		{ "\xe2\x80\xae", 3, "\\xe2\\x80\\xae", 12 },
		{ "bad\xff\xc3", 5, "bad\\xff\\xc3", 11 },
		{ "", 0, "", 0 },
	};
	size_t i, width;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		open_mem();
		width = table_write_string(mem, cases[i].in, cases[i].n);
		ck_assert_str_eq(close_mem(), cases[i].out);
		ck_assert_uint_eq(width, cases[i].width);
		done_mem();
	}
}
END_TEST

/* A procmap holding two owners of inode 12345, with hostile names. */
static struct procmap *
two_owners(void)
{
	struct procmap *m = procmap_new();

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 12345), 0);
	ck_assert_int_eq(procmap_want(m, 777), 0);
	ck_assert_int_eq(procmap_add(m, 12345, 812, 14, "sq\"u\nid", 7), 0);
	ck_assert_int_eq(procmap_add(m, 12345, 813, 3, "\x1b]0;x\xff", 6), 0);
	return m;
}

START_TEST(test_table_processes)
{
	struct out_opts oo = { .header = true, .processes = true };
	struct procmap *m = two_owners();
	struct sock_entry sk = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 3128, "::", 0);
	struct out_row row = { .sk = &sk, .procs = m };
	struct writer w;

	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_row(&w, &row), 0);
	/* No owner: the row ends after the peer, without blanks. */
	sk.inode = 777;
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "Proto State  Mode Local Address:Port Peer Address:Port Proce"
	    "ss\n"
	    "tcp   LISTEN dual [::]:3128          [::]:*            users"
	    ":((\"sq\\\"u\\nid\",pid=812,fd=14),(\"\\x1b]0;x\\xff\",pid=8"
	    "13,fd=3))\n"
	    "tcp   LISTEN dual [::]:3128          [::]:*\n");
	done_mem();
	procmap_free(m);
}
END_TEST

START_TEST(test_table_netns)
{
	struct out_opts oo = { .header = true,
		.extended = true,
		.processes = true,
		.netns = true };
	struct procmap *m = two_owners();
	struct sock_entry sk = entry(AF_INET, IPPROTO_UDP, 7,
	    SOCK_V6ONLY_UNKNOWN, "10.1.2.3", 53, "0.0.0.0", 0);
	struct out_row row = { .sk = &sk, .procs = m };
	struct out_netns ns = { .name = "pid:4242", .inode = 4026532281ULL };
	struct writer w;

	sk.inode = 777;
	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	/* A hostile name, longer than the column. */
	ns.name = "evil\nname\x1b";
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	sk.inode = 12345;
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	/* The Netns column as wide as its longest (escaped) name. */
	ck_assert_str_eq(close_mem(),
	    "Netns          Proto State  Recv-Q Send-Q Mode Local Address"
	    ":Port Peer Address:Port Inode User V6only Process\n"
	    "pid:4242       udp   UNCONN 0      0      v4   10.1.2.3:53  "
	    "      0.0.0.0:*         777   root -\n"
	    "evil\\nname\\x1b udp   UNCONN 0      0      v4   10.1.2.3:53"
	    "        0.0.0.0:*         12345 root -      users:((\"sq\\\""
	    "u\\nid\",pid=812,fd=14),(\"\\x1b]0;x\\xff\",pid=813,fd=3))\n");
	done_mem();
	procmap_free(m);
}
END_TEST

START_TEST(test_json_processes)
{
	struct out_opts oo = {
		.header = true, .processes = true, .netns = true
	};
	struct procmap *m = two_owners();
	struct sock_entry sk = entry(AF_INET, IPPROTO_UDP, 7,
	    SOCK_V6ONLY_UNKNOWN, "10.1.2.3", 53, "0.0.0.0", 0);
	struct out_row row = { .sk = &sk, .procs = m };
	struct out_netns ns = { .name = "blue\"\n", .inode = 4026532281ULL };
	struct writer w;

	open_mem();
	json_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	sk.inode = 777;
	ns.name = "docker:3f2a1b2c3d4e";
	ns.container = ns.name;
	ns.pid = 4410;
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	/* A socket not accept()ed yet has inode 0: no descriptor holds it,
	 * so no owner (its uid is the listener's, not an owner's); a plain
	 * run's namespace has no name. */
	sk.inode = 0;
	ns.name = NULL;
	ns.container = NULL;
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_row(&w, &row), 0);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "[\n"
	    "{\"proto\":\"udp\",\"family\":\"inet\",\"state\":\"UNCONN\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"10.1.2.3\","
	    "\"local_port\":53,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":12345,\"uid\":0,\"netns\":\"blue\\\"\\u000a\","
	    "\"netns_inode\":4026532281,\"netns_pid\":null,"
	    "\"container\":null,\"processes\":["
	    "{\"pid\":812,\"comm\":\"sq\\\"u\\u000aid\",\"fd\":14},"
	    "{\"pid\":813,\"comm\":\"\\u001b]0;x\\ufffd\",\"fd\":3}]},\n"
	    "{\"proto\":\"udp\",\"family\":\"inet\",\"state\":\"UNCONN\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"10.1.2.3\","
	    "\"local_port\":53,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":777,\"uid\":0,\"netns\":\"docker:3f2a1b2c3d4e\","
	    "\"netns_inode\":4026532281,\"netns_pid\":4410,"
	    "\"container\":\"docker:3f2a1b2c3d4e\",\"processes\":[]},\n"
	    "{\"proto\":\"udp\",\"family\":\"inet\",\"state\":\"UNCONN\","
	    "\"mode\":\"v4\",\"v6only\":null,\"local_addr\":\"10.1.2.3\","
	    "\"local_port\":53,\"peer_addr\":null,\"peer_port\":null,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":null,\"uid\":null,\"processes\":[]}\n"
	    "]\n");
	done_mem();
	procmap_free(m);
}
END_TEST

/* --unmap: mapped addresses as dotted quads; mode and family stay. */
START_TEST(test_unmap)
{
	struct out_opts oo = { .header = false, .unmap = true };
	struct sock_entry sks[3];
	struct writer w;

	sks[0] = entry(AF_INET6, IPPROTO_TCP, 1, SOCK_V6ONLY_UNKNOWN,
	    "::ffff:10.0.0.7", 3128, "::ffff:10.0.0.8", 40000);
	/* Only the mapped end changes; "::" and IPv4-compatible stay. */
	sks[1] = entry(AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO,
	    "::ffff:127.0.0.1", 80, "::", 0);
	sks[2] = entry(AF_INET6, IPPROTO_TCP, 1, SOCK_V6ONLY_UNKNOWN,
	    "::1.2.3.4", 22, "2001:db8::1", 5);
	open_mem();
	table_init(&w, mem, &oo);
	write_all(&w, sks, 3);
	ck_assert_str_eq(close_mem(),
	    "tcp ESTAB  mapped 10.0.0.7:3128  10.0.0.8:40000\n"
	    "tcp LISTEN mapped 127.0.0.1:80   [::]:*\n"
	    "tcp ESTAB  v6     [::1.2.3.4]:22 [2001:db8::1]:5\n");
	done_mem();

	open_mem();
	json_init(&w, mem, &oo);
	write_all(&w, sks, 1);
	ck_assert_str_eq(close_mem(),
	    "[\n"
	    "{\"proto\":\"tcp\",\"family\":\"inet6\",\"state\":\"ESTAB\","
	    "\"mode\":\"mapped\",\"v6only\":null,"
	    "\"local_addr\":\"10.0.0.7\",\"local_port\":3128,"
	    "\"peer_addr\":\"10.0.0.8\",\"peer_port\":40000,"
	    "\"interface\":null,\"recv_q\":0,\"send_q\":0,"
	    "\"inode\":12345,\"uid\":0}\n"
	    "]\n");
	done_mem();
}
END_TEST

/* The sockets behind the summary tests: every group, several modes. */
static size_t
summary_socks(struct sock_entry sks[6])
{
	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 3128, "::", 0);
	sks[1] = entry(AF_INET6, IPPROTO_TCP, 1, SOCK_V6ONLY_UNKNOWN,
	    "::ffff:10.0.0.7", 3128, "::ffff:10.0.0.8", 40000);
	sks[2] = entry(AF_INET6, IPPROTO_TCP, 6, SOCK_V6ONLY_UNKNOWN,
	    "::ffff:10.0.0.7", 3128, "::ffff:10.0.0.9", 40001);
	sks[3] = entry(AF_INET, IPPROTO_TCP, 10, SOCK_V6ONLY_UNKNOWN, "0.0.0.0",
	    22, "0.0.0.0", 0);
	sks[4] =
	    entry(AF_INET6, IPPROTO_UDP, 7, SOCK_V6ONLY_YES, "::", 53, "::", 0);
	sks[5] = entry(AF_INET, IPPROTO_UDP, 1, SOCK_V6ONLY_UNKNOWN, "10.0.0.1",
	    5000, "10.0.0.2", 53);
	return 6;
}

START_TEST(test_summary_table)
{
	struct out_opts oo = { .header = true };
	struct sock_entry sks[6];
	struct writer w;

	open_mem();
	summary_init(&w, mem, &oo);
	write_ns(&w, sks, summary_socks(sks), 0);
	ck_assert_str_eq(close_mem(),
	    "Proto State      v4       v6       v6only   dual     mapped   "
	    "total\n"
	    "tcp   listening  1        0        0        1        0        2\n"
	    "tcp   connected  0        0        0        0        1        1\n"
	    "tcp   time-wait  0        0        0        0        1        1\n"
	    "udp   listening  0        0        1        0        0        1\n"
	    "udp   connected  1        0        0        0        0        1\n"
	    "total            2        0        1        1        2        6\n"
	    "net.ipv6.bindv6only = 0\n");
	ck_assert_uint_eq(w.rows, 6);
	done_mem();

	/* -H drops the title; an unreadable bindv6only says so. */
	oo.header = false;
	open_mem();
	summary_init(&w, mem, &oo);
	write_all(&w, NULL, 0);
	ck_assert_str_eq(close_mem(),
	    "tcp   listening  0        0        0        0        0        0\n"
	    "tcp   connected  0        0        0        0        0        0\n"
	    "tcp   time-wait  0        0        0        0        0        0\n"
	    "udp   listening  0        0        0        0        0        0\n"
	    "udp   connected  0        0        0        0        0        0\n"
	    "total            0        0        0        0        0        0\n"
	    "net.ipv6.bindv6only = unknown\n");
	done_mem();
}
END_TEST

START_TEST(test_summary_json)
{
	struct out_opts oo = { .json = true };
	struct sock_entry sks[6];
	struct writer w;

	open_mem();
	summary_init(&w, mem, &oo);
	write_ns(&w, sks, summary_socks(sks), 1);
	/* One shape with or without --all-netns: an array of one object
	 * per namespace; keys in snake_case. */
	ck_assert_str_eq(close_mem(),
	    "[\n{\"netns\":null,\"netns_inode\":null,\"netns_pid\":null,"
	    "\"container\":null,"
	    "\"bindv6only\":1,"
	    "\"tcp\":{"
	    "\"listening\":{\"v4\":1,\"v6\":0,\"v6only\":0,\"dual\":1,"
	    "\"mapped\":0,\"total\":2},"
	    "\"connected\":{\"v4\":0,\"v6\":0,\"v6only\":0,\"dual\":0,"
	    "\"mapped\":1,\"total\":1},"
	    "\"time_wait\":{\"v4\":0,\"v6\":0,\"v6only\":0,\"dual\":0,"
	    "\"mapped\":1,\"total\":1}},"
	    "\"udp\":{"
	    "\"listening\":{\"v4\":0,\"v6\":0,\"v6only\":1,\"dual\":0,"
	    "\"mapped\":0,\"total\":1},"
	    "\"connected\":{\"v4\":1,\"v6\":0,\"v6only\":0,\"dual\":0,"
	    "\"mapped\":0,\"total\":1}},"
	    "\"total\":{\"v4\":2,\"v6\":0,\"v6only\":1,\"dual\":1,"
	    "\"mapped\":2,\"total\":6},\"complete\":true}\n]\n");
	done_mem();

	open_mem();
	summary_init(&w, mem, &oo);
	write_all(&w, NULL, 0);
	ck_assert(strstr(close_mem(), ",\"bindv6only\":null,") != NULL);
	done_mem();
}
END_TEST

/* Writes one row of sk (with owners m and bound device ifname). */
static void
put_row(struct writer *w, const struct sock_entry *sk, const struct procmap *m,
    const char *ifname)
{
	struct out_row row = { .sk = sk, .procs = m, .ifname = ifname };

	ck_assert_int_eq(writer_row(w, &row), 0);
}

/* Returns line n (from 0) of text, without its newline, in buf. */
static const char *
line_of(const char *t, size_t n, char *buf, size_t len)
{
	const char *end;

	while (n-- > 0) {
		t = strchr(t, '\n');
		ck_assert_ptr_nonnull(t);
		t++;
	}
	end = strchr(t, '\n');
	ck_assert_ptr_nonnull(end);
	ck_assert_uint_lt((size_t)(end - t), len);
	memcpy(buf, t, (size_t)(end - t));
	buf[end - t] = '\0';
	return buf;
}

/*
 * Widths come from a block of 4096 rows: a later row that needs more
 * widens its column from its own block on, and a narrower one after it
 * keeps the width (columns never shrink back).
 */
START_TEST(test_table_blocks)
{
	struct out_opts oo = { .header = true };
	struct sock_entry narrow = entry(AF_INET, IPPROTO_UDP, 7,
	    SOCK_V6ONLY_UNKNOWN, "10.0.0.1", 1, "0.0.0.0", 0);
	struct sock_entry wide = entry(AF_INET6, IPPROTO_TCP, 1,
	    SOCK_V6ONLY_UNKNOWN, "2001:db8::1", 65535, "2001:db8::2", 443);
	struct writer w;
	const char *out;
	char buf[128];
	size_t i, lines = 0;

	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	for (i = 0; i < 4096; i++)
		put_row(&w, &narrow, NULL, NULL);
	put_row(&w, &wide, NULL, NULL);
	put_row(&w, &narrow, NULL, NULL);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	out = close_mem();
	for (i = 0; out[i] != '\0'; i++)
		lines += out[i] == '\n';
	ck_assert_uint_eq(lines, 1 + 4096 + 2);
	ck_assert_str_eq(line_of(out, 0, buf, sizeof(buf)),
	    "Proto State  Mode Local Address:Port Peer Address:Port");
	ck_assert_str_eq(line_of(out, 1, buf, sizeof(buf)),
	    "udp   UNCONN v4   10.0.0.1:1         0.0.0.0:*");
	ck_assert_str_eq(line_of(out, 4096, buf, sizeof(buf)),
	    "udp   UNCONN v4   10.0.0.1:1         0.0.0.0:*");
	ck_assert_str_eq(line_of(out, 4097, buf, sizeof(buf)),
	    "tcp   ESTAB  v6   [2001:db8::1]:65535 [2001:db8::2]:443");
	ck_assert_str_eq(line_of(out, 4098, buf, sizeof(buf)),
	    "udp   UNCONN v4   10.0.0.1:1          0.0.0.0:*");
	done_mem();
}
END_TEST

/*
 * On a terminal the spare columns go to the address columns (never to the
 * last one, which is not padded), and the Process column runs past the
 * edge when the rest leaves it no room, as in ss -p.
 */
START_TEST(test_table_terminal)
{
	struct out_opts oo = { .header = true, .width = 80 };
	struct sock_entry v4 = entry(AF_INET, IPPROTO_TCP, 10,
	    SOCK_V6ONLY_UNKNOWN, "0.0.0.0", 22, "0.0.0.0", 0);
	struct sock_entry dual =
	    entry(AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 80, "::", 0);
	struct procmap *m = procmap_new();
	struct writer w;

	dual.inode = 777;
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 12345), 0);
	ck_assert_int_eq(procmap_add(m, 12345, 1, 6, "nginx", 5), 0);

	/* 80 columns, no -p: Local takes the 25 spare ones (one is kept
	 * free at the edge). */
	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	put_row(&w, &v4, NULL, NULL);
	put_row(&w, &dual, NULL, NULL);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "Proto State  Mode Local Address:Port                        "
	    "  Peer Address:Port\n"
	    "tcp   LISTEN v4   0.0.0.0:22                                "
	    "  0.0.0.0:*\n"
	    "tcp   LISTEN dual [::]:80                                   "
	    "  [::]:*\n");
	done_mem();

	/* 100 columns, -p: 16 spare, shared by Local and Peer. */
	oo.processes = true;
	oo.width = 100;
	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	put_row(&w, &v4, m, NULL);
	put_row(&w, &dual, m, NULL);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "Proto State  Mode Local Address:Port         Peer Address:Po"
	    "rt         Process\n"
	    "tcp   LISTEN v4   0.0.0.0:22                 0.0.0.0:*      "
	    "           users:((\"nginx\",pid=1,fd=6))\n"
	    "tcp   LISTEN dual [::]:80                    [::]:*\n");
	done_mem();

	/* 80 columns, -p with three owners: no spare, Process spills. */
	ck_assert_int_eq(procmap_add(m, 12345, 2, 6, "nginx", 5), 0);
	ck_assert_int_eq(procmap_add(m, 12345, 3, 6, "nginx", 5), 0);
	oo.width = 80;
	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	put_row(&w, &v4, m, NULL);
	put_row(&w, &dual, m, NULL);
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "Proto State  Mode Local Address:Port Peer Address:Port Proce"
	    "ss\n"
	    "tcp   LISTEN v4   0.0.0.0:22         0.0.0.0:*         users"
	    ":((\"nginx\",pid=1,fd=6),(\"nginx\",pid=2,fd=6),(\"nginx\",p"
	    "id=3,fd=6))\n"
	    "tcp   LISTEN dual [::]:80            [::]:*\n");
	done_mem();
	procmap_free(m);
}
END_TEST

/*
 * The bound device, or an IPv6 zone, after the address as ss writes it;
 * its name escaped, and as wide as its characters.  -e: TIME-WAIT sockets
 * have no inode or user ("-", not root's uid 0).
 */
START_TEST(test_table_interface)
{
	struct out_opts oo = { .header = false };
	struct sock_entry sks[4];
	struct writer w;

	sks[0] = entry(
	    AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_NO, "::", 6002, "::", 0);
	sks[1] = entry(AF_INET6, IPPROTO_TCP, 10, SOCK_V6ONLY_YES, "fe80::99",
	    6001, "::", 0);
	sks[2] = entry(AF_INET, IPPROTO_UDP, 7, SOCK_V6ONLY_UNKNOWN, "10.0.0.1",
	    53, "0.0.0.0", 0);
	sks[3] = entry(AF_INET, IPPROTO_UDP, 7, SOCK_V6ONLY_UNKNOWN, "10.0.0.2",
	    53, "0.0.0.0", 0);
	open_mem();
	table_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	put_row(&w, &sks[0], NULL, "eth0");
	put_row(&w, &sks[1], NULL, "eth0");
	put_row(&w, &sks[2], NULL, "e\x1b");
	put_row(&w, &sks[3], NULL, "caf\xc3\xa9");
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "tcp LISTEN dual   [::]%eth0:6002       [::]:*\n"
	    "tcp LISTEN v6only [fe80::99]%eth0:6001 [::]:*\n"
	    "udp UNCONN v4     10.0.0.1%e\\x1b:53    0.0.0.0:*\n"
	    "udp UNCONN v4     10.0.0.2%caf\xc3\xa9:53     0.0.0.0:*\n");
	done_mem();

	oo.extended = true;
	sks[0] = entry(AF_INET, IPPROTO_TCP, 6, SOCK_V6ONLY_UNKNOWN, "10.0.0.1",
	    80, "10.0.0.2", 5000);
	sks[0].inode = 0;
	open_mem();
	table_init(&w, mem, &oo);
	write_all(&w, sks, 1);
	ck_assert_str_eq(close_mem(),
	    "tcp TIME-WAIT 0 0 v4 10.0.0.1:80 10.0.0.2:5000 - - -\n");
	done_mem();
}
END_TEST

/* -s --all-netns: namespaces with no socket fold into one line. */
START_TEST(test_summary_fold)
{
	struct out_opts oo = { .header = false, .netns = true };
	struct out_netns ns = { .name = "host", .inode = 1, .bindv6only = 0 };
	struct sock_entry sks[6];
	struct writer w;
	char name[16];
	int i;

	summary_socks(sks);
	open_mem();
	summary_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	put_row(&w, &sks[3], NULL, NULL);
	ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "pid:%d", 100 + i);
		ns.name = name;
		ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
		ck_assert_int_eq(writer_netns_end(&w, &complete), 0);
	}
	ck_assert_int_eq(writer_end(&w, &complete), 0);
	ck_assert_str_eq(close_mem(),
	    "Network namespace host (inode 1)\n"
	    "tcp   listening  1        0        0        0        0        1\n"
	    "tcp   connected  0        0        0        0        0        0\n"
	    "tcp   time-wait  0        0        0        0        0        0\n"
	    "udp   listening  0        0        0        0        0        0\n"
	    "udp   connected  0        0        0        0        0        0\n"
	    "total            1        0        0        0        0        1\n"
	    "net.ipv6.bindv6only = 0\n"
	    "\n"
	    "200 namespaces with no sockets\n");
	done_mem();
}
END_TEST

/*
 * -s after a dump that failed or could not be made: the totals say they
 * are partial, in the output itself (issue 14, item 8).
 */
START_TEST(test_summary_incomplete)
{
	struct out_opts oo = { .header = false };
	struct out_netns ns = { .bindv6only = 0 };
	struct out_status failed = { .complete = false };
	struct out_status missing = { .complete = false, .nmissing = 2 };
	struct writer w;
	const char *out;

	missing.missing[0].family = AF_INET;
	missing.missing[0].protocol = IPPROTO_UDP;
	missing.missing[1].family = AF_INET6;
	missing.missing[1].protocol = IPPROTO_UDP;

	open_mem();
	summary_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_netns_end(&w, &failed), 0);
	ck_assert_int_eq(writer_end(&w, &failed), 0);
	out = close_mem();
	ck_assert_msg(strstr(out,
			  "net.ipv6.bindv6only = 0\n"
			  "incomplete: a dump failed; these totals count only "
			  "what was listed\n") != NULL,
	    "%s", out);
	done_mem();

	open_mem();
	summary_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_netns_end(&w, &missing), 0);
	ck_assert_int_eq(writer_end(&w, &missing), 0);
	out = close_mem();
	ck_assert_msg(strstr(out,
			  "net.ipv6.bindv6only = 0\n"
			  "incomplete: not counted: AF_INET/udp AF_INET6/udp "
			  "(the kernel cannot dump them)\n") != NULL,
	    "%s", out);
	done_mem();

	oo.json = true;
	open_mem();
	summary_init(&w, mem, &oo);
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	ck_assert_int_eq(writer_netns_end(&w, &failed), 0);
	ck_assert_int_eq(writer_end(&w, &failed), 0);
	out = close_mem();
	ck_assert_msg(strstr(out, ",\"complete\":false}\n") != NULL, "%s", out);
	done_mem();
}
END_TEST

/* --check -q: rows are counted, nothing is written. */
START_TEST(test_null)
{
	struct out_opts oo = { .header = true };
	struct sock_entry sks[6];
	struct writer w;

	open_mem();
	null_init(&w, mem, &oo);
	write_all(&w, sks, summary_socks(sks));
	ck_assert_str_eq(close_mem(), "");
	ck_assert_uint_eq(w.rows, 6);
	done_mem();
}
END_TEST

/* A stream that fails to write makes the writer report the error. */
START_TEST(test_write_error)
{
	struct out_opts oo = { .header = true };
	struct sock_entry sk =
	    entry(AF_INET, IPPROTO_TCP, 1, -1, "1.2.3.4", 1, "5.6.7.8", 2);
	struct out_row row = { .sk = &sk };
	struct writer w;
	FILE *full = fopen("/dev/full", "w");
	int ret = 0, i;

	ck_assert_ptr_nonnull(full);
	setvbuf(full, NULL, _IOFBF, 4096);
	json_init(&w, full, &oo);
	writer_begin(&w);
	for (i = 0; i < 1000 && ret == 0; i++)
		ret = writer_row(&w, &row);
	ck_assert_int_lt(ret, 0);
	ck_assert_int_lt(i, 1000);
	fclose(full);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("output");

	check_add(s, "json empty", test_json_empty);
	check_add(s, "json rows", test_json_rows);
	check_add(s, "json string escaping", test_json_string);
	check_add(s, "table", test_table);
	check_add(s, "table extended", test_table_extended);
	check_add(s, "write error", test_write_error);
	check_add(s, "table string escaping", test_table_string);
	check_add(s, "table processes", test_table_processes);
	check_add(s, "table netns", test_table_netns);
	check_add(s, "json processes and netns", test_json_processes);
	check_add(s, "unmap", test_unmap);
	check_add(s, "table widths by block", test_table_blocks);
	check_add(s, "table on a terminal", test_table_terminal);
	check_add(s, "table bound device, TIME-WAIT", test_table_interface);
	check_add(s, "summary folds empty namespaces", test_summary_fold);
	check_add(s, "summary table", test_summary_table);
	check_add(s, "summary json", test_summary_json);
	check_add(s, "summary incomplete", test_summary_incomplete);
	check_add(s, "null writer", test_null);
	return check_run(s);
}
