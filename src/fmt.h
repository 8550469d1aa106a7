/*
 * fmt.h - fast text for addresses and numbers, shared by the writers
 *
 * Each function writes into dst, which must have room for the longest
 * result, and returns a pointer just past what it wrote (no NUL).
 */
#ifndef DUALSTAT_FMT_H
#define DUALSTAT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text fmt_addr() writes: an IPv6 address as inet_ntop writes it. */
#define FMT_ADDR_MAX 46

/* Writes the address as inet_ntop(3) would (RFC 5952 for AF_INET6). */
char *fmt_addr(char *dst, int family, const uint8_t *addr);

/*
 * With unmap set (--unmap) and an IPv4-mapped AF_INET6 address, points
 * *addr at its IPv4 part and returns AF_INET; otherwise returns family.
 */
int fmt_unmap(int family, const uint8_t **addr, bool unmap);

/* Writes the four bytes as a dotted quad. */
char *fmt_ipv4(char *dst, const uint8_t addr[4]);

/* Writes v in decimal. */
char *fmt_u32(char *dst, uint32_t v);

/*
 * Returns the length (2 to 4) of the well-formed UTF-8 sequence that starts
 * at s, within n bytes, or 0 if it is not one (overlong forms, surrogates
 * and code points past U+10FFFF are not well-formed).
 */
size_t fmt_utf8_len(const unsigned char *s, size_t n);

/*
 * Writes at most max bytes of s, stopping at its NUL or after n bytes,
 * for an error message: printable ASCII as it is, every other byte and
 * '\\' as \xNN, and "..." if s was cut.  dst needs 4 * max + 4 bytes.
 * Returns dst, NUL-terminated.
 */
char *fmt_quote(char *dst, const char *s, size_t n, size_t max);

/*
 * The one rule for untrusted text in every output (table, JSON, metrics,
 * stderr): returns the length (1 to 4) of the character at s, within n
 * bytes, if it can be shown as it is: printable ASCII, or well-formed UTF-8
 * that is neither a C1 control nor a bidirectional override; 0 otherwise
 * (C0 controls, DEL, C1, U+202A..U+202E, U+2066..U+2069, invalid UTF-8):
 * the writer then escapes it in its own syntax.
 */
size_t fmt_printable_len(const unsigned char *s, size_t n);

/* Returns the code point of the well-formed UTF-8 sequence of len bytes
 * (fmt_utf8_len()) at s. */
uint32_t fmt_utf8_decode(const unsigned char *s, size_t len);

#endif
