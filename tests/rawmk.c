/*
 * rawmk.c - write raw dump files of kernel answers this kernel cannot be
 * made to give, for tests/replay_errors.sh
 *
 *   rawmk missing FILE   the udp dumps end with NLMSG_DONE carrying -ENOENT
 *                        (no udp_diag module); tcp lists 0.0.0.0:22 LISTEN
 *   rawmk refused FILE   as above, but the AF_INET/udp dump is answered
 *                        with NLMSG_ERROR -EPERM
 *   rawmk requests FILE  prints how many REQUEST records FILE holds
 *                        (read by the layout of src/rawfile.h: a 16-byte
 *                        header, then u16 type, u16 0, u32 length, body)
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

static int
count_requests(const char *path)
{
	uint8_t hdr[8];
	uint16_t type;
	uint32_t len;
	unsigned long n = 0;
	FILE *f = fopen(path, "rb");

	if (f == NULL || fseek(f, 16, SEEK_SET) != 0) {
		perror(path);
		return 1;
	}
	while (fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr)) {
		memcpy(&type, hdr, sizeof(type));
		memcpy(&len, hdr + 4, sizeof(len));
		if (type == 2)
			n++;
		if (fseek(f, (long)len, SEEK_CUR) != 0)
			break;
	}
	fclose(f);
	printf("%lu\n", n);
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
		return count_requests(argv[2]);
	if (argc != 3 ||
	    (strcmp(argv[1], "missing") != 0 &&
		strcmp(argv[1], "refused") != 0)) {
		fprintf(stderr, "usage: rawmk missing|refused|requests FILE\n");
		return 2;
	}
	refused = strcmp(argv[1], "refused") == 0;
	rb_header(&rb, 1);
	section(AF_INET, IPPROTO_TCP, &ssh, 0, 0);
	section(AF_INET6, IPPROTO_TCP, NULL, 0, 0);
	section(AF_INET, IPPROTO_UDP, NULL, -ENOENT, refused ? -EPERM : 0);
	section(AF_INET6, IPPROTO_UDP, NULL, -ENOENT, 0);
	f = fopen(argv[2], "wb");
	if (f == NULL || fwrite(rb.data, 1, rb.len, f) != rb.len ||
	    fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
