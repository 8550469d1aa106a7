/*
 * query.h - which sock_diag requests answer the command line
 */
#ifndef DUALSTAT_QUERY_H
#define DUALSTAT_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "bc.h"
#include "cli.h"
#include "diag.h"

/* At most one dump per (protocol, family): MPTCP, TCP, UDP, SCTP, raw. */
#define QUERY_MAX_STEPS 10

/*
 * Returns the idiag_states mask for a view and an IPPROTO_* protocol: only
 * the states that can match, so the kernel skips the hash tables it need
 * not walk.
 */
uint32_t query_states(enum cli_view view, int protocol);

/*
 * Returns the idiag_states bits a dump of an IPPROTO_* protocol can
 * return at all.
 */
uint32_t query_proto_states(int protocol);

/*
 * Returns the idiag_states bits in which sockets of the protocol and
 * family can be listed: those asked for (--state or the view) in which
 * the filter can hold; 0 if none, or if -4/-6 leaves the family out.
 */
uint32_t query_step_states(
    const struct options *opts, int protocol, int family);

/* Where the steps' bytecode lives: one program per family. */
struct query_bc {
	uint8_t prog[2][BC_MAX_LEN];
};

/*
 * Fills steps[] with the requests to send, in output order (MPTCP, TCP,
 * UDP, SCTP, raw; AF_INET before AF_INET6), and returns how many there
 * are.  Only (protocol, family) pairs in loaded (a protos.h set: what the
 * kernel has loaded) are asked for, so no request makes the kernel load a
 * module.  The filters narrow the families and states asked for and
 * become bytecode in *bc, which the steps point into.  A dump that cannot
 * match anything is left out, so the plan may be empty.  MPTCP is the
 * exception: asked for whole (every state, both families, no program),
 * so that every subflow finds its parent; the caller judges its rows
 * against query_step_states() and the filter.
 */
size_t query_plan(const struct options *opts, uint32_t loaded,
    struct diag_request steps[QUERY_MAX_STEPS], struct query_bc *bc);

/*
 * Returns 0 if the options ask for something that can match, or -EINVAL
 * with one line (no "dualstat:" prefix, no newline) in err saying why
 * nothing can (-4 'mode dual', -l 'dport = :22', -u --state time-wait),
 * or why the filter cannot be run (autobound with a mode term), or
 * -ENOMEM.  The one place such filters are refused.
 */
int query_check(const struct options *opts, char *err, size_t errlen);

#endif
