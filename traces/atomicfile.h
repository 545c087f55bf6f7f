/*
 * traces/atomicfile.h: write a file so that it appears whole or not at all.
 *
 * Bytes go to "PATH.tmp.<pid>" in PATH's directory; commit flushes, fsyncs,
 * renames it over PATH and fsyncs the directory.  Any failure, and abort,
 * unlinks the temporary file, so a killed or failing writer never leaves a
 * half-written PATH (at worst a stale PATH.tmp.<pid> if the process dies
 * between open and commit).
 *
 * Ownership: an af_file belongs to the caller that opened it, until commit
 * or abort (exactly one of them must be called).  Functions return 0 or an
 * errno value.
 */
#ifndef GMP_TRACES_ATOMICFILE_H
#define GMP_TRACES_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

typedef struct af_file {
    char *path;   /* final name */
    char *tmp;    /* "path.tmp.<pid>" */
    FILE *f;      /* buffered stream on tmp; write through it */
} af_file;

/* Create the temporary file; on failure nothing is left behind. */
int af_open(af_file *af, const char *path);

/* Flush, fsync, rename over the final name, fsync the directory.  On
 * failure the temporary file is unlinked.  af is released either way. */
int af_commit(af_file *af);

/* Drop everything written; unlink the temporary file; release af. */
void af_abort(af_file *af);

/* The whole of buf[0..len) as PATH, atomically. */
int af_write_file(const char *path, const void *buf, size_t len);

#endif
