/*
 * rawfile.h - the file format of --dump-raw and --replay
 *
 * A raw dump keeps the kernel's replies exactly as they were received,
 * with just enough framing to replay them:
 *
 *   header   8 bytes  magic "DUALSTAT"
 *            u32      version (2; 1 is still read)
 *            u32      0 (reserved)
 *   records, each:
 *            u16      type (enum rawfile_type)
 *            u16      0 (reserved)
 *            u32      length of the body that follows
 *            body     length bytes
 *
 * A REQUEST record (body: u8 family, u8 0, u16 flags, u32 idiag_states,
 * u32 protocol -- IPPROTO_*, MPTCP's 262 included --, then the
 * INET_DIAG_REQ_BYTECODE filter sent, if any, to the end of the body)
 * opens a section: the DATAGRAM records after it are the datagrams the
 * kernel sent in answer to that request, whole and in order, up to and
 * including the one holding NLMSG_DONE or NLMSG_ERROR.  A NOTE record is
 * free text for people (kernel release, dualstat version); replay skips
 * it.  A PROTOCOLS record, before the first REQUEST, lists the protocols
 * the kernel had loaded (the protocols dualstat could ask for), one
 * 4-byte entry each: u16 protocol, u8 family, u8 0.  Replay plans its
 * requests from it, as a live run from /proc/net/protocols.
 *
 * Version 1 (dualstat before MPTCP, SCTP and raw): the REQUEST body is
 * u8 family, u8 protocol, u16 flags, u32 idiag_states, bytecode, and no
 * PROTOCOLS record: such a dump holds TCP and UDP only.
 *
 * Every number, like the netlink messages themselves, is in the byte order
 * of the host that recorded it: a dump from a host of the other byte order
 * is refused (its version reads as 0x01000000).
 */
#ifndef DUALSTAT_RAWFILE_H
#define DUALSTAT_RAWFILE_H

#define RAWFILE_MAGIC "DUALSTAT"
#define RAWFILE_MAGIC_LEN 8
#define RAWFILE_VERSION 2U
#define RAWFILE_VERSION_1 1U
#define RAWFILE_HEADER_LEN 16
#define RAWFILE_RECORD_LEN 8

enum rawfile_type {
	RAWFILE_NOTE = 1,
	RAWFILE_REQUEST = 2,
	RAWFILE_DATAGRAM = 3,
	RAWFILE_PROTOCOLS = 4,
};

#define RAWFILE_REQUEST_LEN 12 /* without the bytecode */
#define RAWFILE_REQUEST_LEN_1 8 /* version 1 */
#define RAWFILE_PROTOCOL_ENTRY 4
#define RAWFILE_PROTOCOLS_MAX 32U /* entries */
/* REQUEST flags: the kernel filtered with the bytecode that follows, so
 * rows are missing that another filter would have listed. */
#define RAWFILE_REQ_BYTECODE 0x1U
#define RAWFILE_BYTECODE_MAX 4096U

#define RAWFILE_NOTE_MAX 1024U
/* Twice diag's receive buffer (32 KiB): room for a larger one later. */
#define RAWFILE_DATAGRAM_MAX 65536U

#endif
