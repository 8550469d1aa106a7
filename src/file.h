/*
 * file.h - open what the user names, create what root writes
 *
 * dualstat runs as root in directories others may write to.  A path the
 * user names is opened without blocking and without taking a terminal,
 * and its type checked before it is used (--replay, -N).  A file dualstat
 * writes is created new, never through a symlink, readable by its owner
 * only (--dump-raw); or, for one that must replace an older one whole, as
 * a temporary file in the same directory renamed over it when complete
 * (file_create_temp(), file_commit_temp()).
 */
#ifndef DUALSTAT_FILE_H
#define DUALSTAT_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* The type a user-named path must have. */
enum file_kind {
	FILE_REGULAR, /* a regular file, not of proc, sysfs... (--replay) */
	FILE_NSFS, /* a namespace file of nsfs (-N PATH) */
};

/*
 * Opens path read-only with O_NONBLOCK|O_NOCTTY|O_CLOEXEC (so a FIFO or a
 * terminal neither blocks nor becomes ours) and checks with fstat() and
 * fstatfs() that it is of the given kind.  Returns the descriptor, or
 * -errno: -EMEDIUMTYPE if the path is of another type.
 */
int file_open_user(const char *path, enum file_kind kind);

/*
 * Creates path for writing with O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC and
 * the given mode (0600 for what may hold another namespace's sockets).
 * Anything already there, a symlink or a FIFO included, is refused
 * untouched with -EEXIST.  Returns the descriptor, or -errno.
 */
int file_create_excl(const char *path, mode_t mode);

/*
 * Creates a new temporary file next to path, as file_create_excl() does,
 * named path with a random ".tmp-XXXXXX" suffix, which is written into
 * tmp (tmplen bytes).  Returns the descriptor, or -errno
 * (-ENAMETOOLONG if the name does not fit in tmp).
 */
int file_create_temp(const char *path, char *tmp, size_t tmplen, mode_t mode);

/*
 * Finishes a file from file_create_temp(): fsync()s and closes fd, then
 * renames tmp over path, so a reader sees the old file or the new one,
 * whole.  On any failure tmp is removed.  fd is closed in every case.
 * Returns 0, or -errno of the first failed step.
 */
int file_commit_temp(int fd, const char *tmp, const char *path);

#endif
