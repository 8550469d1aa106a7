/*
 * emit.h - --emit-policy: the writer that prints a policy file accepting
 * exactly what the listing saw
 */
#ifndef DUALSTAT_EMIT_H
#define DUALSTAT_EMIT_H

#include <stdio.h>

#include "output.h"

/*
 * Makes w write, at writer_end(), a filter that matches every socket of
 * the same scope except those listed now: "not ( EXCEPTION or ... )", one
 * exception per finding (the same one once), each with a comment naming
 * the socket.  An exception names the container or the systemd service
 * whose cgroup holds the socket, else its process and port, else its
 * port.  The rows need their owners (row->procs).  header is the comment
 * line's text after "# " (untrusted: escaped), or NULL.
 */
void emit_init(struct writer *w, FILE *out, const struct out_opts *opts,
    const char *header);

/*
 * Writes name into clause (len bytes) as an exception of kind ("unit",
 * "container", "process") when every byte of it is one the filter
 * language reads back as the same single word (letters, digits and
 * "._@:+-") and it is no operator word; returns 0, or -EINVAL when it
 * cannot be written so (the caller then names the socket otherwise).
 */
int emit_clause(
    char *clause, size_t len, const char *kind, const char *name, size_t n);

#endif
