/*
 * check_cli.c - the command line, from a table of argv cases (cli.c)
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <string.h>

#include "check_suite.h"
#include "cli.h"

#define MAX_ARGS 8

/* What a good command line must produce. */
struct want {
	enum cli_action action;
	bool tcp, udp, inet, inet6;
	enum cli_view view;
	bool extended, header, json;
};

static const struct {
	const char *argv[MAX_ARGS];
	struct want want;
} good[] = {
	{ { NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-t", NULL },
	    { CLI_LIST, true, false, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "--udp", "-6", NULL },
	    { CLI_LIST, false, true, false, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "-tu46", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-4", NULL },
	    { CLI_LIST, true, true, true, false, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "-l", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_LISTENING, false, true,
		false } },
	{ { "--listening", "--all", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_ALL, false, true,
		false } },
	{ { "-al", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_LISTENING, false, true,
		false } },
	{ { "-tlne", NULL },
	    { CLI_LIST, true, false, true, true, CLI_VIEW_LISTENING, true, true,
		false } },
	{ { "-H", "--extended", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, true, false,
		false } },
	{ { "--json", "--ipv4", "--tcp", NULL },
	    { CLI_LIST, true, false, true, false, CLI_VIEW_CONNECTED, false,
		true, true } },
	{ { "--numeric", "--no-header", NULL },
	    { CLI_LIST, true, true, true, true, CLI_VIEW_CONNECTED, false,
		false, false } },
	{ { "-h", NULL },
	    { CLI_HELP, true, true, true, true, CLI_VIEW_CONNECTED, false, true,
		false } },
	{ { "-a", "--help", NULL },
	    { CLI_HELP, true, true, true, true, CLI_VIEW_ALL, false, true,
		false } },
	{ { "-V", NULL },
	    { CLI_VERSION, true, true, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
	{ { "--version", NULL },
	    { CLI_VERSION, true, true, true, true, CLI_VIEW_CONNECTED, false,
		true, false } },
};

static const struct {
	const char *argv[MAX_ARGS];
	const char *message;
} bad[] = {
	{ { "-x", NULL }, "unknown option '-x'" },
	{ { "-tz", NULL }, "unknown option '-z'" },
	{ { "--tpc", NULL }, "unknown or ambiguous option '--tpc'" },
	{ { "--n", NULL }, "unknown or ambiguous option '--n'" },
	{ { "--all=yes", NULL }, "option '--all' takes no argument" },
	{ { "listen", NULL }, "unexpected argument 'listen'" },
	{ { "-a", "--", "-l", NULL }, "unexpected argument '-l'" },
	{ { "-j", "-H", NULL },
	    "-H/--no-header and -j/--json cannot be combined" },
	{ { "", NULL }, "unexpected argument ''" },
};

static int
make_argv(const char *const args[], char *argv[MAX_ARGS + 1])
{
	int argc = 0;

	argv[argc++] = (char *)"dualstat";
	while (args[argc - 1] != NULL)
		argv[argc] = (char *)args[argc - 1], argc++;
	argv[argc] = NULL;
	return argc;
}

START_TEST(test_good)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	const struct want *w = &good[_i].want;
	struct options o;
	int argc = make_argv(good[_i].argv, argv);

	ck_assert_msg(cli_parse(argc, argv, &o, err, sizeof(err)) == 0,
	    "case %d: %s", _i, err);
	ck_assert_int_eq(o.action, w->action);
	ck_assert_int_eq(o.tcp, w->tcp);
	ck_assert_int_eq(o.udp, w->udp);
	ck_assert_int_eq(o.inet, w->inet);
	ck_assert_int_eq(o.inet6, w->inet6);
	ck_assert_int_eq(o.view, w->view);
	ck_assert_int_eq(o.extended, w->extended);
	ck_assert_int_eq(o.header, w->header);
	ck_assert_int_eq(o.json, w->json);
}
END_TEST

START_TEST(test_bad)
{
	char *argv[MAX_ARGS + 1], err[256] = "";
	struct options o, before;
	int argc = make_argv(bad[_i].argv, argv);

	memset(&o, 0x5a, sizeof(o));
	before = o;
	ck_assert_int_eq(cli_parse(argc, argv, &o, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, bad[_i].message);
	/* Nothing is written on error. */
	ck_assert_mem_eq(&o, &before, sizeof(o));
}
END_TEST

/* The help text names every long option the parser accepts. */
START_TEST(test_usage)
{
	static const char *const longs[] = { "--tcp", "--udp", "--ipv4",
		"--ipv6", "--listening", "--all", "--extended", "--numeric",
		"--no-header", "--json", "--help", "--version" };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	cli_usage(f);
	fclose(f);
	ck_assert(strncmp(text, "Usage: dualstat ", 16) == 0);
	for (i = 0; i < sizeof(longs) / sizeof(longs[0]); i++)
		ck_assert_msg(strstr(text, longs[i]) != NULL, "%s", longs[i]);
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc;

	tc = tcase_create("good command lines");
	tcase_add_loop_test(
	    tc, test_good, 0, (int)(sizeof(good) / sizeof(good[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("bad command lines");
	tcase_add_loop_test(
	    tc, test_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	check_add(s, "usage", test_usage);
	return check_run(s);
}
