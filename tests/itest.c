/*
 * itest.c - shared helpers for the integration tests
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

static unsigned int failures;

void
itest_fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("FATAL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

bool
itest_check(bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return true;
	failures++;
	fputs("FAIL: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

unsigned int
itest_failures(void)
{
	return failures;
}

void
itest_finish(const char *name)
{
	if (failures != 0) {
		fprintf(stderr, "%s: %u check(s) failed\n", name, failures);
		exit(1);
	}
	printf("%s: all checks passed\n", name);
	exit(0);
}

void
itest_enter_netns(void)
{
	struct ifreq ifr;
	int fd;

	if (geteuid() != 0) {
		fprintf(stderr,
		    "SKIP: needs root for a private network "
		    "namespace\n");
		exit(ITEST_SKIP);
	}
	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "SKIP: unshare(CLONE_NEWNET): %s\n",
		    strerror(errno));
		exit(ITEST_SKIP);
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		itest_fatal("socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		itest_fatal("SIOCGIFFLAGS lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		itest_fatal("SIOCSIFFLAGS lo: %s", strerror(errno));
	close(fd);
}

socklen_t
itest_sockaddr(const char *addr, uint16_t port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	itest_fatal("bad address '%s'", addr);
}

static int
new_socket(int family, int type, int v6only)
{
	int fd, one = 1;

	fd = socket(family, type, 0);
	if (fd < 0)
		itest_fatal("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && v6only >= 0 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)) <
		0)
		itest_fatal("IPV6_V6ONLY: %s", strerror(errno));
	return fd;
}

int
itest_bind(int type, const char *addr, uint16_t port, int v6only)
{
	return itest_bind_dev(type, addr, port, v6only, NULL);
}

int
itest_bind_dev(
    int type, const char *addr, uint16_t port, int v6only, const char *dev)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, port, &ss);
	int fd = new_socket(ss.ss_family, type, v6only);

	if (dev != NULL &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev,
		(socklen_t)strlen(dev)) < 0)
		itest_fatal("SO_BINDTODEVICE %s: %s", dev, strerror(errno));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		itest_fatal("bind %s:%u: %s", addr, port, strerror(errno));
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		itest_fatal("listen %s:%u: %s", addr, port, strerror(errno));
	return fd;
}

int
itest_connect_v6only(int type, const char *addr, uint16_t port, int v6only)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, port, &ss);
	int fd, i;

	/*
	 * On a loaded machine the route to an address just added to lo can
	 * still be missing for a moment after itest_wait_route() saw it
	 * (seen as ENETUNREACH with a load average of 40): a few more tries,
	 * on a new socket each, for at most 5 s.
	 */
	for (i = 0;; i++) {
		fd = new_socket(ss.ss_family, type, v6only);
		if (connect(fd, (struct sockaddr *)&ss, len) == 0)
			return fd;
		if (errno != ENETUNREACH || i == 500)
			break;
		close(fd);
		usleep(10000);
	}
	itest_fatal("connect %s:%u: %s", addr, port, strerror(errno));
}

int
itest_connect(int type, const char *addr, uint16_t port)
{
	return itest_connect_v6only(type, addr, port, -1);
}

void
itest_wait_route(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t len = itest_sockaddr(addr, 9, &ss);
	int i, fd, ret = -1, error = 0;

	/* A UDP connect() only looks the route up; nothing is sent. */
	for (i = 0; i < 500 && ret < 0; i++) {
		fd = socket(ss.ss_family, SOCK_DGRAM, 0);
		if (fd < 0)
			itest_fatal("socket: %s", strerror(errno));
		ret = connect(fd, (struct sockaddr *)&ss, len);
		error = errno;
		close(fd);
		if (ret < 0)
			usleep(10000);
	}
	if (ret < 0)
		itest_fatal(
		    "no route to %s after 5 s: %s", addr, strerror(error));
}

int
itest_accept(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		itest_fatal("accept: %s", strerror(errno));
	return fd;
}

uint16_t
itest_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		itest_fatal("getsockname: %s", strerror(errno));
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

uint32_t
itest_inode(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		itest_fatal("fstat: %s", strerror(errno));
	return (uint32_t)st.st_ino;
}

/* Reads both pipes to the end without deadlocking on either. */
static void
slurp2(int fds[2], char *bufs[2])
{
	size_t lens[2] = { 0, 0 }, caps[2] = { 0, 0 };
	struct pollfd pfd[2];
	int open_fds = 2, i;

	for (i = 0; i < 2; i++) {
		caps[i] = 4096;
		bufs[i] = malloc(caps[i]);
		if (bufs[i] == NULL)
			itest_fatal("out of memory");
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	while (open_fds > 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			itest_fatal("poll: %s", strerror(errno));
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (caps[i] - lens[i] < 4096) {
				caps[i] *= 2;
				bufs[i] = realloc(bufs[i], caps[i]);
				if (bufs[i] == NULL)
					itest_fatal("out of memory");
			}
			n = read(pfd[i].fd, bufs[i] + lens[i],
			    caps[i] - lens[i] - 1);
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			lens[i] += (size_t)n;
		}
	}
	for (i = 0; i < 2; i++)
		bufs[i][lens[i]] = '\0';
}

int
itest_run_prog(const char *const argv[], char **out, char **err)
{
	int po[2], pe[2], fds[2], status;
	char *bufs[2];
	pid_t pid;

	if (pipe(po) < 0 || pipe(pe) < 0)
		itest_fatal("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		itest_fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	fds[0] = po[0];
	fds[1] = pe[0];
	slurp2(fds, bufs);
	if (waitpid(pid, &status, 0) < 0)
		itest_fatal("waitpid: %s", strerror(errno));
	if (out != NULL)
		*out = bufs[0];
	else
		free(bufs[0]);
	if (err != NULL)
		*err = bufs[1];
	else
		free(bufs[1]);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
itest_run(const char *const args[], char **out, char **err)
{
	const char *argv[64];
	const char *bin = getenv("DUALSTAT");
	size_t i;

	argv[0] = bin != NULL ? bin : "./src/dualstat";
	for (i = 0; args[i] != NULL && i < 62; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return itest_run_prog(argv, out, err);
}

/* Returns the end of the JSON value starting at p (a light scanner). */
static const char *
skip_value(const char *p)
{
	int depth = 0;
	bool in_str = false;

	for (; *p != '\0'; p++) {
		if (in_str) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '"')
				in_str = false;
			if (!in_str && depth == 0)
				return p + 1;
			continue;
		}
		switch (*p) {
		case '"':
			in_str = true;
			break;
		case '[':
		case '{':
			depth++;
			break;
		case ']':
		case '}':
			if (depth == 0)
				return p;
			if (--depth == 0)
				return p + 1;
			break;
		case ',':
		case '\n':
			if (depth == 0)
				return p;
			break;
		default:
			break;
		}
	}
	return p;
}

bool
itest_json_get(const char *obj, const char *key, char *val, size_t len)
{
	const char *p = strchr(obj, '{');
	size_t klen = strlen(key);

	if (p == NULL)
		return false;
	p++;
	while (*p != '\0' && *p != '}' && *p != '\n') {
		const char *k, *v, *end;

		while (*p == ',' || *p == ' ')
			p++;
		if (*p != '"')
			return false;
		k = p + 1;
		p = skip_value(p);
		if (*p != ':')
			return false;
		v = p + 1;
		end = skip_value(v);
		if ((size_t)(p - k) == klen + 1 && strncmp(k, key, klen) == 0) {
			size_t n;

			if (*v == '"' && end > v + 1 && end[-1] == '"') {
				v++;
				end--;
			}
			n = (size_t)(end - v);
			if (n >= len)
				n = len - 1;
			memcpy(val, v, n);
			val[n] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

const char *
itest_line(const char *text, size_t n, size_t *len)
{
	const char *p = text, *nl;

	while (n > 0) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			return NULL;
		p = nl + 1;
		n--;
	}
	if (*p == '\0')
		return NULL;
	nl = strchr(p, '\n');
	*len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	return p;
}

size_t
itest_count_lines(const char *text)
{
	size_t n = 0;

	for (; *text != '\0'; text++)
		if (*text == '\n')
			n++;
	return n;
}

const char *
itest_json_peer(const char *paddr, uint16_t pport)
{
	if (pport == 0 &&
	    (strcmp(paddr, "::") == 0 || strcmp(paddr, "0.0.0.0") == 0))
		return "null";
	return paddr;
}
