/*
 * sysctl.h - read integer sysctls from /proc/sys (-s: bindv6only;
 * autobound: ip_local_port_range)
 */
#ifndef DUALSTAT_SYSCTL_H
#define DUALSTAT_SYSCTL_H

/* net.ipv6.bindv6only of the calling thread's network namespace. */
#define SYSCTL_BINDV6ONLY "/proc/sys/net/ipv6/bindv6only"

/*
 * Reads the decimal integer in the file at path (a /proc/sys entry) into
 * *value.  Returns 0, the -errno of a failed open or read, or -EINVAL if
 * the file does not hold one integer.  *value is written only on success.
 */
int sysctl_read_int(const char *path, int *value);

/* net.ipv4.ip_local_port_range: the ports the kernel picks from when it
 * binds a socket itself (autobound, as ss(8) judges it). */
#define SYSCTL_PORT_RANGE "/proc/sys/net/ipv4/ip_local_port_range"

/*
 * Reads two decimal integers, "LO<tab>HI", LO <= HI, as /proc/sys shows
 * a pair.  Returns as sysctl_read_int(); *lo and *hi are written only on
 * success.
 */
int sysctl_read_range(const char *path, int *lo, int *hi);

#endif
