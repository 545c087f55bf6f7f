/*
 * traces/atomicfile.h: write a file, or a folder of files, so that it
 * appears whole or not at all, and never write through anything but a
 * regular file.
 *
 * Files.  Bytes go to a new temporary file "PATH.gmpsim-tmp.<pid>.<n>" in
 * PATH's directory, created with O_EXCL|O_NOFOLLOW (a planted file or
 * symlink at that name is never opened); commit flushes, fsyncs, renames it
 * over PATH and fsyncs the directory.
 *
 * What may be replaced.  PATH must be absent or a regular file.  A symlink,
 * directory, device, FIFO or socket at PATH is refused (AF_ENOTREG,
 * AF_ESYMLINK: exit 10 in the CLI), at open and again just before the
 * rename.  To write to a pipe or a terminal, say "-": standard output,
 * written directly (not atomic, nothing to clean up).  af_check_not_input
 * refuses an output that is one of the command's input files.
 *
 * Temporary files and signals.  Every live temporary file or folder is in
 * a small registry; SIGINT, SIGTERM and SIGHUP unlink them (async-signal-
 * safe) and then take their default action, so a terminated writer leaves
 * nothing behind.  The handler is installed at the first open, only for a
 * signal whose disposition is still the default: a program with its own
 * handler owns its shutdown (and may call af_cleanup_now from it).  Only
 * the process that created an entry removes it (a forked child never
 * removes its parent's files).  SIGXFSZ, when at its default, is ignored:
 * a file size limit is then a write error (EFBIG), like a full disk.
 *
 * kill -9.  Nothing can run: the destination is untouched (the rename
 * never happened), and the temporary file or folder stays.  The next open
 * of an atomic file or folder in the same directory removes every
 * "*.gmpsim-tmp.<pid>.<n>" whose process no longer exists (af_sweep_stale).
 *
 * Folders (af_dir_*).  A folder is built as "PATH.gmpsim-tmp.<pid>.<n>"
 * and renamed to PATH in one step (RENAME_NOREPLACE: an existing PATH is
 * never replaced or merged; commit fails with EEXIST).  Files inside are
 * written with af_dir_write_file or any writer given af_dir_path().
 *
 * Ownership: an af_file / af_dir belongs to the caller that opened it,
 * until commit or abort (exactly one of them must be called).  Functions
 * return 0, an errno value, or one of the AF_E* codes (af_strerror).
 */
#ifndef GMP_TRACES_ATOMICFILE_H
#define GMP_TRACES_ATOMICFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Errors of our own (negative, apart from errno values). */
enum {
    AF_ENOTREG = -1,    /* PATH is a directory, device, FIFO or socket */
    AF_ESYMLINK = -2,   /* PATH is a symbolic link */
    AF_ESAME = -3,      /* the output is one of the inputs */
};

/* The infix of temporary names: "PATH" AF_TMP_INFIX "<pid>.<n>". */
#define AF_TMP_INFIX ".gmpsim-tmp."

typedef struct af_file {
    char *path;   /* final name ("-": standard output) */
    char *tmp;    /* the temporary file (NULL for "-") */
    FILE *f;      /* buffered stream; write through it */
    int slot;     /* registry entry of tmp, or -1 */
} af_file;

/* A message for an error this module returned (strerror for errno values). */
const char *af_strerror(int e);

/* 0 if path may be written: "-", absent, or a regular file; else
 * AF_ENOTREG, AF_ESYMLINK or an errno from lstat. */
int af_check_target(const char *path);

/* AF_ESAME if out names the same file as in (after symlinks; hard links
 * count), else 0.  "-" and files that do not exist are never the same. */
int af_check_not_input(const char *out, const char *in);

/* Check the target, create the temporary file; on failure nothing is left
 * behind. */
int af_open(af_file *af, const char *path);

/* Flush, fsync, check the target again, rename over it, fsync the
 * directory.  On failure the temporary file is unlinked.  af is released
 * either way. */
int af_commit(af_file *af);

/* Drop everything written; unlink the temporary file; release af. */
void af_abort(af_file *af);

/* The whole of buf[0..len) as PATH, atomically. */
int af_write_file(const char *path, const void *buf, size_t len);

/* ---- folders ---- */
typedef struct af_dir {
    char *path;   /* final name */
    char *tmp;    /* the folder being built */
    int slot;     /* registry entry of tmp */
} af_dir;

/* Create the temporary folder for PATH.  EEXIST if PATH exists already. */
int af_dir_open(af_dir *d, const char *path);

/* "TMP/name" into buf (len bytes): where a file of the folder is written
 * before commit.  Returns buf, or NULL if it does not fit. */
char *af_dir_path(const af_dir *d, const char *name, char *buf, size_t len);

/* af_write_file of name inside the folder. */
int af_dir_write_file(af_dir *d, const char *name, const void *buf, size_t len);

/* fsync the folder, rename it to PATH (never over an existing PATH:
 * EEXIST), fsync the parent.  On failure the folder is removed.  d is
 * released either way. */
int af_dir_commit(af_dir *d);

/* Remove the folder and everything in it; release d. */
void af_dir_abort(af_dir *d);

/* ---- leftovers ---- */

/* Remove every "*.gmpsim-tmp.<pid>.<n>" file or folder in dir whose process
 * is gone (what kill -9 leaves).  Returns how many were removed. */
int af_sweep_stale(const char *dir);

/* Unlink every live temporary of this process now.  Async-signal-safe: for
 * a program's own signal handler. */
void af_cleanup_now(void);

#endif
