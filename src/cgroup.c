/*
 * cgroup.c - the cgroup v2 hierarchy for the cgroup, unit and container
 * filter terms and --emit-policy
 *
 * ss(8) resolves "cgroup PATH" the same way (iproute2, lib/fs.c,
 * get_cgroup2_id()): the path under the cgroup2 mount, its id from
 * name_to_handle_at(2), whose handle on kernfs is the 64-bit node id.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup.h"

/* include/uapi/linux/magic.h */
#define CGROUP2_MAGIC 0x63677270

static bool
is_cgroup2(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_MAGIC;
}

int
cgroup_root(char *root, size_t len)
{
	static const char *const known[] = { "/sys/fs/cgroup",
		"/sys/fs/cgroup/unified" };
	char line[PATH_MAX + 256], dir[PATH_MAX], type[32];
	FILE *f;
	size_t i;
	int ret = -ENODEV;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (is_cgroup2(known[i])) {
			if ((size_t)snprintf(root, len, "%s", known[i]) >= len)
				return -ENAMETOOLONG;
			return 0;
		}
	f = fopen("/proc/self/mounts", "re");
	if (f == NULL)
		return -ENODEV;
	while (ret == -ENODEV && fgets(line, sizeof(line), f) != NULL) {
		/* Mount points with spaces are written \040: such a
		 * one is skipped, the walk could not use it as given. */
		if (sscanf(line, "%*s %4095s %31s", dir, type) == 2 &&
		    strcmp(type, "cgroup2") == 0 && strchr(dir, '\\') == NULL &&
		    is_cgroup2(dir))
			ret = (size_t)snprintf(root, len, "%s", dir) >= len
			    ? -ENAMETOOLONG
			    : 0;
	}
	fclose(f);
	return ret;
}

int
cgroup_id(const char *path, uint64_t *id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	char root[PATH_MAX], full[PATH_MAX];
	struct stat st;
	int ret, mount_id;

	ret = cgroup_root(root, sizeof(root));
	if (ret < 0)
		return ret;
	/* Relative or not, the path is under the root, as ss takes it;
	 * ".." cannot climb out of it. */
	if (strcmp(path, "..") == 0 || strncmp(path, "../", 3) == 0 ||
	    strstr(path, "/../") != NULL ||
	    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return -ENOENT;
	if ((size_t)snprintf(full, sizeof(full), "%s%s%s", root,
		path[0] == '/' ? "" : "/", path) >= sizeof(full))
		return -ENAMETOOLONG;
	if (stat(full, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	memset(&h, 0, sizeof(h));
	h.fh.handle_bytes = sizeof(h.id);
	if (name_to_handle_at(AT_FDCWD, full, &h.fh, &mount_id, 0) == 0 &&
	    h.fh.handle_bytes == sizeof(h.id)) {
		memcpy(id, h.fh.f_handle, sizeof(*id));
		return 0;
	}
	/* Without file handles the inode is the same number on 64-bit
	 * kernels (kernfs_ino()). */
	*id = (uint64_t)st.st_ino;
	return 0;
}

struct walk {
	int (*cb)(const char *path, uint64_t id, void *arg);
	void *arg;
	unsigned long dirs;
	char path[PATH_MAX]; /* the full path; rel points past the root */
	size_t rootlen;
};

/* Visits the directory at w->path (len bytes) and those under it. */
static int
walk_dir(struct walk *w, size_t len, uint64_t id, unsigned int depth)
{
	struct dirent *de;
	DIR *d;
	int ret, fd;

	if (++w->dirs > CGROUP_MAX_DIRS || depth > CGROUP_MAX_DEPTH)
		return -E2BIG;
	ret = w->cb(len == w->rootlen ? "/" : w->path + w->rootlen, id, w->arg);
	if (ret != 0)
		return ret;
	fd = open(w->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	d = fdopendir(fd);
	if (d == NULL) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (len + 1 + n >= sizeof(w->path)) {
			ret = -E2BIG;
			break;
		}
		w->path[len] = '/';
		memcpy(w->path + len + 1, de->d_name, n + 1);
		/* kernfs reports the node's id as d_ino, as it does as
		 * st_ino (fs/kernfs/dir.c, kernfs_fop_readdir()). */
		ret = walk_dir(w, len + 1 + n, (uint64_t)de->d_ino, depth + 1);
		w->path[len] = '\0';
		if (ret != 0)
			break;
	}
	closedir(d);
	return ret;
}

int
cgroup_walk(int (*cb)(const char *path, uint64_t id, void *arg), void *arg)
{
	struct walk *w;
	struct stat st;
	int ret;

	w = calloc(1, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	w->cb = cb;
	w->arg = arg;
	ret = cgroup_root(w->path, sizeof(w->path));
	if (ret == 0 && stat(w->path, &st) < 0)
		ret = -errno;
	if (ret == 0) {
		w->rootlen = strlen(w->path);
		ret = walk_dir(w, w->rootlen, (uint64_t)st.st_ino, 0);
	}
	free(w);
	return ret;
}
