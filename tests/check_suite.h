/*
 * check_suite.h - the main() every Check unit test shares
 */
#ifndef DUALSTAT_CHECK_SUITE_H
#define DUALSTAT_CHECK_SUITE_H

#include <check.h>
#include <stdlib.h>

/* Runs the suite and returns the process exit status. */
static inline int
check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Adds a TCase of one test to s. */
static inline void
check_add(Suite *s, const char *name, const TTest *test)
{
	TCase *tc = tcase_create(name);

	tcase_add_test(tc, test);
	suite_add_tcase(s, tc);
}

#endif
