/*
 * bc.h - compile a struct filter into inet_diag bytecode
 * (INET_DIAG_REQ_BYTECODE) so the kernel sends only matching sockets
 *
 * Pure: writes into a buffer the caller owns.  The program for a family
 * accepts exactly the sockets of that family filter_match() accepts, with
 * two exceptions the caller handles: it does not look at states (those go
 * into idiag_states), and the bytecode cannot see v6only, so for the modes
 * v6, v6only and dual it only narrows the choice (not mapped, bound to
 * "::") and user space decides.
 */
#ifndef DUALSTAT_BC_H
#define DUALSTAT_BC_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* Room for the longest program a filter within FILTER_MAX can make. */
#define BC_MAX_LEN 1536

/*
 * Compiles the filter for a dump of family (AF_INET or AF_INET6) into buf.
 * Returns the program's length in bytes, 0 if the filter needs no program
 * (everything of that family passes), or -E2BIG if buf is too small.
 */
int bc_compile(const struct filter *f, int family, uint8_t *buf, size_t buflen);

#endif
