/*
 * check_procmap.c - unit tests for the owner scan (-p) on a fake proc tree
 *
 * The tree is built at run time under a temporary directory: symlinks whose
 * text is what /proc/PID/fd links read ("socket:[1000]", "/dev/null"...),
 * comm files, and the ways a process can fail to be read (its directory
 * gone, an fd entry that is not a directory, one we may not open).  It is
 * not kept in tests/data: git cannot hold a mode-000 directory, and the
 * dangling links would break "make dist" (tar follows links).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_suite.h"
#include "procmap.h"

static char root[64];

static void
put_file(const char *rel, const char *data, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static void
put_dir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void
put_link(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

/*
 * The fake tree:
 *   100  "squid": fd 3 -> socket 1000, fd 4 -> socket 2000, and links that
 *        are not wanted sockets or not sockets at all
 *   200  "a\nb" (a newline in its name): fd 10 -> socket 1000 (shared)
 *   300  gone: no fd directory (exited between the two reads)
 *   400  fd is a file: an error other than "gone" or "denied"
 *   600  3000 descriptors, more than one getdents64() buffer; the last is
 *        socket 3000
 *   self, sys, 0012x: not processes
 */
static void
build_tree(bool many)
{
	char name[64], target[64];
	int i;

	snprintf(root, sizeof(root), "%s/procmap.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(chmod(root, 0755), 0);

	put_dir("100");
	put_file("100/comm", "squid\n", 6);
	put_dir("100/fd");
	put_link("100/fd/0", "/dev/null");
	put_link("100/fd/3", "socket:[1000]");
	put_link("100/fd/4", "socket:[2000]");
	put_link("100/fd/5", "pipe:[1000]");
	put_link("100/fd/6", "socket:[99999]");
	put_link("100/fd/7", "socket:[]");
	put_link("100/fd/8", "socket:[10a0]");
	put_link("100/fd/9", "socket:[4294968296]"); /* 1000 + 2^32 */
	put_link("100/fd/11", "socket:[1000]x");
	put_link("100/fd/12", "/tmp/socket:[1000]");
	put_link("100/fd/notanfd", "socket:[2000]");

	put_dir("200");
	put_file("200/comm", "a\nb\n", 4);
	put_dir("200/fd");
	put_link("200/fd/10", "socket:[1000]");

	put_dir("300");
	put_file("300/comm", "gone\n", 5);

	put_dir("400");
	put_file("400/fd", "", 0);

	put_dir("600");
	put_file("600/comm", "many\n", 5);
	put_dir("600/fd");
	for (i = 0; i < (many ? 3000 : 0); i++) {
		snprintf(name, sizeof(name), "600/fd/%d", i);
		snprintf(target, sizeof(target), "socket:[%d]",
		    i == 2999 ? 3000 : 500000 + i);
		put_link(name, target);
	}

	put_link("self", "100");
	put_dir("sys");
	put_dir("0012x");
}

static void
remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

/* Checks the owners of inode against "pid/fd/comm" strings. */
static void
assert_owners(const struct procmap *m, uint32_t inode, const char *const *want)
{
	struct procmap_iter it;
	struct procmap_owner o;
	char got[128];
	size_t n = 0;

	procmap_lookup(m, inode, &it);
	while (procmap_next(&it, &o)) {
		ck_assert_ptr_nonnull(want[n]);
		snprintf(got, sizeof(got), "%d/%d/%.*s", o.pid, o.fd,
		    (int)o.comm_len, o.comm);
		ck_assert_str_eq(got, want[n]);
		n++;
	}
	ck_assert_ptr_null(want[n]);
}

/* Run with 1, 2, 3 and 7 threads: the result must not change. */
static const unsigned int thread_counts[] = { 1, 2, 3, 7 };

/* The full tree, and an empty map that scans it with threads threads. */
static struct procmap *
tree_map(unsigned int threads)
{
	struct procmap *m;

	build_tree(true);
	m = procmap_new();
	ck_assert_ptr_nonnull(m);
	procmap_set_threads(m, threads);
	return m;
}

START_TEST(test_scan)
{
	static const char *const own1000[] = { "100/3/squid", "200/10/a\nb",
		NULL };
	static const char *const own2000[] = { "100/4/squid", NULL };
	static const char *const own3000[] = { "600/2999/many", NULL };
	static const char *const none[] = { NULL };
	struct procmap_stats st;
	struct procmap *m = tree_map(thread_counts[_i]);

	ck_assert_int_eq(procmap_want(m, 1000), 0);
	ck_assert_int_eq(procmap_want(m, 2000), 0);
	ck_assert_int_eq(procmap_want(m, 3000), 0);
	ck_assert_int_eq(procmap_want(m, 4000), 0); /* held by nobody */
	ck_assert_int_eq(procmap_scan(m, root, &st), 0);

	assert_owners(m, 1000, own1000);
	assert_owners(m, 2000, own2000);
	assert_owners(m, 3000, own3000);
	assert_owners(m, 4000, none);
	/* Not wanted, so not recorded, though 100 holds it. */
	assert_owners(m, 99999, none);
	assert_owners(m, 0, none);

	/* 100, 200 and 600 read; 300 gone; 400 failed (ENOTDIR). */
	ck_assert_uint_eq(st.procs, 3);
	/* Every numeric entry is read once, whatever the thread count. */
	ck_assert_uint_eq(st.fds, 10 + 1 + 3000);
	ck_assert_uint_eq(st.vanished, 1);
	ck_assert_uint_eq(st.denied, 0);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_int_eq(st.first_error, -ENOTDIR);
	procmap_free(m);
	remove_tree();
}
END_TEST

/*
 * The scan started before the wanted set is known (-p's walk beside the
 * dumps, issue 20): the same owners as test_scan, none of what was not
 * wanted, whether the threads met the links before the set was complete
 * (a pending bound of 1 makes them wait on the second) or after.
 */
START_TEST(test_scan_overlapped)
{
	static const char *const own1000[] = { "100/3/squid", "200/10/a\nb",
		NULL };
	static const char *const own3000[] = { "600/2999/many", NULL };
	static const char *const none[] = { NULL };
	struct procmap_stats st;
	struct procmap *m = tree_map(thread_counts[_i % 4]);

	procmap_set_pending(m, _i < 4 ? 1 : 100000);
	ck_assert_int_eq(procmap_scan_start(m, root), 0);
	ck_assert_int_eq(procmap_scan_start(m, root), -EBUSY);
	ck_assert_int_eq(procmap_want(m, 1000), 0);
	ck_assert_int_eq(procmap_want(m, 3000), 0);
	ck_assert_int_eq(procmap_want(m, 4000), 0); /* held by nobody */
	procmap_want_done(m);
	ck_assert_int_eq(procmap_scan_finish(m, &st), 0);
	assert_owners(m, 1000, own1000);
	assert_owners(m, 3000, own3000);
	assert_owners(m, 4000, none);
	/* Held by 100, met by the scan, never wanted: not kept. */
	assert_owners(m, 2000, none);
	assert_owners(m, 99999, none);
	ck_assert_uint_eq(procmap_count(m), 3);
	ck_assert_uint_eq(st.procs, 3);
	ck_assert_uint_eq(st.fds, 10 + 1 + 3000);
	ck_assert_uint_eq(st.vanished, 1);
	ck_assert_uint_eq(st.failed, 1);
	procmap_free(m);
	remove_tree();
}
END_TEST

/* Started, and nothing wanted after all: nothing found, nothing counted;
 * a map freed with its scan under way waits for it. */
START_TEST(test_scan_overlapped_nothing)
{
	struct procmap_stats st;
	struct procmap *m = tree_map(2);

	procmap_set_pending(m, 1);
	ck_assert_int_eq(procmap_scan_start(m, root), 0);
	procmap_want_done(m);
	ck_assert_int_eq(procmap_scan_finish(m, &st), 0);
	ck_assert_uint_eq(st.procs, 0);
	ck_assert_uint_eq(st.failed, 0);
	assert_owners(m, 1000, (const char *const[]){ NULL });
	ck_assert_int_eq(procmap_scan_start(m, "/nonexistent/proc"), 0);
	ck_assert_int_eq(procmap_want(m, 5), 0);
	procmap_want_done(m);
	ck_assert_int_eq(procmap_scan_finish(m, &st), -ENOENT);
	ck_assert_int_eq(procmap_scan_start(m, root), 0);
	procmap_free(m);
	remove_tree();
}
END_TEST

/*
 * procmap_want_all(): every socket link the tree holds is recorded, with
 * no inode wanted beforehand, and only those (no pipe, no malformed or
 * out-of-range inode, no file named like a socket).
 */
START_TEST(test_want_all)
{
	static const char *const own1000[] = { "100/3/squid", "200/10/a\nb",
		NULL };
	static const char *const own99999[] = { "100/6/squid", NULL };
	static const char *const own500007[] = { "600/7/many", NULL };
	static const char *const none[] = { NULL };
	struct procmap_stats st;
	struct procmap *m = tree_map(thread_counts[_i]);

	procmap_want_all(m);
	ck_assert_int_eq(procmap_scan(m, root, &st), 0);
	assert_owners(m, 1000, own1000);
	assert_owners(m, 99999, own99999);
	assert_owners(m, 500007, own500007);
	/* 100's fd 9 names 1000 + 2^32: out of range, not a wrap to 1000. */
	assert_owners(m, 4000, none);
	/* 1000, 2000, 99999 (pid 100) and 3000 links in pid 600. */
	ck_assert_uint_eq(procmap_count(m), 3 + 3000);
	ck_assert_uint_eq(st.procs, 3);
	procmap_free(m);
	remove_tree();
}
END_TEST

/* With no wanted inode there is nothing to find: no directory is read. */
START_TEST(test_nothing_wanted)
{
	struct procmap_stats st;
	struct procmap *m = procmap_new();

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 0), 0);
	ck_assert_uint_eq(procmap_count(m), 0);
	ck_assert_int_eq(procmap_scan(m, "/nonexistent/proc", &st), 0);
	ck_assert_uint_eq(st.procs, 0);
	ck_assert_int_eq(procmap_want(m, 5), 0);
	ck_assert_int_eq(procmap_scan(m, "/nonexistent/proc", &st), -ENOENT);
	procmap_free(m);
}
END_TEST

/*
 * A proc root without a single process: nothing found, and nothing sorted
 * (qsort() of a NULL array, even of 0 elements, is undefined: the
 * sanitizer build stops on it).
 */
START_TEST(test_no_processes)
{
	struct procmap_stats st;
	struct procmap *m = procmap_new();
	char dir[64];

	snprintf(dir, sizeof(dir), "%s/procmap.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 5), 0);
	ck_assert_int_eq(procmap_scan(m, dir, &st), 0);
	ck_assert_uint_eq(st.procs, 0);
	ck_assert_uint_eq(st.fds, 0);
	procmap_free(m);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/*
 * A process whose fd directory we may not open is counted as denied.  Root
 * reads a mode-000 directory anyway, so as root the scan runs in a child
 * that has become nobody.
 */
START_TEST(test_denied)
{
	struct procmap_stats st;
	struct procmap_iter it;
	struct procmap_owner o;
	struct procmap *m;
	char path[256];
	pid_t pid;
	int status;

	build_tree(false);
	snprintf(path, sizeof(path), "%s/100/fd", root);
	ck_assert_int_eq(chmod(path, 0), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		m = procmap_new();
		if (m != NULL)
			procmap_set_threads(m, 2);
		if (m == NULL || procmap_want(m, 1000) < 0 ||
		    procmap_scan(m, root, &st) < 0)
			_exit(4);
		/* 200 (and 600) read; 100 denied, 300 gone, 400 failed. */
		procmap_lookup(m, 1000, &it);
		if (!procmap_next(&it, &o) || o.pid != 200 ||
		    procmap_next(&it, &o))
			_exit(5);
		if (!(st.denied == 1 && st.vanished == 1 && st.failed == 1 &&
			st.procs == 2))
			_exit(6);
		/* The warning names the unreadable ones, by pid, with their
		 * names; not the one that exited (issue 11). */
		_exit(st.nnamed == 2 && st.named[0].pid == 100 &&
			    strcmp(st.named[0].comm, "squid") == 0 &&
			    st.named[1].pid == 400
			? 0
			: 7);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	chmod(path, 0755);
	remove_tree();
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/* The hash grows past its first size and keeps every inode findable. */
START_TEST(test_many_inodes)
{
	struct procmap *m = procmap_new();
	struct procmap_iter it;
	struct procmap_owner o;
	uint32_t i;

	ck_assert_ptr_nonnull(m);
	for (i = 1; i <= 50000; i++)
		ck_assert_int_eq(procmap_want(m, i * 7), 0);
	for (i = 1; i <= 50000; i++)
		ck_assert_int_eq(procmap_want(m, i * 7), 0);
	ck_assert_uint_eq(procmap_count(m), 50000);
	for (i = 1; i <= 50000; i++)
		ck_assert_int_eq(procmap_add(m, i * 7, (int)i, 3, "x", 1), 0);
	ck_assert_int_eq(procmap_add(m, 8, 1, 3, "x", 1), -ENOENT);
	for (i = 1; i <= 50000; i += 997) {
		procmap_lookup(m, i * 7, &it);
		ck_assert(procmap_next(&it, &o));
		ck_assert_int_eq(o.pid, (int)i);
		ck_assert(!procmap_next(&it, &o));
	}
	procmap_free(m);
}
END_TEST

/* A name longer than the kernel's 64-byte limit is cut there. */
START_TEST(test_long_comm)
{
	char name[100];
	struct procmap *m = procmap_new();
	struct procmap_iter it;
	struct procmap_owner o;

	memset(name, 'n', sizeof(name));
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(procmap_want(m, 1), 0);
	ck_assert_int_eq(procmap_add(m, 1, 1, 0, name, sizeof(name)), 0);
	procmap_lookup(m, 1, &it);
	ck_assert(procmap_next(&it, &o));
	ck_assert_uint_eq(o.comm_len, 64);
	procmap_free(m);
}
END_TEST

static void
tick_cb(int sig)
{
	(void)sig;
}

/*
 * getdents64() returns short not only at the end of a directory but also
 * when a signal is pending (fs/readdir.c, filldir64() returns -EINTR once
 * it has filled a record): a reader that takes a short read for the end
 * loses the descriptors after it.  This process holds a socket at a
 * descriptor past 4000 others (two 64 KiB reads), in a proc root of its
 * own (a symlink to /proc/PID), and is interrupted every 20 us while it
 * scans, 60 times: the owner must be found every time.
 */
START_TEST(test_interrupted)
{
	struct itimerval tick = { { 0, 20 }, { 0, 20 } }, off = { 0 };
	struct sigaction sa = { .sa_handler = tick_cb };
	char dir[64], link[96], target[32];
	struct procmap_stats st;
	struct procmap_iter it;
	struct procmap_owner o;
	struct rlimit rl;
	struct stat sst;
	int i, sfd, nul, high = 4100, lost = 0;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < (rlim_t)high + 64) {
		fprintf(
		    stderr, "interrupted: RLIMIT_NOFILE too low; skipped\n");
		return;
	}
	rl.rlim_cur = (rlim_t)high + 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	nul = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(nul, 0);
	sfd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_gt(sfd, nul);
	for (i = sfd + 1; i < high; i++)
		ck_assert_int_eq(dup2(nul, i), i);
	ck_assert_int_eq(dup2(sfd, high), high);
	close(sfd);
	ck_assert_int_eq(fstat(high, &sst), 0);

	snprintf(dir, sizeof(dir), "%s/procmap.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/%d", dir, (int)getpid());
	snprintf(target, sizeof(target), "/proc/%d", (int)getpid());
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);

	for (i = 0; i < 60; i++) {
		struct procmap *m = procmap_new();

		ck_assert_ptr_nonnull(m);
		procmap_set_threads(m, 1 + i % 2);
		ck_assert_int_eq(procmap_want(m, (uint32_t)sst.st_ino), 0);
		ck_assert_int_eq(setitimer(ITIMER_REAL, &tick, NULL), 0);
		ck_assert_int_eq(procmap_scan(m, dir, &st), 0);
		ck_assert_int_eq(setitimer(ITIMER_REAL, &off, NULL), 0);
		procmap_lookup(m, (uint32_t)sst.st_ino, &it);
		if (!procmap_next(&it, &o) || o.fd != high)
			lost++;
		ck_assert_uint_eq(st.procs, 1);
		procmap_free(m);
	}
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	for (i = nul; i <= high; i++)
		close(i);
	ck_assert_msg(
	    lost == 0, "owner lost in %d of 60 interrupted scans", lost);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("procmap");
	TCase *tc = tcase_create("scan a fake proc tree");

	/* 3000 links a run: room for a loaded machine. */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_scan, 0,
	    (int)(sizeof(thread_counts) / sizeof(thread_counts[0])));
	tcase_add_loop_test(tc, test_scan_overlapped, 0, 8);
	tcase_add_test(tc, test_scan_overlapped_nothing);
	tcase_add_loop_test(tc, test_want_all, 0,
	    (int)(sizeof(thread_counts) / sizeof(thread_counts[0])));
	suite_add_tcase(s, tc);
	check_add(s, "nothing wanted, nothing read", test_nothing_wanted);
	check_add(s, "no processes", test_no_processes);
	check_add(s, "unreadable process", test_denied);
	check_add(s, "many inodes", test_many_inodes);
	check_add(s, "long process name", test_long_comm);
	tc = tcase_create("interrupted directory reads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_interrupted);
	suite_add_tcase(s, tc);
	return check_run(s);
}
