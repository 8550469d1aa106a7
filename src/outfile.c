/*
 * outfile.c - write a file whole or not at all (--metrics=FILE)
 *
 * The directory is opened once and every later step names the files
 * relative to it, so a directory renamed or swapped for a symbolic link
 * halfway cannot send the temporary file or the rename elsewhere.
 * rename(2) within one directory is atomic: a reader opens either the old
 * file or the new one.  The new one is fsynced before the rename and the
 * directory after, so a crash does not leave an empty file behind.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outfile.h"

/* How many random names are tried before giving up (EEXIST). */
#define TRIES 64

struct outfile {
	int dirfd;
	FILE *f;
	char *base; /* the target's name in the directory */
	char *tmp; /* the temporary file's, "" once renamed or gone */
};

/* Creates ".BASE.XXXXXX" exclusively; returns its fd or -errno. */
static int
create_temp(struct outfile *o)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(o->tmp);
	unsigned char r[6];
	int i, k, fd;

	for (i = 0; i < TRIES; i++) {
		if (getrandom(r, sizeof(r), GRND_NONBLOCK) != sizeof(r)) {
			uint64_t v = (uint64_t)getpid() * 2654435761u ^
			    (uint64_t)time(NULL) ^ (uint64_t)i * 40503u;

			memcpy(r, &v, sizeof(r));
		}
		for (k = 0; k < 6; k++)
			o->tmp[len - 6 + (size_t)k] =
			    chars[r[k] % (sizeof(chars) - 1)];
		fd = openat(o->dirfd, o->tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			O_NOCTTY,
		    0644);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

/* Splits path into its directory (opened into o->dirfd) and o->base. */
static int
open_dir(struct outfile *o, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL ? slash + 1 : path;
	char *dir;

	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EISDIR;
	o->base = strdup(base);
	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (o->base == NULL || dir == NULL) {
		free(dir);
		return -ENOMEM;
	}
	o->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
	free(dir);
	return o->dirfd >= 0 ? 0 : -errno;
}

/* The target may be missing, a regular file or a link (replaced). */
static int
check_target(const struct outfile *o)
{
	struct stat st;

	if (fstatat(o->dirfd, o->base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return -EINVAL;
	return 0;
}

struct outfile *
outfile_new(const char *path)
{
	struct outfile *o;
	int fd, ret;

	o = calloc(1, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->dirfd = -1;
	ret = open_dir(o, path);
	if (ret == 0)
		ret = check_target(o);
	if (ret == 0 && asprintf(&o->tmp, ".%s.XXXXXX", o->base) < 0) {
		o->tmp = NULL;
		ret = -ENOMEM;
	}
	if (ret < 0)
		goto free_o;
	fd = create_temp(o);
	if (fd < 0) {
		ret = fd;
		o->tmp[0] = '\0';
		goto free_o;
	}
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		ret = -errno;
		close(fd);
		goto free_o;
	}
	return o;

free_o:
	outfile_free(o);
	errno = -ret;
	return NULL;
}

FILE *
outfile_stream(struct outfile *o)
{
	return o->f;
}

int
outfile_commit(struct outfile *o)
{
	FILE *f = o->f;
	int ret = 0;

	o->f = NULL;
	if (fflush(f) != 0 || ferror(f))
		ret = errno != 0 ? -errno : -EIO;
	if (ret == 0 && fsync(fileno(f)) < 0)
		ret = -errno;
	if (fclose(f) != 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && renameat(o->dirfd, o->tmp, o->dirfd, o->base) < 0)
		ret = -errno;
	if (ret < 0)
		return ret;
	o->tmp[0] = '\0';
	/* The rename is on disk only once the directory is. */
	if (fsync(o->dirfd) < 0)
		return -errno;
	return 0;
}

void
outfile_free(struct outfile *o)
{
	if (o == NULL)
		return;
	if (o->f != NULL)
		fclose(o->f);
	if (o->tmp != NULL && o->tmp[0] != '\0')
		unlinkat(o->dirfd, o->tmp, 0);
	if (o->dirfd >= 0)
		close(o->dirfd);
	free(o->tmp);
	free(o->base);
	free(o);
}
