/*
 * benchtime.c - time one command for the benchmark runner (make bench)
 *
 *     benchtime [-o FILE] COMMAND [ARG...]
 *
 * Runs COMMAND with stdout sent to FILE (default /dev/null) and prints one
 * line: "WALL_US USER_US SYS_US MAXRSS_KIB STATUS", the wall-clock time
 * from spawn to exit, the CPU times and peak resident set size that
 * wait4() reports for the child, and its exit status (128+N for signal N).
 * A tiny timer of our own, so the benchmark needs no GNU time.
 */
#include <err.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long
tv_us(const struct timeval *tv)
{
	return (long long)tv->tv_sec * 1000000 + tv->tv_usec;
}

int
main(int argc, char *argv[])
{
	const char *out = "/dev/null";
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	long long start, end;
	int status, code, opt, ret;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o')
			errx(2, "usage: benchtime [-o FILE] COMMAND [ARG...]");
		out = optarg;
	}
	if (optind == argc)
		errx(2, "usage: benchtime [-o FILE] COMMAND [ARG...]");

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(
	    &fa, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	start = now_us();
	ret =
	    posix_spawnp(&pid, argv[optind], &fa, NULL, argv + optind, environ);
	if (ret != 0)
		errx(2, "%s: %s", argv[optind], strerror(ret));
	if (wait4(pid, &status, 0, &ru) < 0)
		err(2, "wait4");
	end = now_us();
	posix_spawn_file_actions_destroy(&fa);

	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("%lld %lld %lld %ld %d\n", end - start, tv_us(&ru.ru_utime),
	    tv_us(&ru.ru_stime), ru.ru_maxrss, code);
	return 0;
}
