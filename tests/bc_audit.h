/*
 * bc_audit.h - the kernel's rules for inet_diag bytecode, written here
 *
 * Shared by check_bc (every compiled program must pass) and fuzz_cli
 * (every program compiled from a fuzzed command line must pass).
 */
#ifndef DUALSTAT_TESTS_BC_AUDIT_H
#define DUALSTAT_TESTS_BC_AUDIT_H

#include <stdint.h>

/* Returns the "no" field (host order) of the op at op; an S_EQ or D_EQ
 * carries its port in the "no" field of the op after it. */
int bc_audit_no(const uint8_t *op);

/* Length of the op at p and its arguments, or -1 if it is malformed;
 * room is how many bytes are left from p. */
int bc_audit_op_len(const uint8_t *p, int room);

/* Returns NULL if the kernel accepts the program, else why not. */
const char *bc_audit(const uint8_t *bc, int len);

#endif
