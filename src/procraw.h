/*
 * procraw.h - raw sockets from /proc/net/raw and /proc/net/raw6, for a
 * kernel that cannot dump them (-w, -A raw without raw_diag)
 *
 * A kernel built without raw_diag answers a raw sock_diag dump with
 * ENOENT, yet lists every raw socket of the namespace in these two files
 * (net/ipv4/raw.c, raw_sock_seq_show(); net/ipv6/raw.c, raw6_seq_show()
 * through __ip6_dgram_sock_seq_show()), with all the mode needs: raw IPv6
 * sockets never take IPv4 (classify.c), so their mode does not depend on
 * IPV6_V6ONLY, which the files do not show.  What they do not show either
 * is the bound device (SO_BINDTODEVICE).
 */
#ifndef DUALSTAT_PROCRAW_H
#define DUALSTAT_PROCRAW_H

#include "sock.h"

/*
 * Reads the raw socket table of the given family (AF_INET: the format of
 * /proc/net/raw, AF_INET6: of raw6) from fd, from its start (the file is
 * read again on each call, so one descriptor serves -p's two passes), and
 * calls cb with each socket as sock_parse() would have filled it from a
 * raw_diag reply, except v6only (SOCK_V6ONLY_UNKNOWN) and ifindex (0).
 * Returns 0, the first nonzero value cb returned, -errno if reading
 * failed, or -EBADMSG for a line that is not in the kernel's format.
 */
int procraw_read(int fd, int family,
    int (*cb)(struct sock_entry *sk, void *data), void *data);

#endif
