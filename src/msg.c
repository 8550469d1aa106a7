/*
 * msg.c - the one way a module hands back a message with its error
 */
#include "config.h"

#include <stdio.h>

#include "msg.h"

int
msg_vset(char *err, size_t errlen, int error, const char *fmt, va_list ap)
{
	if (err != NULL && errlen > 0)
		vsnprintf(err, errlen, fmt, ap);
	return error;
}

int
msg_set(char *err, size_t errlen, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vset(err, errlen, error, fmt, ap);
	va_end(ap);
	return error;
}
