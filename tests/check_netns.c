/*
 * check_netns.c - unit tests for finding namespaces (-N, --all-netns)
 *
 * Namespaces are told apart by the inode of their nsfs file, so a fake
 * tree of plain files does for enumeration: processes sharing a namespace
 * are hard links to one file.  Built at run time in a temporary directory.
 * Entering a real namespace needs root and is tested in itest_netns.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suite.h"
#include "netns.h"

static char root[64], named[96], proc[96];

static void
path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

static void
put_dir(const char *rel)
{
	char path[256];

	path_of(path, sizeof(path), rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void
put_file(const char *rel)
{
	char path[256];
	int fd;

	path_of(path, sizeof(path), rel);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
put_hardlink(const char *from, const char *to)
{
	char a[256], b[256];

	path_of(a, sizeof(a), from);
	path_of(b, sizeof(b), to);
	ck_assert_int_eq(link(a, b), 0);
}

static uint64_t
inode_of(const char *rel)
{
	char path[256];
	struct stat st;

	path_of(path, sizeof(path), rel);
	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_ino;
}

/*
 * Namespaces A (pids 1, 7 and the name "blue"), B (pids 30 and 5; listed
 * as the lowest, pid:5), C (pid 12 only), D (named "red" only); pid 40
 * has exited (no ns/net); "self" is not a process.
 */
static void
build_tree(void)
{
	static const char *const pids[] = { "1", "5", "7", "12", "30", "40" };
	char rel[64];
	size_t i;

	snprintf(root, sizeof(root), "%s/netns.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(named, sizeof(named), "%s/named", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_dir("named");
	put_dir("proc");
	put_dir("proc/self");
	for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		snprintf(rel, sizeof(rel), "proc/%s", pids[i]);
		put_dir(rel);
		snprintf(rel, sizeof(rel), "proc/%s/ns", pids[i]);
		put_dir(rel);
	}
	put_file("proc/1/ns/net");
	put_hardlink("proc/1/ns/net", "proc/7/ns/net");
	put_hardlink("proc/1/ns/net", "named/blue");
	put_file("proc/30/ns/net");
	put_hardlink("proc/30/ns/net", "proc/5/ns/net");
	put_file("proc/12/ns/net");
	put_file("named/red");
}

static void
remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_list)
{
	struct netns_list l;

	build_tree();
	ck_assert_int_eq(netns_list_init(&l, named, proc), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_uint_eq(l.unreadable, 0);
	/* Named ones first, by name; then by pid. */
	ck_assert_str_eq(l.v[0].label, "blue");
	ck_assert_int_eq(l.v[0].pid, 0);
	ck_assert_uint_eq(l.v[0].ino, inode_of("proc/7/ns/net"));
	ck_assert_str_eq(l.v[1].label, "red");
	ck_assert_uint_eq(l.v[1].ino, inode_of("named/red"));
	ck_assert_str_eq(l.v[2].label, "pid:5");
	ck_assert_int_eq(l.v[2].pid, 5);
	ck_assert_uint_eq(l.v[2].ino, inode_of("proc/30/ns/net"));
	/* The other holder is kept, in case 5 exits; a named one's are
	 * not needed (A is opened by its name). */
	ck_assert_uint_eq(l.v[2].nmore, 1);
	ck_assert_int_eq(l.v[2].more[0], 30);
	ck_assert_uint_eq(l.v[0].nmore, 0);
	ck_assert_uint_eq(l.v[3].nmore, 0);
	ck_assert_str_eq(l.v[3].label, "pid:12");
	ck_assert_uint_eq(l.v[3].ino, inode_of("proc/12/ns/net"));
	netns_list_done(&l);
	ck_assert_uint_eq(l.n, 0);
	remove_tree();
}
END_TEST

/* No named directory: only the namespaces of processes. */
START_TEST(test_no_named_dir)
{
	struct netns_list l;
	char missing[128];

	build_tree();
	snprintf(missing, sizeof(missing), "%s/nonexistent", root);
	ck_assert_int_eq(netns_list_init(&l, missing, proc), 0);
	ck_assert_uint_eq(l.n, 3);
	ck_assert_str_eq(l.v[0].label, "pid:1");
	ck_assert_str_eq(l.v[1].label, "pid:5");
	ck_assert_str_eq(l.v[2].label, "pid:12");
	netns_list_done(&l);
	snprintf(missing, sizeof(missing), "%s/noproc", root);
	ck_assert_int_eq(netns_list_init(&l, named, missing), -ENOENT);
	ck_assert_uint_eq(l.n, 0);
	remove_tree();
}
END_TEST

/* Nothing named, no process: an empty list, nothing sorted (qsort() of
 * a NULL array is undefined, even of 0 elements). */
START_TEST(test_empty)
{
	struct netns_list l;
	char empty[128];

	build_tree();
	snprintf(empty, sizeof(empty), "%s/empty", root);
	ck_assert_int_eq(mkdir(empty, 0755), 0);
	ck_assert_int_eq(netns_list_init(&l, empty, empty), 0);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_uint_eq(l.unreadable, 0);
	netns_list_done(&l);
	remove_tree();
}
END_TEST

/* An entry opens only while it still names the namespace it was. */
START_TEST(test_open_entry)
{
	struct netns_list l;
	char path[256];
	struct stat st;
	int fd;

	build_tree();
	ck_assert_int_eq(netns_list_init(&l, named, proc), 0);
	fd = netns_open_entry(&l.v[0], named, proc);
	ck_assert_int_ge(fd, 0);
	close(fd);
	fd = netns_open_entry(&l.v[2], named, proc);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/*
	 * pid 5, the first holder of B, exits between listing and entering,
	 * and its pid goes to a process elsewhere: B is still held by 30,
	 * and entered through it.
	 */
	path_of(path, sizeof(path), "proc/5/ns/net");
	ck_assert_int_eq(unlink(path), 0);
	fd = netns_open_entry(&l.v[2], named, proc);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_ino, l.v[2].ino);
	close(fd);
	put_file("proc/5/ns/net");
	fd = netns_open_entry(&l.v[2], named, proc);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_ino, l.v[2].ino);
	close(fd);
	/* Then 30 exits too: nobody holds B any more. */
	path_of(path, sizeof(path), "proc/30/ns/net");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_lt(netns_open_entry(&l.v[2], named, proc), 0);
	/*
	 * C's only holder, 12, exits; then its pid is reused.  A link kept
	 * elsewhere holds C's inode, so the new file cannot get its number
	 * (a file system reuses a freed inode number at once).
	 */
	put_hardlink("proc/12/ns/net", "keep-c");
	path_of(path, sizeof(path), "proc/12/ns/net");
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(netns_open_entry(&l.v[3], named, proc), -ENOENT);
	put_file("proc/12/ns/net");
	ck_assert_int_eq(netns_open_entry(&l.v[3], named, proc), -ESRCH);
	netns_list_done(&l);
	remove_tree();
}
END_TEST

START_TEST(test_open_arg)
{
	char path[256], link[256];
	struct stat st, self;
	int fd;

	build_tree();
	/* -N opens nsfs files only: a symlink to ours, by name and path. */
	ck_assert_int_eq(stat("/proc/self/ns/net", &self), 0);
	path_of(link, sizeof(link), "named/green");
	ck_assert_int_eq(symlink("/proc/self/ns/net", link), 0);
	fd = netns_open("green", named);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_ino, self.st_ino);
	close(fd);
	fd = netns_open(link, "/nonexistent");
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* A plain file, a FIFO (which would block a plain open()), a
	 * device, a directory: not a namespace. */
	ck_assert_int_eq(netns_open("blue", named), -EINVAL);
	path_of(path, sizeof(path), "proc/12/ns/net");
	ck_assert_int_eq(netns_open(path, "/nonexistent"), -EINVAL);
	path_of(path, sizeof(path), "named/fifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(netns_open("fifo", named), -EINVAL);
	ck_assert_int_eq(netns_open("/dev/null", named), -EINVAL);
	ck_assert_int_eq(netns_open(named, named), -EINVAL);
	ck_assert_int_eq(netns_open("white", named), -ENOENT);
	ck_assert_int_eq(netns_open("", named), -ENOENT);
	ck_assert_int_eq(netns_open(".", named), -ENOENT);
	ck_assert_int_eq(netns_open("..", named), -ENOENT);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(unlink(link), 0);
	remove_tree();
}
END_TEST

static int
called_cb(void *arg)
{
	*(int *)arg = 1;
	return 0;
}

/* A descriptor that is no namespace is refused before fn runs. */
START_TEST(test_call_not_netns)
{
	int fd = open("/dev/null", O_RDONLY);
	int called = 0;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(netns_call(fd, called_cb, &called), -EINVAL);
	ck_assert_int_eq(called, 0);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netns");

	check_add(s, "list, de-duplicated by inode", test_list);
	check_add(s, "no named directory, no proc", test_no_named_dir);
	check_add(s, "nothing at all", test_empty);
	check_add(s, "reopen an entry", test_open_entry);
	check_add(s, "open -N's argument", test_open_arg);
	check_add(s, "enter something else", test_call_not_netns);
	return check_run(s);
}
