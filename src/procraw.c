/*
 * procraw.c - raw sockets from /proc/net/raw and raw6 where the kernel
 * has no raw_diag (-w, -A raw)
 *
 * Each line is written by the kernel with one format (net/ipv4/raw.c,
 * raw_sock_seq_show(); net/ipv6/datagram.c, __ip6_dgram_sock_seq_show()):
 *
 *   sl: LOCAL:PORT REMOTE:PORT st tx_queue:rx_queue tr:tm->when retrnsmt
 *       uid timeout inode ref pointer drops
 *
 * An address is printed as the %08X of each 32-bit word as it lies in
 * memory (s6_addr32[0..3] for IPv6), so reading each word back with %x
 * and storing it as a host integer gives the network-order bytes again.
 * The port is inet_num, the socket's protocol, and the peer's is 0: what
 * raw_diag sends as idiag_sport and idiag_dport.  tx_queue and rx_queue
 * are sk_wmem_alloc and sk_rmem_alloc, as raw_diag_get_info() sends them;
 * uid and inode are sock_i_uid() and sock_i_ino(), as in the dump.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "procraw.h"

/* A line is about 150 bytes; a longer one is not the kernel's. */
#define LINE_MAX_LEN 512

/* Parses one line into *sk; returns 0 or -EBADMSG. */
static int
parse_line(const char *line, int family, struct sock_entry *sk)
{
	unsigned int la[4], pa[4], lport, pport, state, tx, rx, uid;
	unsigned long inode;
	int n, used = 0;

	memset(sk, 0, sizeof(*sk));
	if (family == AF_INET) {
		n = sscanf(line,
		    " %*d: %8x:%4x %8x:%4x %2x %8x:%8x %*x:%*x %*x %u %*d %lu%n",
		    &la[0], &lport, &pa[0], &pport, &state, &tx, &rx, &uid,
		    &inode, &used);
		if (n != 9)
			return -EBADMSG;
		memcpy(sk->local_addr, la, 4);
		memcpy(sk->peer_addr, pa, 4);
	} else {
		n = sscanf(line,
		    " %*d: %8x%8x%8x%8x:%4x %8x%8x%8x%8x:%4x %2x %8x:%8x "
		    "%*x:%*x %*x %u %*d %lu%n",
		    &la[0], &la[1], &la[2], &la[3], &lport, &pa[0], &pa[1],
		    &pa[2], &pa[3], &pport, &state, &tx, &rx, &uid, &inode,
		    &used);
		if (n != 15)
			return -EBADMSG;
		memcpy(sk->local_addr, la, 16);
		memcpy(sk->peer_addr, pa, 16);
	}
	/* The rest (ref, pointer, drops) must at least be there. */
	if (used == 0 || line[used] != ' ' || inode > UINT32_MAX ||
	    state > 0xff || lport > 0xffff || pport > 0xffff)
		return -EBADMSG;
	sk->family = (uint8_t)family;
	sk->protocol = IPPROTO_RAW;
	sk->state = (uint8_t)state;
	sk->v6only = SOCK_V6ONLY_UNKNOWN;
	sk->local_port = (uint16_t)lport;
	sk->peer_port = (uint16_t)pport;
	sk->inode = (uint32_t)inode;
	sk->uid = uid;
	sk->recv_q = rx;
	sk->send_q = tx;
	return 0;
}

/* Hands the whole lines in buf[0..*len) to cb; keeps a partial last one. */
static int
take_lines(char *buf, size_t *len, bool *header, int family,
    int (*cb)(struct sock_entry *sk, void *data), void *data)
{
	struct sock_entry sk;
	char *line = buf, *nl;
	int ret;

	while ((nl = memchr(line, '\n', *len - (size_t)(line - buf))) != NULL) {
		*nl = '\0';
		if (*header) {
			/* "  sl  local_address ...": the title line. */
			if (strstr(line, "local_address") == NULL)
				return -EBADMSG;
			*header = false;
		} else {
			ret = parse_line(line, family, &sk);
			if (ret == 0)
				ret = cb(&sk, data);
			if (ret != 0)
				return ret;
		}
		line = nl + 1;
	}
	*len -= (size_t)(line - buf);
	memmove(buf, line, *len);
	return 0;
}

int
procraw_read(int fd, int family, int (*cb)(struct sock_entry *sk, void *data),
    void *data)
{
	char buf[LINE_MAX_LEN + 4096];
	size_t len = 0;
	bool header = true;
	ssize_t r;
	int ret;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		len += (size_t)r;
		ret = take_lines(buf, &len, &header, family, cb, data);
		if (ret != 0)
			return ret;
		if (len > LINE_MAX_LEN)
			return -EBADMSG;
	}
	/* The kernel ends every line, the title's included. */
	return len == 0 && !header ? 0 : -EBADMSG;
}
