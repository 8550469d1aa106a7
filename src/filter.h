/*
 * filter.h - which sockets the user asked for (-m, --dual, --state, --sport,
 * --dport, --src, --dst)
 *
 * Pure: parsing and matching only.  Several values of one kind are ORed,
 * different kinds ANDed; an empty kind selects everything.  bc.c compiles
 * the same filter into inet_diag bytecode for the kernel; filter_match() is
 * the user-space twin that decides what the kernel cannot.
 */
#ifndef DUALSTAT_FILTER_H
#define DUALSTAT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"

/* At most this many ports or prefixes of each kind. */
#define FILTER_MAX 16

/* The bit of a mode in filter.modes. */
#define FILTER_MODE(m) (1U << (m))
#define FILTER_MODES_ALL ((1U << SOCK_MODE_COUNT) - 1)
/* The modes of AF_INET6 sockets. */
#define FILTER_MODES_INET6 (FILTER_MODES_ALL & ~FILTER_MODE(SOCK_MODE_V4))

struct filter_prefix {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t len; /* prefix length in bits */
	uint8_t addr[16]; /* network byte order; bits past len are zero */
};

struct filter {
	unsigned int modes; /* FILTER_MODE() bits; 0: every mode */
	uint32_t states; /* idiag_states bits; 0: no --state given */
	uint16_t sports[FILTER_MAX], dports[FILTER_MAX];
	unsigned int nsports, ndports;
	struct filter_prefix srcs[FILTER_MAX], dsts[FILTER_MAX];
	unsigned int nsrcs, ndsts;
};

/*
 * Parses a comma list of mode names ("v4,dual") and ORs their bits into
 * *modes.  Returns 0, or -EINVAL for an unknown or empty name, which is
 * then copied (NUL-terminated, maybe cut) into bad.
 */
int filter_parse_modes(
    const char *list, unsigned int *modes, char *bad, size_t badlen);

/*
 * Parses a comma list of ss state names ("established", "listen",
 * "time-wait"...; "connected", "synchronized", "bucket", "big", "all")
 * and ORs their idiag_states bits into *states.  Errors as for modes.
 */
int filter_parse_states(
    const char *list, uint32_t *states, char *bad, size_t badlen);

/* Parses a decimal port.  Returns 0, -EINVAL (not a number) or -ERANGE. */
int filter_parse_port(const char *text, uint16_t *port);

/*
 * Parses "ADDR" or "ADDR/LEN", IPv4 or IPv6; host bits past LEN are
 * cleared.  Returns 0, -EINVAL for a malformed address or length, or
 * -ERANGE for a length past 32 (IPv4) or 128 (IPv6).
 */
int filter_parse_prefix(const char *text, struct filter_prefix *p);

/*
 * Returns true if the address of a socket of the given family lies in the
 * prefix.  An IPv4 prefix also matches the IPv4-mapped addresses of
 * AF_INET6 sockets, as the kernel's bytecode does; an IPv6 prefix never
 * matches an AF_INET socket.
 */
bool filter_prefix_match(
    const struct filter_prefix *p, int family, const uint8_t addr[16]);

/* Returns the idiag_states bits sockets of these modes can be in. */
uint32_t filter_mode_states(unsigned int modes);

/* Returns false if no socket of the family (AF_INET...) can match. */
bool filter_wants_family(const struct filter *f, int family);

/* Returns true if the classified socket passes every part of the filter. */
bool filter_match(const struct filter *f, const struct sock_entry *sk);

/* Returns true if the filter selects every socket (no option was given). */
bool filter_is_empty(const struct filter *f);

#endif
