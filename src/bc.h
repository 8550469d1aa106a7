/*
 * bc.h - compile a filter expression into inet_diag bytecode
 * (INET_DIAG_REQ_BYTECODE) so the kernel sends only sockets that can match
 *
 * Pure: writes into a buffer the caller owns.  The kernel cannot see the
 * modes nor v6only, so the program is a sound over-approximation of the
 * expression: it passes every socket of the family that filter_match()
 * passes, and maybe more, which user space then drops.  States are not in
 * the program: they go into idiag_states (query.c).
 */
#ifndef DUALSTAT_BC_H
#define DUALSTAT_BC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/*
 * The longest program dualstat sends: with the request it must fit
 * diag.c's 4 KiB send buffer.  A longer one is not sent: the kernel then
 * dumps the whole family and user space filters alone (query.c).
 */
#define BC_MAX_LEN 3072

/*
 * Compiles the expression of f for a dump of family (AF_INET or AF_INET6)
 * into buf.  Returns the program's length in bytes, 0 if the family needs
 * no program (every socket of it passes), or -E2BIG if buf is too small.
 * If exact is not NULL, *exact tells whether the program decides exactly
 * what the expression does (no mode or v6only term had to be widened).
 */
int bc_compile(const struct filter *f, int family, uint8_t *buf, size_t buflen,
    bool *exact);

#endif
