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

/* prefix and the inode of root/rel: an expected label. */
static const char *
label_of(const char *prefix, const char *rel)
{
	static char buf[8][128];
	static unsigned int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s%llu", prefix,
	    (unsigned long long)inode_of(rel));
	return b;
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
	ck_assert_int_eq(netns_list_init(&l, named, proc, NULL), 0);
	ck_assert_uint_eq(l.n, 4);
	ck_assert_uint_eq(l.unreadable, 0);
	/* Named ones first, by name; then by pid. */
	ck_assert_str_eq(l.v[0].label, "blue");
	ck_assert_int_eq(l.v[0].pid, 0);
	ck_assert_uint_eq(l.v[0].ino, inode_of("proc/7/ns/net"));
	ck_assert_str_eq(l.v[1].label, "red");
	ck_assert_uint_eq(l.v[1].ino, inode_of("named/red"));
	/* Unnamed: known by its inode, not by a pid that may come back
	 * holding something else. */
	ck_assert_str_eq(l.v[2].label, label_of("netns:", "proc/30/ns/net"));
	ck_assert_int_eq(l.v[2].pid, 5);
	ck_assert_uint_eq(l.v[2].ino, inode_of("proc/30/ns/net"));
	/* The other holder is kept, in case 5 exits; a named one's are
	 * not needed (A is opened by its name). */
	ck_assert_uint_eq(l.v[2].nmore, 1);
	ck_assert_int_eq(l.v[2].more[0], 30);
	ck_assert_uint_eq(l.v[0].nmore, 0);
	ck_assert_uint_eq(l.v[3].nmore, 0);
	ck_assert_str_eq(l.v[3].label, label_of("netns:", "proc/12/ns/net"));
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
	ck_assert_int_eq(netns_list_init(&l, missing, proc, NULL), 0);
	ck_assert_uint_eq(l.n, 3);
	/* The namespace of PID 1 is the host's. */
	ck_assert_str_eq(l.v[0].label, "host");
	ck_assert_int_eq(l.v[0].pid, 1);
	ck_assert_str_eq(l.v[1].label, label_of("netns:", "proc/5/ns/net"));
	ck_assert_str_eq(l.v[2].label, label_of("netns:", "proc/12/ns/net"));
	netns_list_done(&l);
	snprintf(missing, sizeof(missing), "%s/noproc", root);
	ck_assert_int_eq(netns_list_init(&l, named, missing, NULL), -ENOENT);
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
	ck_assert_int_eq(netns_list_init(&l, empty, empty, NULL), 0);
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
	ck_assert_int_eq(netns_list_init(&l, named, proc, NULL), 0);
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

/* Opens arg and checks it is the file rel, labelled label. */
static void
check_open(const char *arg, const char *rel, const char *label)
{
	char got[NAME_MAX + 1];
	struct stat st;
	int fd;

	fd = netns_open(arg, named, proc, got);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_ino, inode_of(rel));
	ck_assert_str_eq(got, label);
	close(fd);
}

/* Replaces root/rel with a symlink to target. */
static void
relink(const char *rel, const char *target)
{
	char path[256];

	path_of(path, sizeof(path), rel);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(symlink(target, path), 0);
}

START_TEST(test_open_arg)
{
	char path[256], link[256], label[NAME_MAX + 1];
	struct stat st, self;
	int fd;

	build_tree();
	/* -N opens nsfs files only: a symlink to ours, by name and path. */
	ck_assert_int_eq(stat("/proc/self/ns/net", &self), 0);
	path_of(link, sizeof(link), "named/green");
	ck_assert_int_eq(symlink("/proc/self/ns/net", link), 0);
	fd = netns_open("green", named, proc, label);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_ino, self.st_ino);
	close(fd);
	fd = netns_open(link, "/nonexistent", proc, label);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(unlink(link), 0);
	/* A plain file, a FIFO (which would block a plain open()), a
	 * device, a directory: not a namespace. */
	ck_assert_int_eq(netns_open("blue", named, proc, label), -EINVAL);
	path_of(path, sizeof(path), "proc/12/ns/net");
	ck_assert_int_eq(
	    netns_open(path, "/nonexistent", proc, label), -EINVAL);
	ck_assert_int_eq(netns_open("pid:12", named, proc, label), -EINVAL);
	path_of(path, sizeof(path), "named/fifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(netns_open("fifo", named, proc, label), -EINVAL);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(netns_open("/dev/null", named, proc, label), -EINVAL);
	ck_assert_int_eq(netns_open(named, named, proc, label), -EINVAL);
	ck_assert_int_eq(netns_open("white", named, proc, label), -ENOENT);
	ck_assert_int_eq(netns_open("", named, proc, label), -ENOENT);
	ck_assert_int_eq(netns_open(".", named, proc, label), -ENOENT);
	ck_assert_int_eq(netns_open("..", named, proc, label), -ENOENT);

	/*
	 * The fake tree's files become symlinks to distinct nsfs files of
	 * ours (the kind of namespace shows only when it is entered), so
	 * each open can be told apart by its inode.
	 */
	relink("named/blue", "/proc/self/ns/net");
	relink("proc/12/ns/net", "/proc/self/ns/uts");
	relink("proc/30/ns/net", "/proc/self/ns/ipc");
	check_open("blue", "named/blue", "blue");
	path_of(path, sizeof(path), "proc/12/ns/net");
	check_open(path, "proc/12/ns/net", "pid:12");
	/* A pid, bare or as --all-netns labels it (issue 11). */
	check_open("12", "proc/12/ns/net", "pid:12");
	check_open("pid:30", "proc/30/ns/net", "pid:30");
	ck_assert_int_eq(netns_open("pid:40", named, proc, label), -ESRCH);
	ck_assert_int_eq(netns_open("pid:", named, proc, label), -EINVAL);
	ck_assert_int_eq(netns_open("pid:0", named, proc, label), -EINVAL);
	ck_assert_int_eq(netns_open("pid:1x", named, proc, label), -EINVAL);
	/* A name that is a number stays a name. */
	put_hardlink("proc/12/ns/net", "named/5");
	check_open("5", "proc/12/ns/net", "5");
	ck_assert_int_eq(netns_open("green", named, proc, label), -ENOENT);
	remove_tree();
}
END_TEST

/* Writes text into root/rel. */
static void
put_text(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* Adds process pid in a namespace of its own (or sharing that of
 * share_with), with the cgroup file text cgroup. */
static void
put_process(int pid, int share_with, const char *cgroup)
{
	char rel[64], from[64];

	snprintf(rel, sizeof(rel), "proc/%d", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "proc/%d/ns", pid);
	put_dir(rel);
	snprintf(rel, sizeof(rel), "proc/%d/ns/net", pid);
	if (share_with != 0) {
		snprintf(from, sizeof(from), "proc/%d/ns/net", share_with);
		put_hardlink(from, rel);
	} else {
		put_file(rel);
	}
	snprintf(rel, sizeof(rel), "proc/%d/cgroup", pid);
	put_text(rel, cgroup);
}

#define DOCKER_ID \
	"3f2a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4"
#define PODMAN_ID \
	"9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
#define POD_UID "5f0e3b1a-7c2d-4e8f-9a6b-1c3d5e7f9a0b"
#define POD_UID_ "5f0e3b1a_7c2d_4e8f_9a6b_1c3d5e7f9a0b"

/*
 * Namespaces as the engines leave them, with cgroup files as each writes
 * them (cgroup v2 "0::" lines, v1 hierarchies for the cgroupfs drivers):
 * pid 1 is unreadable (no ns/net: as if hidden), so the lowest readable
 * pid, 2, is the host; dualstat itself ("self") runs in pid 400's
 * namespace, which a container also holds.
 */
START_TEST(test_labels)
{
	struct {
		const char *label, *container;
	} want[8];
	struct netns_list l;
	size_t i;

	snprintf(root, sizeof(root), "%s/netns.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(named, sizeof(named), "%s/named", root);
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_dir("proc");
	put_dir("proc/1");
	put_process(2, 0, "0::/init.scope\n");
	put_process(3, 2, "0::/system.slice/ssh.service\n");
	put_process(100, 0, "0::/system.slice/nginx.service\n");
	put_process(
	    200, 0, "0::/machine.slice/libpod-" PODMAN_ID ".scope/container\n");
	/* The pause process: the kubelet's systemd driver. */
	put_process(300, 0,
	    "0::/kubepods.slice/kubepods-burstable.slice/"
	    "kubepods-burstable-pod" POD_UID_ ".slice/"
	    "cri-containerd-" DOCKER_ID ".scope\n");
	/* Docker's systemd driver. */
	put_process(400, 0, "0::/system.slice/docker-" DOCKER_ID ".scope\n");
	put_process(401, 400, "0::/system.slice/docker-" DOCKER_ID ".scope\n");
	/* Docker's cgroupfs driver, cgroup v1. */
	put_process(500, 0,
	    "12:pids:/docker/" DOCKER_ID "\n"
	    "1:name=systemd:/docker/" DOCKER_ID "\n");
	/* The kubelet's cgroupfs driver, cgroup v1. */
	put_process(600, 0,
	    "5:memory:/kubepods/besteffort/pod" POD_UID "/" DOCKER_ID "\n"
	    "1:name=systemd:/kubepods/besteffort/pod" POD_UID "/" DOCKER_ID
	    "\n");
	/* A cgroup that says nothing: the pid it is known by. */
	put_process(700, 0, "0::/\n");
	put_dir("proc/self");
	put_dir("proc/self/ns");
	put_hardlink("proc/401/ns/net", "proc/self/ns/net");

	/* Own first, then by pid.  Two namespaces of one container (400,
	 * 500) or pod (300, 600) are told apart by their inodes; one that
	 * says nothing is known by its inode alone. */
	want[0].label =
	    label_of("docker:3f2a1b2c3d4e@netns:", "proc/400/ns/net");
	want[0].container = "docker:3f2a1b2c3d4e";
	want[1].label = "host";
	want[1].container = "";
	want[2].label = want[2].container = "systemd:nginx.service";
	want[3].label = want[3].container = "podman:9e8d7c6b5a4f";
	want[4].label =
	    label_of("k8s-pod:" POD_UID "@netns:", "proc/300/ns/net");
	want[4].container = "k8s-pod:" POD_UID;
	want[5].label =
	    label_of("docker:3f2a1b2c3d4e@netns:", "proc/500/ns/net");
	want[5].container = "docker:3f2a1b2c3d4e";
	want[6].label =
	    label_of("k8s-pod:" POD_UID "@netns:", "proc/600/ns/net");
	want[6].container = "k8s-pod:" POD_UID;
	want[7].label = label_of("netns:", "proc/700/ns/net");
	want[7].container = "";
	ck_assert_int_eq(netns_list_init(&l, named, proc, NULL), 0);
	ck_assert_uint_eq(l.n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < l.n; i++) {
		ck_assert_str_eq(l.v[i].label, want[i].label);
		ck_assert_str_eq(l.v[i].container, want[i].container);
		ck_assert(l.v[i].own == (i == 0));
	}
	ck_assert_int_eq(l.v[0].pid, 400);
	ck_assert_int_eq(l.v[1].pid, 2);
	netns_list_done(&l);
	remove_tree();
}
END_TEST

/* The holder from a cgroup file's text alone. */
START_TEST(test_container)
{
	static const struct {
		const char *cgroup, *want;
	} cases[] = {
		{ "0::/system.slice/docker-" DOCKER_ID ".scope\n",
		    "docker:3f2a1b2c3d4e" },
		/* Rootless podman: the user's, and said so. */
		{ "0::/user.slice/user-1000.slice/user@1000.service/user.slice/"
		  "libpod-" PODMAN_ID ".scope\n",
		    "user:1000:podman:9e8d7c6b5a4f" },
		/* What any user can make under the subtree systemd delegates
		 * to them (issue 17): never a runtime's or a system unit. */
		{ "0::/user.slice/user-1000.slice/user@1000.service/"
		  "docker-" DOCKER_ID ".scope\n",
		    "user:1000:docker:3f2a1b2c3d4e" },
		{ "0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
		  "sshd.service\n",
		    "user:1000:systemd:sshd.service" },
		{ "0::/user.slice/user-1000.slice/user@1000.service/kubepods/"
		  "pod" POD_UID "/x\n",
		    "user:1000:k8s-pod:" POD_UID },
		{ "0::/user.slice/user-1000.slice/user@1000.service\n",
		    "user:1000" },
		{ "1:name=systemd:/user.slice/user-7.slice/user@7.service/"
		  "docker/" DOCKER_ID "\n",
		    "user:7:docker:3f2a1b2c3d4e" },
		/* Root's own session is root's: no "user@" in it. */
		{ "0::/user.slice/user-0.slice/session-4.scope\n",
		    "systemd:session-4.scope" },
		{ "0::/system.slice/user@x.service/docker-" DOCKER_ID
		  ".scope\n",
		    "docker:3f2a1b2c3d4e" },
		/* conmon sits beside the container, not in it. */
		{ "0::/machine.slice/libpod-conmon-" PODMAN_ID ".scope\n",
		    "systemd:libpod-conmon-" PODMAN_ID ".scope" },
		{ "0::/kubepods.slice/kubepods-pod" POD_UID_ ".slice/"
		  "cri-containerd-" DOCKER_ID ".scope\n",
		    "k8s-pod:" POD_UID },
		{ "0::/system.slice/chrony.service\n",
		    "systemd:chrony.service" },
		{ "0::/\n", "" },
		{ "", "" },
		{ "garbage without colons", "" },
	};
	char out[96];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		netns_container(
		    cases[i].cgroup, strlen(cases[i].cgroup), out, sizeof(out));
		ck_assert_str_eq(out, cases[i].want);
	}
}
END_TEST

/*
 * A subtree delegated by chown (cgroups(7)), with no user@ in its name:
 * the directory's owner says whose it is.  Making a directory owned by
 * another uid needs root; otherwise only the text rules are tested.
 */
START_TEST(test_container_owner)
{
	static const char text[] = "0::/delegated/docker-" DOCKER_ID ".scope\n"
				   "1:name=systemd:/x\n";
	char path[256], out[96];
	int fd;

	snprintf(root, sizeof(root), "%s/netns.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put_file("cgroup.controllers");
	put_dir("delegated");
	put_dir("delegated/docker-" DOCKER_ID ".scope");
	fd = open(root, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	netns_container_at(fd, text, strlen(text), out, sizeof(out));
	ck_assert_str_eq(out, "docker:3f2a1b2c3d4e");
	if (geteuid() == 0) {
		path_of(path, sizeof(path), "delegated");
		ck_assert_int_eq(chown(path, 4242, 4242), 0);
		netns_container_at(fd, text, strlen(text), out, sizeof(out));
		ck_assert_str_eq(out, "user:4242:docker:3f2a1b2c3d4e");
		/* Without the directory to look at, the text alone. */
		netns_container(text, strlen(text), out, sizeof(out));
		ck_assert_str_eq(out, "docker:3f2a1b2c3d4e");
	}
	close(fd);
	remove_tree();
}
END_TEST

/*
 * The label is read with the namespace checked again, from one open
 * /proc/PID directory (issue 17): pid 7 was a holder at the scan, and its
 * pid now names a process elsewhere; the next holder, 8, gives the label.
 */
START_TEST(test_read_holder)
{
	struct netns_entry e;
	char buf[256];
	size_t n;
	int pid = 0;

	snprintf(root, sizeof(root), "%s/netns.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(proc, sizeof(proc), "%s/proc", root);
	put_dir("proc");
	put_process(6, 0, "0::/system.slice/a.service\n");
	put_process(7, 0, "0::/system.slice/reused.service\n");
	put_process(8, 6, "0::/system.slice/a.service\n");
	memset(&e, 0, sizeof(e));
	e.ino = inode_of("proc/6/ns/net");
	e.dev = 0;
	{
		char path[256];
		struct stat st;

		path_of(path, sizeof(path), "proc/6/ns/net");
		ck_assert_int_eq(stat(path, &st), 0);
		e.dev = st.st_dev;
	}
	e.pid = e.holder = 7;
	e.more[0] = 8;
	e.nmore = 1;
	n = netns_read_holder(&e, proc, buf, sizeof(buf), &pid);
	ck_assert_int_eq(pid, 8);
	ck_assert_uint_eq(n, strlen("0::/system.slice/a.service\n"));
	ck_assert(memcmp(buf, "0::/system.slice/a.service\n", n) == 0);
	/* No holder left in the namespace: nothing read. */
	e.nmore = 0;
	pid = 0;
	ck_assert_uint_eq(
	    netns_read_holder(&e, proc, buf, sizeof(buf), &pid), 0);
	ck_assert_int_eq(pid, 0);
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
	check_add(s, "labels: own, host, containers", test_labels);
	check_add(s, "container: delegated by owner", test_container_owner);
	check_add(s, "label: read with the namespace", test_read_holder);
	check_add(s, "container from a cgroup file", test_container);
	check_add(s, "enter something else", test_call_not_netns);
	return check_run(s);
}
