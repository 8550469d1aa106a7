/*
 * parse.c - decode one inet_diag reply into a struct sock_entry
 *
 * The kernel's reply is a struct inet_diag_msg followed by netlink
 * attributes (include/uapi/linux/inet_diag.h).  dualstat asks for no
 * extensions (idiag_ext = 0), so the attributes are those the kernel always
 * adds; those read are INET_DIAG_SKV6ONLY, INET_DIAG_CGROUP_ID and, for
 * SCTP, INET_DIAG_LOCALS and INET_DIAG_PEERS.  Unknown attributes are skipped, so newer kernels
 * do not break older dualstat builds.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "parse.h"

/* What parse_attrs() found: payloads point into the message. */
struct attrs {
	int8_t v6only;
	uint64_t cgroup_id; /* 0: absent */
	const unsigned char *locals, *peers; /* NULL: absent */
	size_t nlocals, npeers; /* addresses in each */
};

/*
 * SCTP's address lists hold one struct sockaddr_storage per address
 * (net/sctp/diag.c, inet_diag_msg_sctpladdrs_fill() and
 * inet_diag_msg_sctpaddrs_fill()): the family first, in host order.
 */
#define SCTP_ADDR_LEN sizeof(struct sockaddr_storage)

/* Returns the number of addresses in a list payload, or -1 if garbled. */
static long
addr_count(const struct nlattr *attr)
{
	size_t len = attr->nla_len - NLA_HDRLEN;

	return len % SCTP_ADDR_LEN == 0 ? (long)(len / SCTP_ADDR_LEN) : -1;
}

/*
 * Reads INET_DIAG_SKV6ONLY, INET_DIAG_CGROUP_ID, INET_DIAG_LOCALS and
 * INET_DIAG_PEERS into *a.  Returns 0, or -EBADMSG if an attribute does
 * not fit in the message, bytes too few for an attribute are left at its
 * end, SKV6ONLY's payload is not exactly one byte (CGROUP_ID's eight), or
 * an address list is not whole addresses.
 *
 * The walk is written out here rather than done with libmnl's
 * mnl_attr_for_each(): that makes four library calls per attribute,
 * which was a sixth of dualstat's own work on a large listing.  The rules
 * are libmnl's (mnl_attr_ok(), mnl_attr_validate() for MNL_TYPE_U8),
 * except that the walk never reads past nlmsg_len, even into padding.
 */
static int
parse_attrs(const struct nlmsghdr *nlh, size_t offset, struct attrs *a)
{
	const unsigned char *p =
	    (const unsigned char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(offset);
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *attr;
	long n;

	while (end - p >= NLA_HDRLEN) {
		attr = (const struct nlattr *)p;
		if (attr->nla_len < NLA_HDRLEN || attr->nla_len > end - p)
			return -EBADMSG;
		switch (attr->nla_type & NLA_TYPE_MASK) {
		case INET_DIAG_SKV6ONLY:
			if (attr->nla_len != NLA_HDRLEN + 1)
				return -EBADMSG;
			a->v6only =
			    p[NLA_HDRLEN] ? SOCK_V6ONLY_YES : SOCK_V6ONLY_NO;
			break;
		case INET_DIAG_CGROUP_ID:
			/* Sent for full sockets on kernels since 5.7
			 * (inet_diag_msg_attrs_fill()). */
			if (attr->nla_len != NLA_HDRLEN + 8)
				return -EBADMSG;
			memcpy(&a->cgroup_id, p + NLA_HDRLEN, 8);
			break;
		case INET_DIAG_LOCALS:
		case INET_DIAG_PEERS:
			n = addr_count(attr);
			if (n < 0)
				return -EBADMSG;
			if ((attr->nla_type & NLA_TYPE_MASK) ==
			    INET_DIAG_LOCALS) {
				a->locals = p + NLA_HDRLEN;
				a->nlocals = (size_t)n;
			} else {
				a->peers = p + NLA_HDRLEN;
				a->npeers = (size_t)n;
			}
			break;
		default:
			break;
		}
		p += NLA_ALIGN(attr->nla_len);
	}
	return p < end ? -EBADMSG : 0;
}

/*
 * Copies one sockaddr_storage of an SCTP list as a 16-byte address of the
 * socket's family: an AF_INET address on an AF_INET6 socket (SCTP keeps
 * IPv4 paths of an IPv6 socket as sockaddr_in) becomes IPv4-mapped.
 * Returns 0, or -EBADMSG for a family that is neither or does not fit.
 */
static int
copy_sctp_addr(const unsigned char *ss, int family, uint8_t out[16])
{
	sa_family_t af;

	memcpy(&af, ss, sizeof(af));
	memset(out, 0, 16);
	if (af == AF_INET6 && family == AF_INET6) {
		memcpy(out, ss + offsetof(struct sockaddr_in6, sin6_addr), 16);
		return 0;
	}
	if (af != AF_INET)
		return -EBADMSG;
	if (family == AF_INET6) {
		out[10] = out[11] = 0xff;
		memcpy(
		    out + 12, ss + offsetof(struct sockaddr_in, sin_addr), 4);
	} else {
		memcpy(out, ss + offsetof(struct sockaddr_in, sin_addr), 4);
	}
	return 0;
}

/*
 * Copies a list into arr (at most SOCK_ADDRS_MAX; *n says how many).  The
 * mode is decided from every address, so when the list is longer, a
 * mapped address past the end takes the last place if none is kept yet.
 */
static int
copy_sctp_list(const unsigned char *list, size_t count, int family,
    uint8_t arr[SOCK_ADDRS_MAX][16], uint8_t *n)
{
	uint8_t extra[16];
	bool mapped = false;
	size_t i;

	*n = 0;
	for (i = 0; i < count; i++) {
		uint8_t *dst = i < SOCK_ADDRS_MAX ? arr[i] : extra;

		if (copy_sctp_addr(list + i * SCTP_ADDR_LEN, family, dst) < 0)
			return -EBADMSG;
		if (family != AF_INET6 || !sock_addr_is_mapped(dst))
			continue;
		if (i >= SOCK_ADDRS_MAX && !mapped)
			memcpy(arr[SOCK_ADDRS_MAX - 1], extra, 16);
		mapped = true;
	}
	*n = (uint8_t)(count < SOCK_ADDRS_MAX ? count : SOCK_ADDRS_MAX);
	return 0;
}

/*
 * SCTP: the lists, and the primary addresses of an association (one with
 * a peer list).  The kernel fills an association's idiag_src from its
 * first local address and idiag_dst from its primary path, reading them
 * as IPv6 even when they are IPv4 (net/sctp/diag.c,
 * inet_diag_msg_sctpasoc_fill()), so the primaries are taken from the
 * lists: the first local one, and the peer equal to idiag_dst or else the
 * first peer.  Association states are SCTP's own, stored shifted.
 */
static int
parse_sctp(const struct attrs *a, struct sock_entry *sk)
{
	unsigned int i;

	if (copy_sctp_list(a->locals, a->nlocals, sk->family, sk->local_addrs,
		&sk->nlocal) < 0 ||
	    copy_sctp_list(a->peers, a->npeers, sk->family, sk->peer_addrs,
		&sk->npeer) < 0)
		return -EBADMSG;
	if (a->peers == NULL)
		return 0; /* an endpoint: its own addresses are right */
	sk->state = sk->state <= SOCK_STATE_SCTP_MAX
	    ? (uint8_t)(SOCK_STATE_SCTP_BASE + sk->state)
	    : 0;
	if (sk->nlocal > 0)
		memcpy(sk->local_addr, sk->local_addrs[0], 16);
	for (i = 0; i < sk->npeer; i++)
		if (memcmp(sk->peer_addrs[i], sk->peer_addr, 16) == 0)
			return 0;
	if (sk->npeer > 0)
		memcpy(sk->peer_addr, sk->peer_addrs[0], 16);
	return 0;
}

int
sock_parse(const struct nlmsghdr *nlh, int protocol, struct sock_entry *out)
{
	const struct inet_diag_msg *msg;
	struct sock_entry *sk = out;
	struct attrs a = { .v6only = SOCK_V6ONLY_UNKNOWN };

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*msg)))
		return -EBADMSG;
	msg = NLMSG_DATA(nlh);
	if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6)
		return -EBADMSG;
	if (parse_attrs(nlh, sizeof(*msg), &a) < 0)
		return -EBADMSG;

	/*
	 * Written field by field, not memset and copied: the address
	 * arrays make the entry large, and only their first n are read.
	 */
	sk->family = msg->idiag_family;
	sk->protocol = (uint16_t)protocol;
	sk->state = msg->idiag_state;
	sk->v6only = a.v6only;
	sk->cgroup_id = a.cgroup_id;
	sk->mode = SOCK_MODE_V6;
	sk->nlocal = sk->npeer = 0;
	sk->local_port = ntohs(msg->id.idiag_sport);
	sk->peer_port = ntohs(msg->id.idiag_dport);
	/* idiag_src/dst are __be32[4]: the bytes are already in wire order. */
	if (sk->family == AF_INET) {
		memset(sk->local_addr, 0, 16);
		memset(sk->peer_addr, 0, 16);
		memcpy(sk->local_addr, msg->id.idiag_src, 4);
		memcpy(sk->peer_addr, msg->id.idiag_dst, 4);
	} else {
		memcpy(sk->local_addr, msg->id.idiag_src, 16);
		memcpy(sk->peer_addr, msg->id.idiag_dst, 16);
	}
	sk->inode = msg->idiag_inode;
	sk->uid = msg->idiag_uid;
	sk->ifindex = msg->id.idiag_if;
	sk->recv_q = msg->idiag_rqueue;
	sk->send_q = msg->idiag_wqueue;
	if (protocol == IPPROTO_SCTP)
		return parse_sctp(&a, sk);
	return 0;
}
