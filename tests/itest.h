/*
 * itest.h - shared helpers for the integration tests (root, private netns)
 *
 * An integration test enters a network namespace of its own, opens sockets
 * whose mode it knows, runs the dualstat binary ($DUALSTAT) and checks what
 * it printed, socket by socket.  Nothing here knows dualstat's internals.
 */
#ifndef DUALSTAT_ITEST_H
#define DUALSTAT_ITEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Exit status automake reads as "skipped". */
#define ITEST_SKIP 77

/*
 * Moves the process into a new network namespace with lo up.  Exits with
 * ITEST_SKIP and a reason on stderr when that is not allowed (not root).
 */
void itest_enter_netns(void);

/* Reports a failed check and counts it; returns cond. */
bool itest_check(bool cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Returns the number of failed checks so far. */
unsigned int itest_failures(void);

/* Ends the test: prints a summary, exits 0 or 1. */
void itest_finish(const char *name) __attribute__((noreturn));

/*
 * Fills *ss with addr (IPv4 or IPv6, numeric) and port; returns its length.
 * itest_fatal() on an address that is neither.
 */
socklen_t itest_sockaddr(
    const char *addr, uint16_t port, struct sockaddr_storage *ss);

/* Like itest_check(false, ...) followed by exit(1): for setup failures. */
void itest_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Opens a socket of type SOCK_STREAM or SOCK_DGRAM bound to addr:port
 * (port 0: any).  v6only: -1 leaves IPV6_V6ONLY at the system default,
 * 0 or 1 sets it.  A SOCK_STREAM socket listens.  Returns the fd; exits via
 * itest_fatal() on failure.
 */
int itest_bind(int type, const char *addr, uint16_t port, int v6only);

/* Same, bound to device dev first (SO_BINDTODEVICE) unless it is NULL:
 * what a link-local address needs to be bound at all. */
int itest_bind_dev(
    int type, const char *addr, uint16_t port, int v6only, const char *dev);

/* Connects a new socket of the address's family to addr:port. */
int itest_connect(int type, const char *addr, uint16_t port);

/* Like itest_connect() with IPV6_V6ONLY forced on an AF_INET6 socket. */
int itest_connect_v6only(int type, const char *addr, uint16_t port, int v6only);

/*
 * Waits (up to 5 s) until addr can be routed to: a route the kernel adds
 * with a new address may take a moment to appear.  Exits via
 * itest_fatal() if it does not.
 */
void itest_wait_route(const char *addr);

/* accept() on a listener, exiting on failure. */
int itest_accept(int lfd);

/* Returns the local port of a socket. */
uint16_t itest_port(int fd);

/* Returns the socket inode (what sock_diag reports as idiag_inode). */
uint32_t itest_inode(int fd);

/*
 * Runs $DUALSTAT (or ./src/dualstat) with the NULL-terminated argv (argv[0]
 * not included) and collects stdout and stderr into malloc'd strings.
 * Returns the exit status (128 + signal if killed).
 */
int itest_run(const char *const args[], char **out, char **err);

/* Same, for any program found in PATH (argv[0] included). */
int itest_run_prog(const char *const argv[], char **out, char **err);

/*
 * Finds the top-level member "key" of a one-line JSON object and copies its
 * raw value text (strings without their quotes, escapes left as they are;
 * arrays and objects whole) into val.  Returns false if absent.
 */
bool itest_json_get(const char *obj, const char *key, char *val, size_t len);

/* Returns a pointer to line n (0-based) of text, or NULL; lines end at \n. */
/*
 * What a row's "peer_addr" holds for a socket whose peer is paddr:pport:
 * "null" for none (a listener or unconnected socket: the wildcard and
 * port 0), else paddr.
 */
const char *itest_json_peer(const char *paddr, uint16_t pport);

const char *itest_line(const char *text, size_t n, size_t *len);

/* Counts the lines of text. */
size_t itest_count_lines(const char *text);

#endif
