/*
 * cli.h - the command line, parsed into a struct options
 */
#ifndef DUALSTAT_CLI_H
#define DUALSTAT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "filter.h"

enum cli_action {
	CLI_LIST, /* list sockets (the default) */
	CLI_HELP, /* -h/--help */
	CLI_VERSION, /* -V/--version */
};

/* Which states to list, as ss chooses them. */
enum cli_view {
	CLI_VIEW_CONNECTED, /* default: not LISTEN, UNCONN, TIME-WAIT, SYN-RECV */
	CLI_VIEW_LISTENING, /* -l: LISTEN and unconnected UDP */
	CLI_VIEW_ALL, /* -a: every state */
};

struct options {
	enum cli_action action;
	bool tcp, udp; /* protocols; at least one of the five is set */
	bool mptcp, sctp, raw; /* -M, -S, -w (and -A) */
	bool protos_named; /* by -t -u -M -S -w -A, not the default */
	bool inet, inet6; /* families; at least one is set */
	enum cli_view view;
	bool extended; /* -e */
	bool header; /* cleared by -H */
	bool json; /* -j */
	struct filter filter; /* -m, --dual, --state, --sport... --dst */
	bool unmap; /* --unmap: mapped addresses as dotted quads */
	bool summary; /* -s: counts instead of rows */
	bool check; /* --check: exit 1 if anything matched */
	bool quiet; /* -q: with --check, print nothing */
	bool processes; /* -p: owning processes */
	bool emit_policy; /* --emit-policy: a policy file (emit.h) */
	const char *netns; /* -N: a name under /run/netns or a path, or NULL */
	bool all_netns; /* --all-netns */
	const char *dump_raw; /* --dump-raw FILE: record replies, or NULL */
	const char *replay; /* --replay FILE: list from a dump, or NULL */
	bool metrics; /* --metrics: Prometheus text */
	const char *metrics_file; /* --metrics=FILE, or NULL for stdout */
	bool metrics_all_listeners; /* --metrics-listeners=all */
};

/*
 * Parses argv into *opts.  Returns 0 on success; on a usage error returns
 * -EINVAL and writes one line (no "dualstat:" prefix, no newline) naming
 * the problem into err.  Never prints or exits.
 */
int cli_parse(
    int argc, char *argv[], struct options *opts, char *err, size_t errlen);

/* Writes the --help text. */
void cli_usage(FILE *out);

#endif
