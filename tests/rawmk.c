/*
 * rawmk.c - write raw dump files of kernel answers this kernel cannot be
 * made to give, for tests/replay_errors.sh
 *
 *   rawmk missing FILE   the udp dumps end with NLMSG_DONE carrying -ENOENT
 *                        (no udp_diag module); tcp lists 0.0.0.0:22 LISTEN
 *   rawmk refused FILE   as above, but the AF_INET/udp dump is answered
 *                        with NLMSG_ERROR -EPERM
 *   rawmk requests FILE  reads a version 2 dump and prints the family and
 *                        protocol of each REQUEST record, one a line
 *                        ("10 262"): what dualstat asked the kernel for
 *   rawmk protos FILE    a version 2 dump of a host with SCTP and raw
 *                        loaded (and TCP, UDP): the answers to -S -a,
 *                        multi-homed endpoints and associations, and to
 *                        -w -a (see protos_file())
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/tcp.h>

#include "rawbuild.h"

static struct rawbuf rb;

static void
section(uint8_t family, uint8_t protocol, const struct rb_sock *s,
    int done_status, int error)
{
	struct dgram dg;

	rb_request(&rb, family, protocol, 0x1ffe);
	dg_init(&dg);
	if (s != NULL)
		dg_add_sock(&dg, s);
	if (error != 0)
		dg_add_error(&dg, error);
	else
		dg_add_done(&dg, done_status);
	rb_datagram(&rb, &dg);
}

/*
 * SCTP_STATE_ESTABLISHED (include/net/sctp/constants.h): associations
 * report SCTP's own states.
 */
#define SCTP_ESTABLISHED 3

/*
 * The -S -a and -w -a answers.  AF_INET: an endpoint on 0.0.0.0:2905 (v4) and an
 * association to two peer addresses (v4).  AF_INET6: an endpoint on
 * [::]:3868 with v6only 0 (dual); an association whose second local and
 * second peer addresses are IPv4, kept by SCTP as sockaddr_in (mapped);
 * one with only IPv6 addresses (v6); one whose second peer is the
 * IPv4-mapped ::ffff:203.0.113.9 (mapped).  Associations carry the
 * endpoint's v6only (the kernel reports it by the socket's LISTEN state).
 * Raw: an AF_INET ICMP socket (protocol 1 in the port, as the kernel's
 * inet_num) and an AF_INET6 one bound to [::] with v6only 0 (protocol 17),
 * which the kernel reports as it would a dual UDP socket.
 */
static void
protos_file(void)
{
	static const uint16_t protos[] = { IPPROTO_TCP, IPPROTO_TCP,
		IPPROTO_UDP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_SCTP,
		IPPROTO_RAW, IPPROTO_RAW };
	static const uint8_t fams[] = { AF_INET, AF_INET6, AF_INET, AF_INET6,
		AF_INET, AF_INET6, AF_INET, AF_INET6 };
	static const struct rb_sock raw4 = { AF_INET, TCP_CLOSE, "0.0.0.0", 1,
		"0.0.0.0", 0, 7001, -1 };
	static const struct rb_sock raw6 = { AF_INET6, TCP_CLOSE, "::", 17,
		"::", 0, 7002, 0 };
	/* An ICMPv6 raw socket connected to 2001:db8::9 (ESTAB): no
	 * v6only reported, still v6only by rule (issue 18.4). */
	static const struct rb_sock raw6c = { AF_INET6, TCP_ESTABLISHED,
		"2001:db8::1", 58, "2001:db8::9", 0, 7003, -1 };
	static const struct rb_sock ep4 = { AF_INET, TCP_LISTEN, "0.0.0.0",
		2905, "0.0.0.0", 0, 5001, -1 };
	static const struct rb_addr ep4_l[] = { { AF_INET, "0.0.0.0" } };
	static const struct rb_sock as4 = { AF_INET, SCTP_ESTABLISHED,
		"192.0.2.1", 2905, "192.0.2.7", 5000, 5001, -1 };
	static const struct rb_addr as4_l[] = { { AF_INET, "192.0.2.1" } };
	static const struct rb_addr as4_p[] = { { AF_INET, "192.0.2.7" },
		{ AF_INET, "192.0.2.8" } };
	static const struct rb_sock ep6 = { AF_INET6, TCP_LISTEN, "::", 3868,
		"::", 0, 6001, 0 };
	static const struct rb_addr ep6_l[] = { { AF_INET6, "::" } };
	static const struct rb_sock as6m = { AF_INET6, SCTP_ESTABLISHED,
		"2001:db8::1", 3868, "2001:db8::2", 40000, 6001, 0 };
	static const struct rb_addr as6m_l[] = { { AF_INET6, "2001:db8::1" },
		{ AF_INET, "192.0.2.1" } };
	static const struct rb_addr as6m_p[] = { { AF_INET6, "2001:db8::2" },
		{ AF_INET, "198.51.100.2" } };
	static const struct rb_sock as6 = { AF_INET6, SCTP_ESTABLISHED,
		"2001:db8::1", 3868, "2001:db8::3", 40001, 6001, 0 };
	static const struct rb_addr as6_l[] = { { AF_INET6, "2001:db8::1" } };
	static const struct rb_addr as6_p[] = { { AF_INET6, "2001:db8::3" } };
	static const struct rb_sock as6x = { AF_INET6, SCTP_ESTABLISHED,
		"2001:db8::1", 3868, "2001:db8::4", 40002, 6001, 0 };
	static const struct rb_addr as6x_p[] = { { AF_INET6, "2001:db8::4" },
		{ AF_INET6, "::ffff:203.0.113.9" } };
	struct dgram dg;

	rb_header(&rb, 2);
	rb_protocols(&rb, protos, fams, 8);
	rb_request2(&rb, AF_INET, IPPROTO_SCTP, 0x1ffe);
	dg_init(&dg);
	dg_add_sctp(&dg, &ep4, ep4_l, 1, NULL, 0);
	dg_add_sctp(&dg, &as4, as4_l, 1, as4_p, 2);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	rb_request2(&rb, AF_INET6, IPPROTO_SCTP, 0x1ffe);
	dg_init(&dg);
	dg_add_sctp(&dg, &ep6, ep6_l, 1, NULL, 0);
	dg_add_sctp(&dg, &as6m, as6m_l, 2, as6m_p, 2);
	dg_add_sctp(&dg, &as6, as6_l, 1, as6_p, 1);
	dg_add_sctp(&dg, &as6x, as6_l, 1, as6x_p, 2);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	rb_request2(&rb, AF_INET, IPPROTO_RAW, 0x1ffe);
	dg_init(&dg);
	dg_add_sock(&dg, &raw4);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
	rb_request2(&rb, AF_INET6, IPPROTO_RAW, 0x1ffe);
	dg_init(&dg);
	dg_add_sock(&dg, &raw6);
	dg_add_sock(&dg, &raw6c);
	dg_add_done(&dg, 0);
	rb_datagram(&rb, &dg);
}

/* Reads the records as src/rawfile.h lays them out (version 2). */
static int
print_requests(const char *path)
{
	uint8_t hdr[16], rec[8], body[65536];
	uint32_t len, protocol, version = 0;
	uint16_t type;
	FILE *f = fopen(path, "rb");

	if (f != NULL && fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr))
		memcpy(&version, hdr + 8, 4);
	if (f == NULL || memcmp(hdr, "DUALSTAT", 8) != 0 || version != 2) {
		fprintf(stderr, "rawmk: %s: not a version 2 dump\n", path);
		return 1;
	}
	while (fread(rec, 1, sizeof(rec), f) == sizeof(rec)) {
		memcpy(&type, rec, 2);
		memcpy(&len, rec + 4, 4);
		if (len > sizeof(body) || fread(body, 1, len, f) != len) {
			fprintf(stderr, "rawmk: %s: truncated\n", path);
			return 1;
		}
		if (type != 2 || len < 12)
			continue;
		memcpy(&protocol, body + 8, 4);
		printf("%u %u\n", body[0], protocol);
	}
	fclose(f);
	return 0;
}

int
main(int argc, char *argv[])
{
	static const struct rb_sock ssh = {
		.family = AF_INET,
		.state = TCP_LISTEN,
		.src = "0.0.0.0",
		.sport = 22,
		.dst = "0.0.0.0",
		.inode = 4242,
		.v6only = -1,
	};
	FILE *f;
	int refused;

	if (argc == 3 && strcmp(argv[1], "requests") == 0)
		return print_requests(argv[2]);
	if (argc != 3 ||
	    (strcmp(argv[1], "missing") != 0 &&
		strcmp(argv[1], "refused") != 0 &&
		strcmp(argv[1], "protos") != 0)) {
		fprintf(stderr,
		    "usage: rawmk missing|refused|protos|requests FILE\n");
		return 2;
	}
	refused = strcmp(argv[1], "refused") == 0;
	if (strcmp(argv[1], "protos") == 0) {
		protos_file();
	} else {
		rb_header(&rb, 1);
		section(AF_INET, IPPROTO_TCP, &ssh, 0, 0);
		section(AF_INET6, IPPROTO_TCP, NULL, 0, 0);
		section(
		    AF_INET, IPPROTO_UDP, NULL, -ENOENT, refused ? -EPERM : 0);
		section(AF_INET6, IPPROTO_UDP, NULL, -ENOENT, 0);
	}
	f = fopen(argv[2], "wb");
	if (f == NULL || fwrite(rb.data, 1, rb.len, f) != rb.len ||
	    fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
