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
#include <libmnl/libmnl.h>

#include "parse.h"

/*
 * Reads INET_DIAG_SKV6ONLY into *v6only.  Returns 0, or -EBADMSG if an
 * attribute does not fit in the message or SKV6ONLY has no payload.
 */
static int
parse_attrs(const struct nlmsghdr *nlh, size_t offset, int8_t *v6only)
{
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, offset)
	{
		if (mnl_attr_get_type(attr) != INET_DIAG_SKV6ONLY)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
			return -EBADMSG;
		*v6only =
		    mnl_attr_get_u8(attr) ? SOCK_V6ONLY_YES : SOCK_V6ONLY_NO;
	}
	/*
	 * The walk stops quietly at the first attribute that does not fit
	 * (libmnl's mnl_attr_ok()); mnl_attr_parse() would report that as
	 * success.  Stopping short of the end means a truncated message.
	 */
	if ((const char *)attr < (const char *)mnl_nlmsg_get_payload_tail(nlh))
		return -EBADMSG;
	return 0;
}

int
sock_parse(const struct nlmsghdr *nlh, int protocol, struct sock_entry *out)
{
	const struct inet_diag_msg *msg;
	struct sock_entry sk;
	int8_t v6only = SOCK_V6ONLY_UNKNOWN;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*msg)))
		return -EBADMSG;
	msg = mnl_nlmsg_get_payload(nlh);
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
	*out = sk;
	return 0;
}
