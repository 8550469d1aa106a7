/*
 * sysctl.h - read one integer sysctl from /proc/sys (-s: bindv6only)
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

#endif
