/*
 * replay.c - list from a raw dump file instead of the kernel (--replay)
 *
 * replay_new() reads the whole file once and checks everything listing
 * will rely on, so a truncated or garbled file is refused before a row is
 * printed, never listed in part.  The listing then reads it again,
 * datagram by datagram, into one buffer: memory stays flat whatever the
 * file's size.  Each recorded datagram goes through diag_walk(), the same
 * netlink walk as a live one, and each reply through the same parser.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>

#include "msg.h"
#include "output.h"
#include "parse.h"
#include "protos.h"
#include "rawfile.h"
#include "replay.h"

struct replay {
	FILE *in;
	long next; /* where the search for the next section starts */
	uint32_t version; /* of the file's format */
	uint32_t protos; /* its PROTOCOLS record, or TCP and UDP */
	uint8_t buf[RAWFILE_DATAGRAM_MAX] __attribute__((aligned(8)));
};

struct rec {
	uint16_t type;
	uint32_t len;
	long off; /* of the record header, for messages */
};

struct req_body {
	uint8_t family;
	uint16_t protocol;
	uint32_t states;
	uint32_t bclen; /* the kernel filter it was sent with, if any */
	uint8_t bc[RAWFILE_BYTECODE_MAX];
};

/*
 * Reads the record header at the current position.  Returns 1, 0 at a
 * clean end of file, -EBADMSG if the file ends inside the header, -EIO if
 * reading fails.
 */
static int
read_header(FILE *in, struct rec *rec)
{
	uint8_t hdr[RAWFILE_RECORD_LEN];
	size_t n;

	rec->off = ftell(in);
	n = fread(hdr, 1, sizeof(hdr), in);
	if (n == 0 && feof(in))
		return 0;
	if (n != sizeof(hdr))
		return ferror(in) ? -EIO : -EBADMSG;
	memcpy(&rec->type, hdr, sizeof(rec->type));
	memcpy(&rec->len, hdr + 4, sizeof(rec->len));
	return 1;
}

static int
read_body(FILE *in, void *buf, size_t len)
{
	if (fread(buf, 1, len, in) != len)
		return ferror(in) ? -EIO : -EBADMSG;
	return 0;
}

/* The length of a REQUEST body without its bytecode, by version. */
static uint32_t
request_len(uint32_t version)
{
	return version == RAWFILE_VERSION_1 ? RAWFILE_REQUEST_LEN_1
					    : RAWFILE_REQUEST_LEN;
}

/* Returns true if a REQUEST record's length is possible. */
static bool
request_len_ok(uint32_t version, uint32_t len)
{
	uint32_t fixed = request_len(version);

	return len >= fixed && len - fixed <= RAWFILE_BYTECODE_MAX;
}

/* Reads a REQUEST body of len bytes (request_len_ok()). */
static int
read_request(FILE *in, uint32_t version, uint32_t len, struct req_body *req)
{
	uint8_t body[RAWFILE_REQUEST_LEN];
	uint32_t fixed = request_len(version), protocol;
	int ret;

	ret = read_body(in, body, fixed);
	if (ret < 0)
		return ret;
	req->family = body[0];
	memcpy(&req->states, body + 4, sizeof(req->states));
	if (version == RAWFILE_VERSION_1) {
		protocol = body[1];
	} else {
		memcpy(&protocol, body + 8, sizeof(protocol));
		if (protocol > UINT16_MAX)
			protocol = 0; /* refused by the caller */
	}
	req->protocol = (uint16_t)protocol;
	req->bclen = len - fixed;
	return read_body(in, req->bc, req->bclen);
}

/*
 * Reads a PROTOCOLS record of len bytes into *set.  Returns 0, -EPROTO if
 * an entry is not whole or names a pair dualstat does not know, -EBADMSG
 * if the file ends first, or -EIO.
 */
static int
read_protocols(FILE *in, uint32_t len, uint32_t *set)
{
	uint8_t body[RAWFILE_PROTOCOLS_MAX * RAWFILE_PROTOCOL_ENTRY];
	uint32_t found = 0, i, bit;
	uint16_t protocol;
	int ret;

	if (len % RAWFILE_PROTOCOL_ENTRY != 0 || len > sizeof(body))
		return -EPROTO;
	ret = read_body(in, body, len);
	if (ret < 0)
		return ret;
	for (i = 0; i < len; i += RAWFILE_PROTOCOL_ENTRY) {
		memcpy(&protocol, body + i, sizeof(protocol));
		bit = protos_bit(protocol, body[i + 2]);
		if (bit == 0)
			return -EPROTO;
		found |= bit;
	}
	*set = found;
	return 0;
}

/*
 * A section's replies all carry the seq and portid of its request, as the
 * live walk demands of the kernel's: taken from its first message, then
 * demanded of every other.  A kernel never answers with 0 for either (the
 * request's seq starts at 1, an autobound portid is never 0), so a 0 here
 * marks a file that was not recorded from a kernel: -EBADMSG.
 */
static int
section_ids(const uint8_t *buf, size_t len, uint32_t *seq, uint32_t *portid)
{
	struct nlmsghdr nlh;

	if (len < sizeof(nlh))
		return -EBADMSG;
	memcpy(&nlh, buf, sizeof(nlh));
	if (nlh.nlmsg_seq == 0 || nlh.nlmsg_pid == 0)
		return -EBADMSG;
	*seq = nlh.nlmsg_seq;
	*portid = nlh.nlmsg_pid;
	return 0;
}

static const char *
req_name(const struct req_body *req, char *name, size_t len)
{
	snprintf(name, len, "%s/%s", output_family_name(req->family),
	    output_proto_name(req->protocol));
	return name;
}

static int
check_header(FILE *in, uint32_t *versionp, char *err, size_t errlen)
{
	uint8_t hdr[RAWFILE_HEADER_LEN];
	uint32_t version;

	if (fread(hdr, 1, sizeof(hdr), in) != sizeof(hdr)) {
		if (ferror(in))
			return msg_set(err, errlen, -EIO, "read error");
		return msg_set(err, errlen, -EBADMSG,
		    "not a dualstat raw dump (shorter than its header)");
	}
	if (memcmp(hdr, RAWFILE_MAGIC, RAWFILE_MAGIC_LEN) != 0)
		return msg_set(err, errlen, -EBADMSG,
		    "not a dualstat raw dump (no DUALSTAT magic)");
	memcpy(&version, hdr + RAWFILE_MAGIC_LEN, sizeof(version));
	if (version == __builtin_bswap32(RAWFILE_VERSION) ||
	    version == __builtin_bswap32(RAWFILE_VERSION_1))
		return msg_set(err, errlen, -EBADMSG,
		    "raw dump recorded on a host of the other byte order");
	if (version != RAWFILE_VERSION && version != RAWFILE_VERSION_1)
		return msg_set(err, errlen, -EBADMSG,
		    "raw dump format version %u (this dualstat reads 1 and "
		    "%u)",
		    version, RAWFILE_VERSION);
	*versionp = version;
	return 0;
}

/*
 * The kernel answers a request only with sockets of its family
 * (net/ipv4/inet_diag.c, inet_diag_dump_icsk() skips the others): a reply
 * of another family in a section is a garbled file, which would list an
 * AF_INET6 socket under -4.  Checked here, when the file is read, and
 * again as it is listed, in case it changed since.
 */
static bool
family_matches(const struct nlmsghdr *nlh, uint8_t family)
{
	const struct inet_diag_msg *msg = NLMSG_DATA(nlh);

	return nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*msg)) ||
	    msg->idiag_family == family;
}

static int
check_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct req_body *req = data;
	struct sock_entry sk;

	if (!family_matches(nlh, req->family))
		return -EBADMSG;
	return sock_parse(nlh, req->protocol, &sk);
}

/* What the check of the records has seen so far. */
struct check_state {
	bool in_section; /* a REQUEST came */
	bool ended; /* its answer ended (DONE or ERROR) */
	struct req_body req;
	long req_off;
	uint32_t seq, portid;
	bool first; /* next datagram is the section's first */
};

static int
check_unended(const struct check_state *st, char *err, size_t errlen)
{
	char name[32];

	if (!st->in_section || st->ended)
		return 0;
	return msg_set(err, errlen, -EBADMSG,
	    "truncated: the %s dump at byte %ld has no end (no NLMSG_DONE)",
	    req_name(&st->req, name, sizeof(name)), st->req_off);
}

static int
check_request(struct replay *rp, struct check_state *st, const struct rec *rec,
    char *err, size_t errlen)
{
	int ret;

	ret = check_unended(st, err, errlen);
	if (ret < 0)
		return ret;
	if (!request_len_ok(rp->version, rec->len))
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: request at byte %ld has length %u", rec->off,
		    rec->len);
	ret = read_request(rp->in, rp->version, rec->len, &st->req);
	if (ret < 0)
		return ret;
	if (!protos_has(rp->protos, st->req.protocol, st->req.family))
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: request at byte %ld names family %u protocol %u",
		    rec->off, st->req.family, st->req.protocol);
	st->in_section = true;
	st->ended = false;
	st->first = true;
	st->req_off = rec->off;
	return 0;
}

static int
check_datagram(struct replay *rp, struct check_state *st, const struct rec *rec,
    char *err, size_t errlen)
{
	int ret;

	if (rec->len == 0 || rec->len > RAWFILE_DATAGRAM_MAX)
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: datagram at byte %ld has length %u", rec->off,
		    rec->len);
	if (!st->in_section)
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: datagram at byte %ld comes before any request",
		    rec->off);
	if (st->ended)
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: datagram at byte %ld follows the end of its dump",
		    rec->off);
	ret = read_body(rp->in, rp->buf, rec->len);
	if (ret < 0)
		return ret;
	ret = 0;
	if (st->first)
		ret = section_ids(rp->buf, rec->len, &st->seq, &st->portid);
	st->first = false;
	if (ret == 0)
		ret = diag_walk(rp->buf, rec->len, st->seq, st->portid,
		    check_reply_cb, &st->req);
	/*
	 * A recorded failure (-ENOENT for a missing diag module, -EPERM...)
	 * ends the section: replay reports it as the live run did.  A
	 * malformed message does not: the file is bad.
	 */
	if (ret == -EBADMSG || ret == -EINTR)
		return msg_set(err, errlen, -EBADMSG,
		    "garbled: datagram at byte %ld holds a malformed reply",
		    rec->off);
	if (ret <= 0)
		st->ended = true;
	return 0;
}

static int
check_records(struct replay *rp, char *err, size_t errlen)
{
	struct check_state st = { .in_section = false };
	struct rec rec;
	int ret;

	while ((ret = read_header(rp->in, &rec)) > 0) {
		switch (rec.type) {
		case RAWFILE_NOTE:
			if (rec.len > RAWFILE_NOTE_MAX)
				return msg_set(err, errlen, -EBADMSG,
				    "garbled: note at byte %ld has length %u",
				    rec.off, rec.len);
			ret = read_body(rp->in, rp->buf, rec.len);
			break;
		case RAWFILE_PROTOCOLS:
			if (rp->version == RAWFILE_VERSION_1 || st.in_section)
				return msg_set(err, errlen, -EBADMSG,
				    "garbled: protocol list at byte %ld "
				    "after a request",
				    rec.off);
			ret = read_protocols(rp->in, rec.len, &rp->protos);
			if (ret == -EPROTO)
				return msg_set(err, errlen, -EBADMSG,
				    "garbled: protocol list at byte %ld",
				    rec.off);
			break;
		case RAWFILE_REQUEST:
			ret = check_request(rp, &st, &rec, err, errlen);
			break;
		case RAWFILE_DATAGRAM:
			ret = check_datagram(rp, &st, &rec, err, errlen);
			break;
		default:
			return msg_set(err, errlen, -EBADMSG,
			    "garbled: record at byte %ld has unknown type %u",
			    rec.off, rec.type);
		}
		if (ret == -EBADMSG && err[0] == '\0')
			return msg_set(err, errlen, ret,
			    "truncated: record at byte %ld is cut short",
			    rec.off);
		if (ret < 0)
			return ret;
	}
	if (ret == -EBADMSG)
		return msg_set(err, errlen, ret,
		    "truncated: record header at byte %ld is cut short",
		    rec.off);
	if (ret < 0)
		return ret;
	return check_unended(&st, err, errlen);
}

struct replay *
replay_new(FILE *in, char *err, size_t errlen)
{
	struct replay *rp;
	char none[1];
	int ret;

	/* The checks below always have somewhere to say what they found. */
	if (err == NULL || errlen == 0) {
		err = none;
		errlen = sizeof(none);
	}
	err[0] = '\0';
	rp = malloc(sizeof(*rp));
	if (rp == NULL)
		return NULL;
	rp->in = in;
	rp->next = RAWFILE_HEADER_LEN;
	rp->version = RAWFILE_VERSION;
	/* Until a PROTOCOLS record says more: all a version 1 dump holds. */
	rp->protos = protos_base();
	if (fseek(in, 0, SEEK_SET) != 0) {
		ret = -errno;
		goto free_replay;
	}
	ret = check_header(in, &rp->version, err, errlen);
	if (ret == 0)
		ret = check_records(rp, err, errlen);
	if (ret == -EIO && err[0] == '\0')
		msg_set(err, errlen, ret, "read error");
	if (ret < 0)
		goto free_replay;
	return rp;

free_replay:
	free(rp);
	errno = -ret;
	return NULL;
}

void
replay_free(struct replay *rp)
{
	free(rp);
}

struct filter_ctx {
	diag_msg_cb cb;
	void *data;
	uint8_t family; /* of the section */
	uint32_t states; /* requested */
	int protocol;
	bool filter; /* recorded states differ from the requested ones */
};

/*
 * Leaves out the rows the kernel would not have sent for this request:
 * those whose state (as sock_state_bits() maps it: SYN-RECV for request
 * sockets, CLOSE for bound-inactive TCP) it did not ask for.
 */
static int
filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct filter_ctx *ctx = data;
	struct sock_entry sk;

	if (!family_matches(nlh, ctx->family))
		return -EBADMSG;
	if (ctx->filter && sock_parse(nlh, ctx->protocol, &sk) == 0 &&
	    (sock_state_bits(&sk) & ctx->states) == 0)
		return 0;
	return ctx->cb(nlh, ctx->data);
}

/*
 * A section answers a request of its family and protocol whose states are
 * among those recorded (the others are left out in filter_cb()).  Rows a
 * kernel filter left out cannot be brought back: a section recorded with
 * bytecode answers only the same bytecode.  Without, the listing's filter
 * runs in user space on every recorded row.
 */
static bool
section_answers(const struct req_body *found, const struct diag_request *req)
{
	size_t bclen = req->bytecode != NULL ? req->bytecode_len : 0;
	uint32_t states = req->states;

	/*
	 * A dump recorded without the bound-inactive bit (by dualstat before
	 * it asked for it) answers without those sockets, as a kernel before
	 * 6.8 would.
	 */
	if ((found->states & (1U << SOCK_STATE_BOUND_INACTIVE)) == 0)
		states &= ~(1U << SOCK_STATE_BOUND_INACTIVE);
	if (found->family != req->family || found->protocol != req->protocol ||
	    (found->states & states) != states)
		return false;
	return found->bclen == 0 ||
	    (found->bclen == bclen &&
		memcmp(found->bc, req->bytecode, bclen) == 0);
}

/* Finds the next section that can answer req; leaves the file after its
 * REQUEST record.  Returns 1 if found, 0 if not, or -errno. */
static int
find_section(
    struct replay *rp, const struct diag_request *req, struct req_body *found)
{
	struct rec rec;
	int ret;

	if (fseek(rp->in, rp->next, SEEK_SET) != 0)
		return -errno;
	while ((ret = read_header(rp->in, &rec)) > 0) {
		if (rec.type != RAWFILE_REQUEST) {
			if (fseek(rp->in, (long)rec.len, SEEK_CUR) != 0)
				return -errno;
			continue;
		}
		if (!request_len_ok(rp->version, rec.len))
			return -EBADMSG;
		ret = read_request(rp->in, rp->version, rec.len, found);
		if (ret < 0)
			return ret;
		if (section_answers(found, req))
			return 1;
	}
	return ret;
}

int
replay_check_plan(
    struct replay *rp, const struct diag_request *steps, size_t n, size_t *bad)
{
	long saved = rp->next;
	struct req_body found;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && ret == 0; i++) {
		ret = find_section(rp, &steps[i], &found);
		if (ret == 0) {
			*bad = i;
			ret = -ENODATA;
		} else if (ret > 0) {
			rp->next = ftell(rp->in);
			ret = 0;
		}
	}
	rp->next = saved;
	return ret;
}

static int
replay_dump(
    void *impl, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	struct replay *rp = impl;
	struct filter_ctx ctx = { .cb = cb, .data = data };
	struct req_body found;
	struct rec rec;
	uint32_t seq = 0, portid = 0;
	bool first = true;
	int ret;

	ret = find_section(rp, req, &found);
	if (ret <= 0)
		return ret < 0 ? ret : -ENODATA;
	ctx.family = found.family;
	ctx.states = req->states;
	ctx.protocol = req->protocol;
	ctx.filter = found.states != req->states;
	for (;;) {
		ret = read_header(rp->in, &rec);
		if (ret <= 0)
			return ret < 0 ? ret : -EBADMSG;
		if (rec.type == RAWFILE_NOTE) {
			if (fseek(rp->in, (long)rec.len, SEEK_CUR) != 0)
				return -errno;
			continue;
		}
		/* Checked by replay_new(), unless the file changed since. */
		if (rec.type != RAWFILE_DATAGRAM || rec.len == 0 ||
		    rec.len > RAWFILE_DATAGRAM_MAX)
			return -EBADMSG;
		ret = read_body(rp->in, rp->buf, rec.len);
		if (ret < 0)
			return ret;
		if (first)
			ret = section_ids(rp->buf, rec.len, &seq, &portid);
		first = false;
		if (ret == 0)
			ret = diag_walk(
			    rp->buf, rec.len, seq, portid, filter_cb, &ctx);
		if (ret <= 0)
			break;
	}
	rp->next = ftell(rp->in);
	return ret;
}

static const struct source_ops replay_source_ops = {
	.dump = replay_dump,
};

uint32_t
replay_protocols(const struct replay *rp)
{
	return rp->protos;
}

void
replay_source_init(struct source *src, struct replay *rp)
{
	src->ops = &replay_source_ops;
	src->impl = rp;
}
