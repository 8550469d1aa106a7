/*
 * check_sysctl.c - reading integer sysctls (sysctl.c)
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_suite.h"
#include "sysctl.h"

/* Writes text into a new temporary file and returns its name. */
static const char *
temp_with(const char *text)
{
	static char name[] = "/tmp/check_sysctl.XXXXXX";
	FILE *f;
	int fd;

	snprintf(name, sizeof(name), "/tmp/check_sysctl.XXXXXX");
	fd = mkstemp(name);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	return name;
}

static const struct {
	const char *text;
	int ret, value;
} cases[] = {
	{ "0\n", 0, 0 },
	{ "1\n", 0, 1 },
	{ "1", 0, 1 },
	{ "-5\n", 0, -5 },
	{ "", -EINVAL, 0 },
	{ "abc\n", -EINVAL, 0 },
	{ "1 2\n", -EINVAL, 0 },
	{ "99999999999\n", -EINVAL, 0 },
};

START_TEST(test_read)
{
	const char *name = temp_with(cases[_i].text);
	int value = 4242, ret;

	ret = sysctl_read_int(name, &value);
	unlink(name);
	ck_assert_int_eq(ret, cases[_i].ret);
	ck_assert_int_eq(value, ret == 0 ? cases[_i].value : 4242);
}
END_TEST

START_TEST(test_missing)
{
	int value = 4242;

	ck_assert_int_eq(
	    sysctl_read_int("/nonexistent/bindv6only", &value), -ENOENT);
	ck_assert_int_eq(value, 4242);
}
END_TEST

/* ip_local_port_range: "LO<tab>HI" (autobound, issue 18.2). */
static const struct {
	const char *text;
	int ret, lo, hi;
} range_cases[] = {
	{ "32768\t60999\n", 0, 32768, 60999 },
	{ "1024 65535", 0, 1024, 65535 },
	{ "32768\n", -EINVAL, 0, 0 },
	{ "60999\t32768\n", -EINVAL, 0, 0 },
	{ "a\tb\n", -EINVAL, 0, 0 },
	{ "1\t2\t3\n", -EINVAL, 0, 0 },
};

START_TEST(test_range)
{
	const char *name = temp_with(range_cases[_i].text);
	int lo = 4242, hi = 4242, ret;

	ret = sysctl_read_range(name, &lo, &hi);
	unlink(name);
	ck_assert_int_eq(ret, range_cases[_i].ret);
	ck_assert_int_eq(lo, ret == 0 ? range_cases[_i].lo : 4242);
	ck_assert_int_eq(hi, ret == 0 ? range_cases[_i].hi : 4242);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sysctl");
	TCase *tc = tcase_create("read");

	tcase_add_loop_test(
	    tc, test_read, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	check_add(s, "missing file", test_missing);
	tc = tcase_create("range");
	tcase_add_loop_test(tc, test_range, 0,
	    (int)(sizeof(range_cases) / sizeof(range_cases[0])));
	suite_add_tcase(s, tc);
	return check_run(s);
}
