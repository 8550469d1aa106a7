/*
 * bc_audit.c - the kernel's rules for inet_diag bytecode, written here
 * from include/uapi/linux/inet_diag.h and the behaviour of
 * net/ipv4/inet_diag.c (inet_diag_bc_audit()), not copied from it
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>

#include "bc.h"
#include "bc_audit.h"

int
bc_audit_no(const uint8_t *op)
{
	uint16_t no;

	memcpy(&no, op + 2, 2);
	return no;
}

/* Length of the op at p and its arguments, or -1 if it is malformed. */
int
bc_audit_op_len(const uint8_t *p, int room)
{
	int addr;

	switch (p[0]) {
	case INET_DIAG_BC_NOP:
	case INET_DIAG_BC_JMP:
	case INET_DIAG_BC_AUTO:
		return 4;
	case INET_DIAG_BC_DEV_COND:
		return room >= 8 ? 8 : -1;
	case INET_DIAG_BC_CGROUP_COND:
		/* The op and a u64 id (valid_cgroupcond()). */
		return room >= 12 ? 12 : -1;
	case INET_DIAG_BC_S_EQ:
	case INET_DIAG_BC_D_EQ:
	case INET_DIAG_BC_S_GE:
	case INET_DIAG_BC_S_LE:
	case INET_DIAG_BC_D_GE:
	case INET_DIAG_BC_D_LE:
		return room >= 8 ? 8 : -1;
	case INET_DIAG_BC_S_COND:
	case INET_DIAG_BC_D_COND:
		if (room < 12)
			return -1;
		addr = p[4] == AF_UNSPEC ? 0
		    : p[4] == AF_INET	 ? 4
		    : p[4] == AF_INET6	 ? 16
					 : -1;
		if (addr < 0 || p[5] > 8 * addr || room < 12 + addr)
			return -1;
		return 12 + addr;
	default:
		return -1;
	}
}

/*
 * Returns NULL if the program is one the kernel accepts, else why not.
 * The ops are those reached by following "yes" from the start; each
 * "no" must land on one of them, on the end, or 4 past the end.
 */
const char *
bc_audit(const uint8_t *bc, int len)
{
	bool boundary[BC_MAX_LEN + 8] = { false };
	int pos;

	if (len < 4 || len > BC_MAX_LEN)
		return "length";
	for (pos = 0; pos < len;) {
		int l, yes;

		/* Every op has its 4-byte header, whatever comes after. */
		if (len - pos < 4)
			return "truncated op";
		l = bc_audit_op_len(bc + pos, len - pos);
		yes = bc[pos + 1];
		if (l < 0)
			return "malformed op";
		boundary[pos] = true;
		if (yes < l || yes % 4 != 0)
			return "bad yes";
		pos += yes;
	}
	if (pos != len)
		return "yes walk does not end at the end";
	boundary[len] = true;
	for (pos = 0; pos < len; pos += bc[pos + 1]) {
		int l = bc_audit_op_len(bc + pos, len - pos),
		    no = bc_audit_no(bc + pos);

		if (bc[pos] == INET_DIAG_BC_NOP)
			continue;
		if (no < l || no % 4 != 0 || pos + no > len + 4)
			return "bad no";
		if (pos + no <= len && !boundary[pos + no])
			return "no lands inside an op";
	}
	return NULL;
}
