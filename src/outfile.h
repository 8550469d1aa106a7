/*
 * outfile.h - write a file whole or not at all (--metrics=FILE)
 *
 * The text goes to a temporary file created beside the target, which
 * replaces the target only once it is complete and on disk, so a reader
 * (node_exporter) never sees half a file and a failed run leaves the
 * previous one in place.
 */
#ifndef DUALSTAT_OUTFILE_H
#define DUALSTAT_OUTFILE_H

#include <stdio.h>

struct outfile;

/*
 * Creates the temporary file ".NAME.XXXXXX" in path's directory with
 * O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0644 less the umask (the
 * reader is often another user).  Refuses a target that exists and is
 * not a regular file or a symbolic link (errno EINVAL).  Returns the
 * handle, or NULL with errno set.
 */
struct outfile *outfile_new(const char *path);

/* The stream to write to; it belongs to the outfile. */
FILE *outfile_stream(struct outfile *o);

/*
 * Flushes and fsyncs the temporary file, renames it over the target and
 * fsyncs the directory.  Returns 0, or -errno (the target is then left as
 * it was).  Call it at most once.
 */
int outfile_commit(struct outfile *o);

/*
 * Removes the temporary file unless it was committed, and frees o;
 * outfile_free(NULL) is a no-op.
 */
void outfile_free(struct outfile *o);

#endif
