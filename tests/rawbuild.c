/*
 * rawbuild.c - build sock_diag replies and raw dump files in tests
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <libmnl/libmnl.h>

#include "rawbuild.h"

static void
must_fit(size_t have, size_t cap)
{
	if (have > cap)
		abort();
}

void
dg_init(struct dgram *dg)
{
	memset(dg, 0, sizeof(*dg));
}

static struct nlmsghdr *
put_msg(struct dgram *dg, uint16_t type, size_t payload)
{
	struct nlmsghdr *nlh;

	must_fit(
	    dg->len + MNL_ALIGN(sizeof(*nlh) + payload) + 64, sizeof(dg->buf));
	nlh = mnl_nlmsg_put_header(dg->buf + dg->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = RB_SEQ;
	nlh->nlmsg_pid = RB_PORTID;
	mnl_nlmsg_put_extra_header(nlh, payload);
	return nlh;
}

size_t
dg_add_sock(struct dgram *dg, const struct rb_sock *s)
{
	size_t off = dg->len;
	struct nlmsghdr *nlh;
	struct inet_diag_msg *m;

	nlh = put_msg(dg, SOCK_DIAG_BY_FAMILY, sizeof(*m));
	m = mnl_nlmsg_get_payload(nlh);
	m->idiag_family = s->family;
	m->idiag_state = s->state;
	m->id.idiag_sport = htons(s->sport);
	m->id.idiag_dport = htons(s->dport);
	if (inet_pton(s->family, s->src, m->id.idiag_src) != 1 ||
	    inet_pton(s->family, s->dst, m->id.idiag_dst) != 1)
		abort();
	m->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	m->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	m->idiag_inode = s->inode;
	if (s->v6only >= 0)
		mnl_attr_put_u8(nlh, INET_DIAG_SKV6ONLY, (uint8_t)s->v6only);
	dg->len += nlh->nlmsg_len;
	return off;
}

/* One list attribute: sockaddr_in or sockaddr_in6 in 128 zeroed bytes. */
static void
put_addr_list(
    struct nlmsghdr *nlh, uint16_t type, const struct rb_addr *a, size_t n)
{
	uint8_t buf[8 * sizeof(struct sockaddr_storage)];
	size_t i;

	must_fit(n * sizeof(struct sockaddr_storage), sizeof(buf));
	memset(buf, 0, sizeof(buf));
	for (i = 0; i < n; i++) {
		uint8_t *ss = buf + i * sizeof(struct sockaddr_storage);
		sa_family_t af = a[i].family;
		/* sin_addr at byte 4, sin6_addr at byte 8. */
		size_t at = af == AF_INET ? 4 : 8;

		memcpy(ss, &af, sizeof(af));
		if (inet_pton(af, a[i].addr, ss + at) != 1)
			abort();
	}
	mnl_attr_put(nlh, type, n * sizeof(struct sockaddr_storage), buf);
}

size_t
dg_add_sctp(struct dgram *dg, const struct rb_sock *s,
    const struct rb_addr *locals, size_t nl, const struct rb_addr *peers,
    size_t np)
{
	size_t off = dg_add_sock(dg, s);
	struct nlmsghdr *nlh = (struct nlmsghdr *)(dg->buf + off);

	dg->len = off;
	put_addr_list(nlh, INET_DIAG_LOCALS, locals, nl);
	if (peers != NULL)
		put_addr_list(nlh, INET_DIAG_PEERS, peers, np);
	dg->len += nlh->nlmsg_len;
	return off;
}

void
dg_add_done(struct dgram *dg, int32_t status)
{
	struct nlmsghdr *nlh;

	nlh = put_msg(dg, NLMSG_DONE, sizeof(status));
	memcpy(mnl_nlmsg_get_payload(nlh), &status, sizeof(status));
	dg->len += nlh->nlmsg_len;
}

void
dg_add_error(struct dgram *dg, int32_t error)
{
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	nlh = put_msg(dg, NLMSG_ERROR, sizeof(*e));
	e = mnl_nlmsg_get_payload(nlh);
	e->error = error;
	dg->len += nlh->nlmsg_len;
}

static void
put(struct rawbuf *rb, const void *p, size_t n)
{
	must_fit(rb->len + n, sizeof(rb->data));
	memcpy(rb->data + rb->len, p, n);
	rb->len += n;
}

void
rb_header(struct rawbuf *rb, uint32_t version)
{
	uint32_t zero = 0;

	rb->len = 0;
	put(rb, "DUALSTAT", 8);
	put(rb, &version, 4);
	put(rb, &zero, 4);
}

void
rb_record(struct rawbuf *rb, uint16_t type, const void *body, uint32_t len)
{
	uint16_t zero = 0;

	put(rb, &type, 2);
	put(rb, &zero, 2);
	put(rb, &len, 4);
	put(rb, body, len);
}

void
rb_request(struct rawbuf *rb, uint8_t family, uint8_t protocol, uint32_t states)
{
	uint8_t body[8] = { family, protocol, 0, 0 };

	memcpy(body + 4, &states, 4);
	rb_record(rb, 2, body, sizeof(body));
}

void
rb_request2(
    struct rawbuf *rb, uint8_t family, uint32_t protocol, uint32_t states)
{
	uint8_t body[12] = { family, 0, 0, 0 };

	memcpy(body + 4, &states, 4);
	memcpy(body + 8, &protocol, 4);
	rb_record(rb, 2, body, sizeof(body));
}

void
rb_protocols(struct rawbuf *rb, const uint16_t *protocols,
    const uint8_t *families, size_t n)
{
	uint8_t body[4 * 16] = { 0 };
	size_t i;

	must_fit(n * 4, sizeof(body));
	for (i = 0; i < n; i++) {
		memcpy(body + 4 * i, &protocols[i], 2);
		body[4 * i + 2] = families[i];
	}
	rb_record(rb, 4, body, (uint32_t)(4 * n));
}

void
rb_request_bc(struct rawbuf *rb, uint8_t family, uint8_t protocol,
    uint32_t states, const void *bc, size_t bclen)
{
	uint8_t body[8 + 4096] = { family, protocol, 1, 0 };

	must_fit(bclen, 4096);
	memcpy(body + 4, &states, 4);
	memcpy(body + 8, bc, bclen);
	rb_record(rb, 2, body, (uint32_t)(8 + bclen));
}

void
rb_datagram(struct rawbuf *rb, const struct dgram *dg)
{
	rb_record(rb, 3, dg->buf, (uint32_t)dg->len);
}

void
rb_note(struct rawbuf *rb, const char *text)
{
	rb_record(rb, 1, text, (uint32_t)strlen(text));
}
