/*
 * num.h - the one parser of decimal numbers (--sport, --dport, prefix
 * lengths, the pids and descriptors named in /proc)
 */
#ifndef DUALSTAT_NUM_H
#define DUALSTAT_NUM_H

/*
 * Parses text made of decimal digits only (no sign, no space, not empty)
 * whose value is at most max.  Returns 0 and the value in *out, or
 * -EINVAL for anything but digits, -ERANGE for a value above max (*out
 * is then untouched).
 */
int num_parse_ulong(const char *text, unsigned long max, unsigned long *out);

#endif
