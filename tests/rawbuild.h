/*
 * rawbuild.h - build sock_diag replies and raw dump files in tests
 *
 * The file layout is written here from the format as documented in
 * src/rawfile.h, byte by byte, not with the code under test.
 */
#ifndef DUALSTAT_TESTS_RAWBUILD_H
#define DUALSTAT_TESTS_RAWBUILD_H

#include <stddef.h>
#include <stdint.h>

#define RB_SEQ 7 /* seq and portid of every built reply */
#define RB_PORTID 4242

/* One datagram of replies. */
struct dgram {
	uint8_t buf[16384] __attribute__((aligned(8)));
	size_t len;
};

/* A socket to put in a reply; addresses as inet_pton takes them. */
struct rb_sock {
	uint8_t family;
	uint8_t state;
	const char *src;
	uint16_t sport;
	const char *dst;
	uint16_t dport;
	uint32_t inode;
	int v6only; /* -1: no INET_DIAG_SKV6ONLY attribute */
};

/* An address of an SCTP list: its own family, as the kernel keeps it. */
struct rb_addr {
	uint8_t family;
	const char *addr;
};

void dg_init(struct dgram *dg);
/*
 * Appends an SCTP reply for s with INET_DIAG_LOCALS (nl addresses) and,
 * if peers is not NULL, INET_DIAG_PEERS (np): one sockaddr_storage each,
 * as net/sctp/diag.c sends them.
 */
size_t dg_add_sctp(struct dgram *dg, const struct rb_sock *s,
    const struct rb_addr *locals, size_t nl, const struct rb_addr *peers,
    size_t np);
/* Appends a SOCK_DIAG_BY_FAMILY reply for s; returns its offset. */
size_t dg_add_sock(struct dgram *dg, const struct rb_sock *s);
/* Appends NLMSG_DONE carrying status (0, -ENOENT...). */
void dg_add_done(struct dgram *dg, int32_t status);
/* Appends NLMSG_ERROR carrying error (-EPERM...). */
void dg_add_error(struct dgram *dg, int32_t error);

/* A raw dump file being built. */
struct rawbuf {
	uint8_t data[65536];
	size_t len;
};

/* Writes the 16-byte header: magic, version (host order), 0. */
void rb_header(struct rawbuf *rb, uint32_t version);
void rb_record(
    struct rawbuf *rb, uint16_t type, const void *body, uint32_t len);
void rb_request(
    struct rawbuf *rb, uint8_t family, uint8_t protocol, uint32_t states);
/* A REQUEST carrying the bytecode filter it was sent with. */
void rb_request_bc(struct rawbuf *rb, uint8_t family, uint8_t protocol,
    uint32_t states, const void *bc, size_t bclen);
/* Version 2: a REQUEST with a 32-bit protocol, and the PROTOCOLS record
 * (n pairs of protocol and family). */
void rb_request2(
    struct rawbuf *rb, uint8_t family, uint32_t protocol, uint32_t states);
void rb_protocols(struct rawbuf *rb, const uint16_t *protocols,
    const uint8_t *families, size_t n);
void rb_datagram(struct rawbuf *rb, const struct dgram *dg);
void rb_note(struct rawbuf *rb, const char *text);

#endif
