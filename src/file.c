/*
 * file.c - open what the user names, create what root writes (--replay,
 * -N PATH, -F FILE, --dump-raw)
 *
 * One place for the rules of "Trust at the edges" on files, so every
 * option that takes a path follows them the same way.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "file.h"

/*
 * Files of the kernel's pseudo file systems pass S_ISREG() but are no
 * files to replay: their text is made on each read, and some reads block
 * (/proc/kmsg).  An nsfs inode is S_IFREG too (fs/nsfs.c).
 */
static bool
is_pseudo_fs(long type)
{
	switch (type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case NSFS_MAGIC:
	case DEBUGFS_MAGIC:
	case TRACEFS_MAGIC:
	case SECURITYFS_MAGIC:
		return true;
	default:
		return false;
	}
}

/* Whether the inode's type may be of kind; nsfs files are S_IFREG. */
static bool
type_fits(mode_t mode, enum file_kind kind)
{
	return S_ISREG(mode) || (kind == FILE_TEXT && S_ISFIFO(mode));
}

/* Whether fd is of kind; fstatfs() tells nsfs from other files. */
static int
check_kind(int fd, enum file_kind kind, const struct stat *before)
{
	struct statfs sfs;
	struct stat st;

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		return -errno;
	/* Another inode than the one stat() looked at: replaced since. */
	if (st.st_dev != before->st_dev || st.st_ino != before->st_ino ||
	    !type_fits(st.st_mode, kind))
		return -EMEDIUMTYPE;
	if (kind == FILE_NSFS)
		return sfs.f_type == NSFS_MAGIC ? 0 : -EMEDIUMTYPE;
	return S_ISFIFO(st.st_mode) || !is_pseudo_fs(sfs.f_type) ? 0
								 : -EMEDIUMTYPE;
}

int
file_open_user(const char *path, enum file_kind kind)
{
	struct stat st;
	int fd, ret;

	/* A device is refused before it is opened: opening one can act
	 * (a tape rewinds, a watchdog starts). */
	if (stat(path, &st) < 0)
		return -errno;
	if (!type_fits(st.st_mode, kind))
		return -EMEDIUMTYPE;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = check_kind(fd, kind, &st);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	return fd;
}

int
file_create_excl(const char *path, mode_t mode)
{
	int fd;

	fd = open(
	    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	return fd < 0 ? -errno : fd;
}
