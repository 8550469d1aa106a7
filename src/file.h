/*
 * file.h - open what the user names, create what root writes
 *
 * dualstat runs as root in directories others may write to.  A path the
 * user names is opened without blocking and without taking a terminal,
 * and its type checked before it is used (--replay, -N, -F).  A file dualstat
 * writes is created new, never through a symlink, readable by its owner
 * only (--dump-raw).  A file that must replace an older one whole
 * (--metrics=FILE) is outfile.c's job: a temporary file beside it,
 * renamed over it when complete.
 */
#ifndef DUALSTAT_FILE_H
#define DUALSTAT_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* The type a user-named path must have. */
enum file_kind {
	FILE_REGULAR, /* a regular file, not of proc, sysfs... (--replay) */
	FILE_NSFS, /* a namespace file of nsfs (-N PATH) */
	FILE_TEXT, /* a regular file or a FIFO (-F FILE) */
};

/*
 * Checks with stat() that path may be of the given kind, so that a device
 * is never opened; then opens it read-only with O_NONBLOCK|O_NOCTTY|
 * O_CLOEXEC (so a FIFO or a terminal neither blocks nor becomes ours) and
 * checks with fstat() and fstatfs() that the inode opened is the one
 * looked at and of that kind.  The descriptor keeps O_NONBLOCK.  Returns
 * it, or -errno: -EMEDIUMTYPE if the path is of another type.
 */
int file_open_user(const char *path, enum file_kind kind);

/*
 * Creates path for writing with O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC and
 * the given mode (0600 for what may hold another namespace's sockets).
 * Anything already there, a symlink or a FIFO included, is refused
 * untouched with -EEXIST.  Returns the descriptor, or -errno.
 */
int file_create_excl(const char *path, mode_t mode);

#endif
