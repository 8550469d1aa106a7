/*
 * diag.h - the only way into the netlink layer: sock_diag dumps
 *
 * A struct diag owns one NETLINK_SOCK_DIAG socket and its receive buffer.
 * diag_dump() sends one SOCK_DIAG_BY_FAMILY dump request and hands every
 * reply message to a callback, in the order the kernel sends them.
 */
#ifndef DUALSTAT_DIAG_H
#define DUALSTAT_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

struct diag;

struct diag_request {
	uint8_t family; /* AF_INET or AF_INET6 */
	/* IPPROTO_TCP, _UDP, _SCTP, _RAW or SOCK_IPPROTO_MPTCP (262): one
	 * above 255 goes in INET_DIAG_REQ_PROTOCOL. */
	uint16_t protocol;
	uint32_t states; /* idiag_states: bit N selects TCP state N */
	const void *bytecode; /* INET_DIAG_REQ_BYTECODE, or NULL */
	size_t bytecode_len;
};

/* Called for each reply; returns 0 to go on, or -errno to stop the dump. */
typedef int (*diag_msg_cb)(const struct nlmsghdr *nlh, void *data);

/* Called with each datagram as received, before it is parsed (--dump-raw).
 * Returns 0 or -errno to stop the dump. */
typedef int (*diag_tap_cb)(const void *buf, size_t len, void *data);

/* Opens a sock_diag socket.  Returns NULL with errno set on failure. */
struct diag *diag_new(void);

/* Closes the socket; diag_free(NULL) is a no-op. */
void diag_free(struct diag *d);

/* Sets (or, with NULL, clears) the raw datagram tap. */
void diag_set_tap(struct diag *d, diag_tap_cb tap, void *data);

/*
 * Dumps the sockets the request selects.  Only the kernel's datagrams are
 * read (the socket is connected to it), and only messages that carry the
 * request's seq and the socket's portid.  Returns 0 when the kernel has
 * sent them all; the callback's own negative value if it stopped the dump;
 * -ENOENT if the kernel cannot dump that protocol (its diag module is
 * missing); -EINVAL from a kernel that refuses INET_DIAG_REQ_PROTOCOL
 * (protocols above 255: it has no MPTCP diag); -EBADMSG for a malformed
 * or truncated (MSG_TRUNC) reply, an error code outside -4095..-1
 * included;
 * or the -errno of the failed system call or of the kernel's NLMSG_ERROR.
 */
int diag_dump(
    struct diag *d, const struct diag_request *req, diag_msg_cb cb, void *data);

/*
 * Writes into name (IF_NAMESIZE bytes, NUL-terminated) the name of the
 * interface index in the socket's network namespace: SIOCGIFNAME on the
 * sock_diag socket, which the kernel answers for the namespace the socket
 * was created in (net/socket.c, sock_do_ioctl(), dev_ioctl() with
 * sock_net()).  The last answer is kept and given again for the same
 * index, without asking, for the rest of the run.  Returns 0 or -errno
 * (-ENODEV: no such interface).  Not for two threads at once.
 */
int diag_ifname(struct diag *d, unsigned int index, char *name);

/*
 * Walks one datagram of dump replies as diag_dump() does with each one it
 * receives (replay uses it on recorded ones): checks that whole messages
 * fill it, that every one carries exactly seq and portid (0 is no
 * wildcard; -EBADMSG otherwise), hands each reply to cb, reads
 * the status in NLMSG_DONE and NLMSG_ERROR.  Returns 1 if the dump goes on
 * in a further datagram, 0 if it ended, or a negative errno as diag_dump().
 * buf must be 4-byte aligned.
 */
int diag_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid,
    diag_msg_cb cb, void *data);

#endif
