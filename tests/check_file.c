/*
 * check_file.c - unit tests for opening user-named paths and creating
 * files as root (--replay, -N PATH, --dump-raw; issue 14, items 2 and 3)
 *
 * Each test works in a temporary directory of its own.
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
#include "file.h"

static char dir[64];

static void
make_dir(void)
{
	snprintf(dir, sizeof(dir), "%s/file.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
remove_dir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
ck_text(const char *path, const char *want)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_le(fread(buf, 1, sizeof(buf) - 1, f), sizeof(buf) - 1);
	fclose(f);
	ck_assert_str_eq(buf, want);
}

START_TEST(test_create_excl)
{
	char path[128], target[128], link[128];
	struct stat st;
	mode_t old;
	int fd;

	make_dir();
	snprintf(path, sizeof(path), "%s/new", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	old = umask(022);
	fd = file_create_excl(path, 0600);
	umask(old);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	/* Whatever is there stays as it was: a file, a symlink, a dangling
	 * symlink (O_EXCL alone would refuse it too; O_NOFOLLOW says so). */
	put_text(target, "precious");
	ck_assert_int_eq(file_create_excl(target, 0600), -EEXIST);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(file_create_excl(link, 0600), -EEXIST);
	ck_text(target, "precious");
	ck_assert_int_eq(unlink(target), 0);
	ck_assert_int_eq(file_create_excl(link, 0600), -EEXIST);
	ck_assert_int_eq(access(target, F_OK), -1);
	remove_dir();
}
END_TEST

START_TEST(test_open_user)
{
	char path[128], fifo[128];
	int fd;

	make_dir();
	snprintf(path, sizeof(path), "%s/file", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	put_text(path, "x");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	fd = file_open_user(path, FILE_REGULAR);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* A FIFO with no writer would block a plain open(). */
	ck_assert_int_eq(file_open_user(fifo, FILE_REGULAR), -EMEDIUMTYPE);
	ck_assert_int_eq(file_open_user(dir, FILE_REGULAR), -EMEDIUMTYPE);
	ck_assert_int_eq(
	    file_open_user("/dev/null", FILE_REGULAR), -EMEDIUMTYPE);
	ck_assert_int_eq(file_open_user(path, FILE_NSFS), -EMEDIUMTYPE);
	ck_assert_int_eq(file_open_user(fifo, FILE_NSFS), -EMEDIUMTYPE);
	fd = file_open_user("/proc/self/ns/net", FILE_NSFS);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(
	    file_open_user("/proc/self/ns/net", FILE_REGULAR), -EMEDIUMTYPE);
	ck_assert_int_eq(
	    file_open_user("/proc/self/status", FILE_REGULAR), -EMEDIUMTYPE);
	strcat(path, ".missing");
	ck_assert_int_eq(file_open_user(path, FILE_REGULAR), -ENOENT);
	remove_dir();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("file");

	check_add(s, "create_excl", test_create_excl);
	check_add(s, "open_user", test_open_user);
	return check_run(s);
}
