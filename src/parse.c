/*
 * parse.c - decode one inet_diag reply into a struct sock_entry
 *
 * The kernel's reply is a struct inet_diag_msg followed by netlink
 * attributes (include/uapi/linux/inet_diag.h).  dualstat asks for no
 * extensions (idiag_ext = 0), so the attributes are those the kernel always
 * adds; the only one read is INET_DIAG_SKV6ONLY.  Unknown attributes are
 * skipped, so newer kernels do not break older dualstat builds.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "parse.h"

/*
 * Reads INET_DIAG_SKV6ONLY into *v6only.  Returns 0, or -EBADMSG if an
 * attribute does not fit in the message, bytes too few for an attribute
 * are left at its end, or SKV6ONLY's payload is not exactly one byte.
 *
 * The walk is written out here rather than done with libmnl's
 * mnl_attr_for_each(): that makes four library calls per attribute,
 * which was a sixth of dualstat's own work on a large listing.  The rules
 * are libmnl's (mnl_attr_ok(), mnl_attr_validate() for MNL_TYPE_U8),
 * except that the walk never reads past nlmsg_len, even into padding.
 */
static int
parse_attrs(const struct nlmsghdr *nlh, size_t offset, int8_t *v6only)
{
	const unsigned char *p =
	    (const unsigned char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(offset);
	const unsigned char *end = (const unsigned char *)nlh + nlh->nlmsg_len;
	const struct nlattr *attr;

	while (end - p >= NLA_HDRLEN) {
		attr = (const struct nlattr *)p;
		if (attr->nla_len < NLA_HDRLEN || attr->nla_len > end - p)
			return -EBADMSG;
		if ((attr->nla_type & NLA_TYPE_MASK) == INET_DIAG_SKV6ONLY) {
			if (attr->nla_len != NLA_HDRLEN + 1)
				return -EBADMSG;
			*v6only =
			    p[NLA_HDRLEN] ? SOCK_V6ONLY_YES : SOCK_V6ONLY_NO;
		}
		p += NLA_ALIGN(attr->nla_len);
	}
	return p < end ? -EBADMSG : 0;
}

int
sock_parse(const struct nlmsghdr *nlh, int protocol, struct sock_entry *out)
{
	const struct inet_diag_msg *msg;
	struct sock_entry sk;
	int8_t v6only = SOCK_V6ONLY_UNKNOWN;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*msg)))
		return -EBADMSG;
	msg = NLMSG_DATA(nlh);
	if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6)
		return -EBADMSG;
	if (parse_attrs(nlh, sizeof(*msg), &v6only) < 0)
		return -EBADMSG;

	memset(&sk, 0, sizeof(sk));
	sk.family = msg->idiag_family;
	sk.protocol = (uint8_t)protocol;
	sk.state = msg->idiag_state;
	sk.v6only = v6only;
	sk.local_port = ntohs(msg->id.idiag_sport);
	sk.peer_port = ntohs(msg->id.idiag_dport);
	/* idiag_src/dst are __be32[4]: the bytes are already in wire order. */
	if (sk.family == AF_INET) {
		memcpy(sk.local_addr, msg->id.idiag_src, 4);
		memcpy(sk.peer_addr, msg->id.idiag_dst, 4);
	} else {
		memcpy(sk.local_addr, msg->id.idiag_src, 16);
		memcpy(sk.peer_addr, msg->id.idiag_dst, 16);
	}
	sk.inode = msg->idiag_inode;
	sk.uid = msg->idiag_uid;
	sk.ifindex = msg->id.idiag_if;
	sk.recv_q = msg->idiag_rqueue;
	sk.send_q = msg->idiag_wqueue;
	*out = sk;
	return 0;
}
