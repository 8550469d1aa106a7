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

#include "rawfile.h"
#include "record.h"

struct record {
	FILE *out;
	struct diag *d;
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

struct record *
record_new(FILE *out, struct diag *d, const char *note)
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
	memcpy(hdr, RAWFILE_MAGIC, RAWFILE_MAGIC_LEN);
	memcpy(hdr + RAWFILE_MAGIC_LEN, &version, sizeof(version));
	put_bytes(r, hdr, sizeof(hdr));
	if (note != NULL) {
		n = strnlen(note, RAWFILE_NOTE_MAX);
		put_record(r, RAWFILE_NOTE, note, (uint32_t)n);
	}
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
	int ret;

	if (bclen > RAWFILE_BYTECODE_MAX)
		return -E2BIG;
	body[0] = req->family;
	body[1] = req->protocol;
	memcpy(body + 2, &flags, sizeof(flags));
	memcpy(body + 4, &req->states, sizeof(req->states));
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

int
record_error(const struct record *r)
{
	return r->err;
}
