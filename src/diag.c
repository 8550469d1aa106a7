/*
 * diag.c - NETLINK_SOCK_DIAG dumps over libmnl (every listing option)
 *
 * One request per (family, protocol): the sock_diag core picks its handler
 * by sdiag_family and has none for AF_UNSPEC (net/core/sock_diag.c).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "diag.h"

/*
 * The kernel sizes each dump datagram from the largest read it has seen,
 * capped at 32 KiB (net/netlink/af_netlink.c, netlink_recvmsg() and
 * netlink_dump()), so a larger buffer would stay unused.  A constant, not
 * MNL_SOCKET_BUFFER_SIZE, which calls sysconf() and would make a VLA.
 */
#define DIAG_RECV_SIZE 32768
#define DIAG_SEND_SIZE 4096
/* The largest errno (include/linux/err.h, MAX_ERRNO): a status in
 * NLMSG_DONE or NLMSG_ERROR beyond it is a malformed message. */
#define DIAG_ERRNO_MAX 4095

struct diag {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	diag_tap_cb tap;
	void *tap_data;
	/* diag_ifname()'s last answer: the rows bound to one device (a VRF,
	 * say) come in runs, and each would ask the kernel again. */
	unsigned int if_index; /* 0: none yet */
	char if_name[IF_NAMESIZE];
	uint8_t buf[DIAG_RECV_SIZE] __attribute__((aligned(8)));
};

struct dump_ctx {
	diag_msg_cb cb;
	void *data;
	int err; /* first error seen, as -errno */
};

/*
 * Drops whatever reached the socket before it was connected: nothing we
 * asked for (no request has been sent yet), maybe a flood meant to fill
 * the receive queue.
 */
static void
drain(int fd)
{
	char b[64];

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
}

struct diag *
diag_new(void)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct sockaddr_nl me;
	socklen_t melen = sizeof(me);
	struct diag *d;
	int saved, fd;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (d->nl == NULL)
		goto free_diag;
	fd = mnl_socket_get_fd(d->nl);
	/*
	 * Connected to the kernel (portid 0), the socket takes datagrams from
	 * nobody else: netlink_getsockbyportid() refuses a sender that is
	 * not the connected peer (net/netlink/af_netlink.c).  Without it, any
	 * process with CAP_NET_ADMIN in the namespace could unicast forged
	 * replies to our portid, which it finds in /proc/net/netlink.
	 * connect() binds the socket to a portid of the kernel's choosing
	 * itself (netlink_connect() calls netlink_autobind()), which leaves
	 * others no moment to send to a bound but unconnected socket; drain()
	 * drops anything that came all the same.
	 */
	if (connect(fd, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		goto close_socket;
	if (getsockname(fd, (struct sockaddr *)&me, &melen) < 0)
		goto close_socket;
	if (melen != sizeof(me) || me.nl_family != AF_NETLINK) {
		errno = EINVAL;
		goto close_socket;
	}
	d->portid = me.nl_pid;
	drain(fd);
	return d;

close_socket:
	saved = errno;
	mnl_socket_close(d->nl);
	errno = saved;
free_diag:
	saved = errno;
	free(d);
	errno = saved;
	return NULL;
}

int
diag_ifname(struct diag *d, unsigned int index, char *name)
{
	struct ifreq ifr;

	if (index != 0 && index == d->if_index) {
		memcpy(name, d->if_name, IF_NAMESIZE);
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_ifindex = (int)index;
	if (ioctl(mnl_socket_get_fd(d->nl), SIOCGIFNAME, &ifr) < 0)
		return -errno;
	memcpy(name, ifr.ifr_name, IF_NAMESIZE);
	name[IF_NAMESIZE - 1] = '\0';
	memcpy(d->if_name, name, IF_NAMESIZE);
	d->if_index = index;
	return 0;
}

void
diag_free(struct diag *d)
{
	if (d == NULL)
		return;
	mnl_socket_close(d->nl);
	free(d);
}

void
diag_set_tap(struct diag *d, diag_tap_cb tap, void *data)
{
	d->tap = tap;
	d->tap_data = data;
}

static int
data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	int ret;

	ret = ctx->cb(nlh, ctx->data);
	if (ret < 0) {
		ctx->err = ret;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * A dump ends with NLMSG_DONE whose payload is the dump's return value: a
 * protocol without a diag handler ends with -ENOENT there
 * (net/ipv4/inet_diag.c, inet_diag_lock_handler()).  libmnl's default
 * NLMSG_DONE callback ignores the payload, so read it here.
 */
static int
done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	int status;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(status)))
		return MNL_CB_STOP;
	memcpy(&status, mnl_nlmsg_get_payload(nlh), sizeof(status));
	if (status < -DIAG_ERRNO_MAX) {
		ctx->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	if (status < 0) {
		ctx->err = status;
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

static int
error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	const struct nlmsgerr *e;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		ctx->err = -EBADMSG;
		return MNL_CB_ERROR;
	}
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return MNL_CB_STOP;
	/* Negating INT_MIN would overflow; no errno is that large. */
	if (e->error < -DIAG_ERRNO_MAX || e->error > DIAG_ERRNO_MAX)
		ctx->err = -EBADMSG;
	else
		ctx->err = e->error < 0 ? e->error : -e->error;
	return MNL_CB_ERROR;
}

static int
noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* Not const: mnl_cb_run2() takes a non-const array. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

static int
send_request(struct diag *d, const struct diag_request *req)
{
	uint8_t sbuf[DIAG_SEND_SIZE] __attribute__((aligned(8)));
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *r;

	if (req->bytecode_len > sizeof(sbuf) - 256)
		return -E2BIG;
	nlh = mnl_nlmsg_put_header(sbuf);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++d->seq;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->sdiag_family = req->family;
	r->idiag_states = req->states;
	if (req->protocol <= UINT8_MAX) {
		r->sdiag_protocol = (uint8_t)req->protocol;
	} else {
		/*
		 * The attribute overrides sdiag_protocol (net/ipv4/
		 * inet_diag.c, inet_diag_get_protocol()).  sdiag_protocol
		 * stays 0, which no diag module serves: a kernel that
		 * ignored the attribute would answer -ENOENT rather than
		 * list the TCP sockets 262 & 0xff would name.
		 */
		r->sdiag_protocol = 0;
		mnl_attr_put_u32(nlh, INET_DIAG_REQ_PROTOCOL, req->protocol);
	}
	if (req->bytecode != NULL)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, req->bytecode_len,
		    req->bytecode);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/*
 * Checks that whole messages tile the datagram before libmnl walks it, and
 * that each is an answer to our request.  libmnl stops at the first bytes
 * that do not hold a whole message and reports success (callback.c,
 * __mnl_cb_run()): leftover bytes would be a silently short listing.  Its
 * mnl_nlmsg_ok() compares nlmsg_len as an int, so a length of 2^31 or more
 * passes and the walk jumps out of the buffer: every length is checked
 * here as unsigned.  And its seq and portid checks let 0 match anything,
 * on either side: here both must be exactly the request's, as the kernel
 * sends them on every message of a dump (netlink_dump() and netlink_ack()
 * copy them from the request).  Only the final alignment padding may be
 * missing.
 */
static int
check_messages(const uint8_t *buf, size_t len, uint32_t seq, uint32_t portid)
{
	struct nlmsghdr nlh;
	size_t off = 0;

	if (len > INT_MAX)
		return -EBADMSG;
	while (off < len && len - off >= sizeof(nlh)) {
		memcpy(&nlh, buf + off, sizeof(nlh));
		if (nlh.nlmsg_len < sizeof(nlh) || nlh.nlmsg_len > len - off)
			return -EBADMSG;
		if (nlh.nlmsg_seq != seq || nlh.nlmsg_pid != portid)
			return -EBADMSG;
		off += NLMSG_ALIGN(nlh.nlmsg_len);
	}
	return off >= len ? 0 : -EBADMSG;
}

int
diag_walk(const void *buf, size_t len, uint32_t seq, uint32_t portid,
    diag_msg_cb cb, void *data)
{
	struct dump_ctx ctx = { .cb = cb, .data = data, .err = 0 };
	int ret;

	if (len == 0)
		return -EBADMSG; /* the dump ended without DONE */
	ret = check_messages(buf, len, seq, portid);
	if (ret < 0)
		return ret;
	errno = 0;
	ret = mnl_cb_run2(
	    buf, len, seq, portid, data_cb, &ctx, ctl_cbs, NLMSG_MIN_TYPE);
	if (ret == MNL_CB_STOP)
		return 0;
	if (ret == MNL_CB_ERROR) {
		if (ctx.err != 0)
			return ctx.err;
		/* NLM_F_DUMP_INTR; libmnl's own seq and portid checks
		 * cannot fail after check_messages(). */
		return errno == EINTR ? -EINTR : -EBADMSG;
	}
	return 1;
}

/*
 * Receives one datagram from the kernel.  Returns its length, or -errno:
 * -EBADMSG if it was cut (MSG_TRUNC).  A datagram from any other sender is
 * dropped: connect() keeps them out, this says so where it is relied on.
 */
static ssize_t
receive(struct diag *d)
{
	struct sockaddr_nl from;
	struct iovec iov = { .iov_base = d->buf, .iov_len = sizeof(d->buf) };
	struct msghdr msg = {
		.msg_name = &from,
		.msg_namelen = sizeof(from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t len;

	for (;;) {
		msg.msg_namelen = sizeof(from);
		len = recvmsg(mnl_socket_get_fd(d->nl), &msg, 0);
		if (len < 0)
			return -errno;
		if (msg.msg_flags & MSG_TRUNC)
			return -EBADMSG;
		if (msg.msg_namelen == sizeof(from) &&
		    from.nl_family == AF_NETLINK && from.nl_pid == 0)
			return len;
	}
}

int
diag_dump(
    struct diag *d, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	ssize_t len;
	int ret;

	ret = send_request(d, req);
	if (ret < 0)
		return ret;
	for (;;) {
		len = receive(d);
		if (len < 0)
			return (int)len;
		if (len > 0 && d->tap != NULL) {
			ret = d->tap(d->buf, (size_t)len, d->tap_data);
			if (ret < 0)
				return ret;
		}
		ret =
		    diag_walk(d->buf, (size_t)len, d->seq, d->portid, cb, data);
		if (ret <= 0)
			return ret;
	}
}
