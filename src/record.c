/*
 * record.c - write the kernel's replies to a raw dump file (--dump-raw)
 *
 * Each request is written before it is sent, and each datagram through
 * diag's tap as it is received, before it is parsed: a reply that makes
 * dualstat fail is in the file, which is what a bug report needs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protos.h"
#include "rawfile.h"
#include "record.h"

struct record {
	FILE *out;
	struct diag *d;
	uint32_t protos;
	int err; /* first write error, -errno */
};

static int
put_bytes(struct record *r, const void *p, size_t n)
{
	if (r->err != 0)
		return r->err;
	errno = 0;
	if (n > 0 && fwrite(p, 1, n, r->out) != n)
		r->err = errno != 0 ? -errno : -EIO;
	return r->err;
}

static int
put_record(struct record *r, uint16_t type, const void *body, uint32_t len)
{
	uint8_t hdr[RAWFILE_RECORD_LEN] = { 0 };
	int ret;

	memcpy(hdr, &type, sizeof(type));
	memcpy(hdr + 4, &len, sizeof(len));
	ret = put_bytes(r, hdr, sizeof(hdr));
	if (ret < 0)
		return ret;
	return put_bytes(r, body, len);
}

/* The PROTOCOLS record: one entry per (protocol, family) in the set. */
static void
put_protocols(struct record *r)
{
	uint8_t body[RAWFILE_PROTOCOLS_MAX * RAWFILE_PROTOCOL_ENTRY] = { 0 };
	uint32_t len = 0;
	unsigned int i;
	int protocol, family;

	for (i = 0; protos_nth(i, &protocol, &family) && len < sizeof(body);
	     i++) {
		uint16_t proto = (uint16_t)protocol;

		if (!protos_has(r->protos, protocol, family))
			continue;
		memcpy(body + len, &proto, sizeof(proto));
		body[len + 2] = (uint8_t)family;
		len += RAWFILE_PROTOCOL_ENTRY;
	}
	put_record(r, RAWFILE_PROTOCOLS, body, len);
}

struct record *
record_new(FILE *out, struct diag *d, const char *note, uint32_t protos)
{
	uint8_t hdr[RAWFILE_HEADER_LEN] = { 0 };
	uint32_t version = RAWFILE_VERSION;
	struct record *r;
	size_t n;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->out = out;
	r->d = d;
	r->protos = protos;
	memcpy(hdr, RAWFILE_MAGIC, RAWFILE_MAGIC_LEN);
	memcpy(hdr + RAWFILE_MAGIC_LEN, &version, sizeof(version));
	put_bytes(r, hdr, sizeof(hdr));
	if (note != NULL) {
		n = strnlen(note, RAWFILE_NOTE_MAX);
		put_record(r, RAWFILE_NOTE, note, (uint32_t)n);
	}
	put_protocols(r);
	/* A file that cannot be written at all fails before any listing. */
	errno = 0;
	if (r->err == 0 && fflush(out) != 0)
		r->err = errno != 0 ? -errno : -EIO;
	if (r->err != 0) {
		errno = -r->err;
		free(r);
		return NULL;
	}
	return r;
}

void
record_free(struct record *r)
{
	free(r);
}

static int
tap_cb(const void *buf, size_t len, void *data)
{
	struct record *r = data;

	if (len > RAWFILE_DATAGRAM_MAX)
		return -EMSGSIZE;
	return put_record(r, RAWFILE_DATAGRAM, buf, (uint32_t)len);
}

static int
record_dump(
    void *impl, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	struct record *r = impl;
	uint8_t body[RAWFILE_REQUEST_LEN + RAWFILE_BYTECODE_MAX] = { 0 };
	size_t bclen = req->bytecode != NULL ? req->bytecode_len : 0;
	uint16_t flags = bclen > 0 ? RAWFILE_REQ_BYTECODE : 0;
	uint32_t protocol = req->protocol;
	int ret;

	if (bclen > RAWFILE_BYTECODE_MAX)
		return -E2BIG;
	body[0] = req->family;
	memcpy(body + 2, &flags, sizeof(flags));
	memcpy(body + 4, &req->states, sizeof(req->states));
	memcpy(body + 8, &protocol, sizeof(protocol));
	if (bclen > 0)
		memcpy(body + RAWFILE_REQUEST_LEN, req->bytecode, bclen);
	ret = put_record(
	    r, RAWFILE_REQUEST, body, (uint32_t)(RAWFILE_REQUEST_LEN + bclen));
	if (ret < 0)
		return ret;
	diag_set_tap(r->d, tap_cb, r);
	ret = diag_dump(r->d, req, cb, data);
	diag_set_tap(r->d, NULL, NULL);
	return ret;
}

static const struct source_ops record_source_ops = {
	.dump = record_dump,
};

void
record_source_init(struct source *src, struct record *r)
{
	src->ops = &record_source_ops;
	src->impl = r;
}

int
record_finish(struct record *r)
{
	errno = 0;
	if (r->err == 0 && fflush(r->out) != 0)
		r->err = errno != 0 ? -errno : -EIO;
	if (r->err == 0 && ferror(r->out))
		r->err = -EIO;
	return r->err;
}
