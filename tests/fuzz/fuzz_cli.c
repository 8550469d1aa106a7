/*
 * fuzz_cli.c - libFuzzer target: the command line (--enable-fuzzer)
 *
 * The input is argv[1..], NUL-separated.  cli_parse() must return 0 or
 * -EINVAL; on success the options must be coherent and the requests they
 * plan sane, their filter bytecode (bc.c, through query_plan()) passing
 * the kernel's audit rules as tests/bc_audit.c writes them; on failure the message must be one non-empty line with no
 * control character in it (it goes to a terminal).  A broken property is
 * an abort(), which libFuzzer reports like a crash.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bc_audit.h"
#include "cli.h"
#include "query.h"
#include "sock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

static void
check_plan(const struct options *opts)
{
	struct diag_request steps[QUERY_MAX_STEPS];
	struct query_bc bc;
	size_t n, i;

	if (!(opts->tcp || opts->udp || opts->mptcp || opts->sctp ||
		opts->raw) ||
	    !(opts->inet || opts->inet6))
		abort();
	/* 0 steps is a plan too: filters no socket can pass.  Every
	 * protocol loaded (~0U), so every one can be planned. */
	n = query_plan(opts, ~0U, steps, &bc);
	if (n > QUERY_MAX_STEPS)
		abort();
	for (i = 0; i < n; i++) {
		uint32_t known = SOCK_STATES_ALL;

		/* Bound-inactive sockets: asked of TCP alone. */
		if (steps[i].protocol == IPPROTO_TCP)
			known |= 1U << SOCK_STATE_BOUND_INACTIVE;
		if (steps[i].states == 0 || (steps[i].states & ~known) != 0)
			abort();
		/* The filters' bytecode: what the kernel would audit. */
		if (steps[i].bytecode != NULL &&
		    bc_audit(steps[i].bytecode, (int)steps[i].bytecode_len) !=
			NULL)
			abort();
	}
}

static void
check_message(const char *err)
{
	const unsigned char *p = (const unsigned char *)err;

	if (*p == '\0')
		abort();
	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2];
	char *buf, *p, *end;
	char err[256];
	struct options opts;
	int argc = 0, ret;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"dualstat";
	end = buf + size;
	for (p = buf; p <= end && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	memset(err, 0, sizeof(err));
	ret = cli_parse(argc, argv, &opts, err, sizeof(err));
	if (ret == 0 && opts.action == CLI_LIST)
		check_plan(&opts);
	else if (ret == -EINVAL)
		check_message(err);
	else if (ret != 0)
		abort();
	free(buf);
	return 0;
}
