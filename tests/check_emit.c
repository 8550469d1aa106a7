/*
 * check_emit.c - --emit-policy's writer: exceptions only in words the
 * parser reads back, everything else escaped in comments, and a policy
 * that, parsed again, accepts exactly the sockets it was written from
 */
#include "config.h"

#include <check.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_sock.h"
#include "check_suite.h"
#include "emit.h"
#include "filter.h"
#include "output.h"
#include "procmap.h"
#include "ssfilter.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(test_clause_words)
{
	static const char *const ok[] = { "nginx.service", "sshd",
		"podman:3f2a1b4c5d6e", "user@1000.service", "a+b-c_d" };
	static const char *const bad[] = { "", "a b", "a\nor sport = :1", "x#y",
		"(x)", "and", "or", "not", "a=b", "a|b", "a&b", "a\\b",
		"\xc3\xa9t\xc3\xa9", "a?", "a\tb" };
	char clause[64];
	int i;

	for (i = 0; i < N(ok); i++) {
		ck_assert_int_eq(emit_clause(clause, sizeof(clause), "unit?",
				     ok[i], strlen(ok[i])),
		    0);
		ck_assert_str_eq(clause + strlen("unit? "), ok[i]);
	}
	for (i = 0; i < N(bad); i++)
		ck_assert_msg(emit_clause(clause, sizeof(clause), "process",
				  bad[i], strlen(bad[i])) < 0,
		    "'%s' was taken as a word", bad[i]);
	/* A NUL inside the name is not a word either. */
	ck_assert_int_lt(
	    emit_clause(clause, sizeof(clause), "process", "a\0b", 3), 0);
}
END_TEST

/* Writes the policy for sks[0..n-1] (owners from m) into a string. */
static char *
emit(const struct sock_entry *sks, int n, const struct procmap *m)
{
	static const struct out_opts oo;
	static const struct out_netns ns = { .bindv6only = -1 };
	struct out_status st = { .complete = true };
	struct writer w;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int i;

	ck_assert_ptr_nonnull(f);
	emit_init(&w, f, &oo, "H");
	ck_assert_int_eq(writer_begin(&w), 0);
	ck_assert_int_eq(writer_netns_begin(&w, &ns), 0);
	for (i = 0; i < n; i++) {
		struct out_row row = { .sk = &sks[i], .procs = m };

		ck_assert_int_eq(writer_row(&w, &row), 0);
	}
	ck_assert_int_eq(writer_netns_end(&w, &st), 0);
	ck_assert_int_eq(writer_end(&w, &st), 0);
	fclose(f);
	return text;
}

START_TEST(test_policy)
{
	struct sock_entry sks[3], moved, other;
	struct procmap *m = procmap_new();
	struct filter_owner o = { 4411, "java", 4 };
	struct ssfilter_error e;
	struct filter f;
	char *text;
	int i;

	sks[0] = check_sock(AF_INET6, TCP_LISTEN, 0, "::", 8080, "::", 0);
	sks[0].inode = 11;
	/* A hostile name: a newline, '#', parentheses, an operator. */
	sks[1] = check_sock(AF_INET6, TCP_LISTEN, 0, "::", 9090, "::", 0);
	sks[1].inode = 12;
	sks[2] = check_sock(AF_INET6, TCP_LISTEN, 0, "::", 53, "::", 0);
	sks[2].inode = 13; /* nobody found holding it */
	ck_assert_ptr_nonnull(m);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(procmap_want(m, sks[i].inode), 0);
	ck_assert_int_eq(procmap_add(m, 11, 4411, 3, "java", 4), 0);
	ck_assert_int_eq(procmap_add(m, 12, 4412, 3, "x\n) or (#", 9), 0);
	text = emit(sks, 3, m);
	ck_assert_str_eq(text,
	    "# H\n"
	    "# 3 findings accepted; check with the same scope: --check -q "
	    "-F FILE\n"
	    "not (\n"
	    "\tprocess java and sport = :8080\t# tcp [::]:8080 java (pid "
	    "4411)\n"
	    "\tor sport = :53\t# tcp [::]:53\n"
	    "\tor sport = :9090\t# tcp [::]:9090 x\\x0a) or (# (pid 4412)\n"
	    ")\n");
	/* Read back: the three are accepted (no match), a new one not. */
	memset(&f, 0, sizeof(f));
	ck_assert_msg(ssfilter_parse(&f, text, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(filter_decide(&f, NULL, &sks[0], &o, 1), FILTER_NO);
	ck_assert_int_eq(filter_decide(&f, NULL, &sks[2], &o, 0), FILTER_NO);
	other = check_sock(AF_INET6, TCP_LISTEN, 0, "::", 8443, "::", 0);
	ck_assert_int_eq(filter_decide(&f, NULL, &other, &o, 1), FILTER_YES);
	/* The process excepted on its port only: moved, it is new. */
	moved = sks[0];
	moved.local_port = 8081;
	ck_assert_int_eq(filter_decide(&f, NULL, &moved, &o, 1), FILTER_YES);
	free(text);

	/* Nothing found: a policy that matches anything. */
	text = emit(NULL, 0, m);
	memset(&f, 0, sizeof(f));
	ck_assert_msg(ssfilter_parse(&f, text, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(filter_decide(&f, NULL, &other, &o, 1), FILTER_YES);
	free(text);
	procmap_free(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("emit");

	check_add(s, "clause words", test_clause_words);
	check_add(s, "policy", test_policy);
	return check_run(s);
}
