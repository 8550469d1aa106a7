/*
 * check_outfile.c - unit tests for outfile.c (--metrics=FILE)
 *
 * Each test works in a fresh directory of its own and looks at what is
 * left in it: the target, whole or as it was, and never a temporary file.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suite.h"
#include "outfile.h"

static char dir[] = "/tmp/check_outfile.XXXXXX";
static char path[PATH_MAX];

static void
setup(void)
{
	strcpy(dir, "/tmp/check_outfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dualstat.prom", dir);
}

static void
teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* The file's text (up to 255 bytes). */
static const char *
read_file(const char *p)
{
	static char buf[256];
	FILE *f = fopen(p, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The names in dir, but . and .., joined by spaces and sorted. */
static const char *
entries(void)
{
	static char buf[1024];
	struct dirent **list;
	int n, i;

	n = scandir(dir, &list, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 &&
		    strcmp(list[i]->d_name, "..") != 0) {
			size_t used = strlen(buf);

			snprintf(buf + used, sizeof(buf) - used, "%s%s",
			    used > 0 ? " " : "", list[i]->d_name);
		}
		free(list[i]);
	}
	free(list);
	return buf;
}

START_TEST(test_commit_replaces)
{
	struct outfile *o;
	struct stat st;
	mode_t mask;

	put_file(path, "old\n");
	o = outfile_new(path);
	ck_assert_ptr_nonnull(o);
	fputs("new\n", outfile_stream(o));
	/* Until the commit, a reader sees the old file. */
	fflush(outfile_stream(o));
	ck_assert_str_eq(read_file(path), "old\n");
	ck_assert_int_eq(outfile_commit(o), 0);
	outfile_free(o);
	ck_assert_str_eq(read_file(path), "new\n");
	ck_assert_str_eq(entries(), "dualstat.prom");
	mask = umask(0);
	umask(mask);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644 & ~mask);
}
END_TEST

START_TEST(test_discard_keeps_old)
{
	struct outfile *o;

	put_file(path, "old\n");
	o = outfile_new(path);
	ck_assert_ptr_nonnull(o);
	fputs("half a fi", outfile_stream(o));
	outfile_free(o);
	ck_assert_str_eq(read_file(path), "old\n");
	ck_assert_str_eq(entries(), "dualstat.prom");
}
END_TEST

START_TEST(test_new_file)
{
	struct outfile *o;

	o = outfile_new(path);
	ck_assert_ptr_nonnull(o);
	/* The temporary file is hidden and does not end in .prom, so
	 * node_exporter's textfile collector does not read it. */
	ck_assert_int_eq(strncmp(entries(), ".dualstat.prom.", 15), 0);
	ck_assert_int_eq((int)strlen(entries()), 15 + 6);
	fputs("x 1\n", outfile_stream(o));
	ck_assert_int_eq(outfile_commit(o), 0);
	outfile_free(o);
	ck_assert_str_eq(read_file(path), "x 1\n");
}
END_TEST

/* A link at the target is replaced, never followed. */
START_TEST(test_symlink_replaced)
{
	char victim[PATH_MAX];
	struct outfile *o;
	struct stat st;

	snprintf(victim, sizeof(victim), "%s/victim", dir);
	put_file(victim, "precious\n");
	ck_assert_int_eq(symlink(victim, path), 0);
	o = outfile_new(path);
	ck_assert_ptr_nonnull(o);
	fputs("x 1\n", outfile_stream(o));
	ck_assert_int_eq(outfile_commit(o), 0);
	outfile_free(o);
	ck_assert_str_eq(read_file(victim), "precious\n");
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
}
END_TEST

START_TEST(test_refused)
{
	char sub[PATH_MAX];

	/* A directory, a FIFO, a missing directory, a trailing slash. */
	snprintf(sub, sizeof(sub), "%s/d", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	errno = 0;
	ck_assert_ptr_null(outfile_new(sub));
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(outfile_new(path));
	ck_assert_int_eq(errno, EINVAL);
	snprintf(sub, sizeof(sub), "%s/none/x.prom", dir);
	ck_assert_ptr_null(outfile_new(sub));
	ck_assert_int_eq(errno, ENOENT);
	snprintf(sub, sizeof(sub), "%s/", dir);
	ck_assert_ptr_null(outfile_new(sub));
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_str_eq(entries(), "d dualstat.prom");
}
END_TEST

static Suite *
outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	const TTest *tests[] = { test_commit_replaces, test_discard_keeps_old,
		test_new_file, test_symlink_replaced, test_refused };
	const char *names[] = { "commit_replaces", "discard_keeps_old",
		"new_file", "symlink_replaced", "refused" };
	size_t i;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		TCase *tc = tcase_create(names[i]);

		tcase_add_checked_fixture(tc, setup, teardown);
		tcase_add_test(tc, tests[i]);
		suite_add_tcase(s, tc);
	}
	return s;
}

int
main(void)
{
	return check_run(outfile_suite());
}
