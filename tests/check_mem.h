/*
 * check_mem.h - a writer's output in memory, for the writer tests
 *
 * open_mem() gives the stream mem; close_mem() ends it and returns its
 * text, which done_mem() frees.
 */
#ifndef DUALSTAT_CHECK_MEM_H
#define DUALSTAT_CHECK_MEM_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static char *text;
static size_t text_len;
static FILE *mem;

static inline void
open_mem(void)
{
	mem = open_memstream(&text, &text_len);
	ck_assert_ptr_nonnull(mem);
}

static inline const char *
close_mem(void)
{
	ck_assert_int_eq(fclose(mem), 0);
	return text;
}

static inline void
done_mem(void)
{
	free(text);
	text = NULL;
}

#endif
