/*
 * fuzz_main.c - libFuzzer target: `dualstat --replay FILE` through main.c
 * itself, its error handling and exit statuses included (--enable-fuzzer)
 *
 * Each input is written to a file and replayed by main.c's own main()
 * (compiled in here under another name) with -a, -l -j, -s and
 * --check -q in turn.  err(), errx() and exit() are caught: the run ends
 * there as the program would.  A finding is any crash or sanitizer
 * report (INT_MIN in a replayed NLMSG_ERROR made `errno = -error`
 * overflow, and the sanitizer's exit status 1 reads as "found" to
 * --check); an exit status other than 0 and 2 (1 only with --check); an
 * error message that is empty or is more than one line.
 *
 * A run that ends in err() leaves what main() opened to the process's
 * exit, as the real program does; here the replay and its stream are
 * tracked (replay_new(), fdopen()) and closed after such a run, so the
 * leak checker still sees only real leaks.
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf run_end;
static int run_status;
static char replay_path[64];

/* What err() and errx() would print: checked, then the run ends. */
static void __attribute__((noreturn, format(printf, 3, 0)))
fuzz_fail(int status, int with_errno, const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n <= 0 || strchr(msg, '\n') != NULL || strchr(msg, '\r') != NULL)
		abort(); /* an empty or multi-line error message */
	(void)with_errno;
	run_status = status;
	longjmp(run_end, 1);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fuzz_err(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_fail(status, 1, fmt, ap);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
fuzz_errx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fuzz_fail(status, 0, fmt, ap);
}

/* Warnings go to stderr in the program; their text is checked alike. */
static void __attribute__((format(printf, 1, 2)))
fuzz_warnx(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (strchr(msg, '\n') != NULL)
		abort();
}

static void __attribute__((noreturn)) fuzz_exit(int status)
{
	run_status = status;
	longjmp(run_end, 1);
}

/* What main() opens for --replay, closed here if err() ended the run. */
static struct replay *open_rp;
static FILE *open_f;

struct replay;
struct replay *replay_new(FILE *in, char *err, size_t errlen);
void replay_free(struct replay *rp);

static struct replay *
fuzz_replay_new(FILE *in, char *msg, size_t len)
{
	open_rp = replay_new(in, msg, len);
	return open_rp;
}

static void
fuzz_replay_free(struct replay *rp)
{
	if (rp == open_rp)
		open_rp = NULL;
	replay_free(rp);
}

static FILE *
fuzz_fdopen(int fd, const char *mode)
{
	open_f = fdopen(fd, mode);
	return open_f;
}

static int
fuzz_fclose(FILE *f)
{
	if (f == open_f)
		open_f = NULL;
	return fclose(f);
}

#define replay_new fuzz_replay_new
#define replay_free fuzz_replay_free
#define fdopen fuzz_fdopen
#define fclose fuzz_fclose
#define err fuzz_err
#define errx fuzz_errx
#define warnx fuzz_warnx
#define exit fuzz_exit
#define main dualstat_main
int dualstat_main(int argc, char *argv[]);
#include "../../src/main.c"
#undef main
#undef exit
#undef fclose
#undef fdopen
#undef replay_free
#undef replay_new

/* Closes what a run that ended in err() left open. */
static void
close_leftovers(void)
{
	replay_free(open_rp);
	open_rp = NULL;
	if (open_f != NULL)
		fclose(open_f);
	open_f = NULL;
}

static void
run(const char *const *args, int nargs, int check)
{
	char *argv[8];
	int i, status;

	argv[0] = (char *)"dualstat";
	for (i = 0; i < nargs; i++)
		argv[i + 1] = (char *)args[i];
	argv[nargs + 1] = (char *)"--replay";
	argv[nargs + 2] = replay_path;
	argv[nargs + 3] = NULL;
	optind = 0; /* getopt_long() starts over */
	if (setjmp(run_end) == 0)
		status = dualstat_main(nargs + 3, argv);
	else
		status = run_status;
	close_leftovers();
	fflush(stdout);
	clearerr(stdout);
	if (status != 0 && status != EXIT_ERROR &&
	    !(check && status == EXIT_FOUND))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const all[] = { "-a" };
	static const char *const listen_json[] = { "-l", "-j" };
	static const char *const summary[] = { "-as" };
	static const char *const check[] = { "-a", "--check", "-q" };
	FILE *f;

	if (replay_path[0] == '\0') {
		snprintf(replay_path, sizeof(replay_path),
		    "/tmp/fuzz_main.%d.raw", (int)getpid());
		/* The listings themselves are not looked at. */
		if (freopen("/dev/null", "w", stdout) == NULL)
			abort();
	}
	unlink(replay_path);
	f = fopen(replay_path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	if (fclose(f) != 0)
		abort();
	run(all, 1, 0);
	run(listen_json, 2, 0);
	run(summary, 1, 0);
	run(check, 3, 1);
	unlink(replay_path);
	return 0;
}
