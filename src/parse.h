/*
 * parse.h - one sock_diag reply message to a struct sock_entry
 */
#ifndef DUALSTAT_PARSE_H
#define DUALSTAT_PARSE_H

#include <stddef.h>
#include <linux/netlink.h>

#include "sock.h"

/*
 * Parses one SOCK_DIAG_BY_FAMILY reply (a struct inet_diag_msg and its
 * attributes) for a dump of the given IPPROTO_* protocol.  The message must
 * have been length-checked by the netlink walk (nlmsg_len within the
 * buffer).  On success fills *out (mode not yet set) and returns 0; returns
 * -EBADMSG for a message that is too short, of the wrong type or family, or
 * whose attributes are truncated or malformed.  *out is untouched when
 * the message or its attributes are malformed, and may be partly written
 * when an SCTP address in a list is.
 */
int sock_parse(
    const struct nlmsghdr *nlh, int protocol, struct sock_entry *out);

#endif
