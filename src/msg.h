/*
 * msg.h - the one way a module hands back a message with its error
 *
 * Modules never print (only main.c does); where a caller needs more than
 * an errno (which option, which byte of a file), the module writes one
 * line into a buffer the caller owns.
 */
#ifndef DUALSTAT_MSG_H
#define DUALSTAT_MSG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Writes the printf-style message (one line, no newline, cut to fit)
 * into err (errlen bytes; nothing if errlen is 0) and returns error, so
 * that `return msg_set(err, errlen, -EINVAL, "...", ...);` reports both.
 */
int msg_set(char *err, size_t errlen, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* msg_set() with a va_list. */
int msg_vset(char *err, size_t errlen, int error, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
