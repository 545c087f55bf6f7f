/*
 * traces/atomicfile.c: temporary files and folders, fsync, rename, and the
 * registry that removes live temporaries on SIGINT/SIGTERM/SIGHUP (see
 * atomicfile.h).
 *
 * The registry is a fixed array of slots.  A slot's state goes FREE ->
 * FILLING (claimed by CAS, path being copied) -> LIVE (the signal handler
 * may remove it) -> FREE.  The handler reads only LIVE slots and calls only
 * async-signal-safe functions (unlink, openat, getdents64, unlinkat,
 * sigaction, raise).
 */
#include "atomicfile.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Room in a temporary name for the infix, a pid and a counter. */
enum { TMP_SUFFIX_BYTES = 48 };
/* Names tried before giving up when they exist (a stale or planted one). */
enum { TMP_TRIES = 64 };
/* Live temporaries the signal handler knows about; more still work, but
 * are not removed on a signal. */
enum { LIVE_MAX = 64, LIVE_PATH_BYTES = 4096 };
/* Depth of the folders the removal descends (finding folders are flat). */
enum { TREE_DEPTH_MAX = 4 };

enum { SLOT_FREE = 0, SLOT_FILLING, SLOT_LIVE };

static struct {
    int state;          /* SLOT_*, changed atomically */
    pid_t pid;          /* the process that created it */
    bool is_dir;
    char path[LIVE_PATH_BYTES];
} live[LIVE_MAX];

const char *af_strerror(int e) {
    switch (e) {
    case AF_ENOTREG:
        return "not a regular file (a directory, device, FIFO or socket); refusing to replace it "
               "(to write into a pipe, give - and redirect standard output)";
    case AF_ESYMLINK: return "a symbolic link; refusing to write through or replace it";
    case AF_ESAME: return "the same file as an input; refusing to overwrite an input";
    default: return strerror(e);
    }
}

/* ---- removal that is safe in a signal handler ---- */

struct dirent64_raw {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

/* Remove name (relative to dirfd) and, if it is a folder, what it holds,
 * at most depth levels down.  Only syscalls: safe in a signal handler. */
static void remove_tree(int dirfd, const char *name, int depth) {
    if (unlinkat(dirfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM) || depth <= 0)
        return;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return;
    /* Entries are removed while listed, so list again until only . and ..
     * are left (bounded: each pass removes what it sees). */
    for (int pass = 0; pass < 64; pass++) {
        char buf[2048] __attribute__((aligned(8)));
        long n = lseek(fd, 0, SEEK_SET) < 0 ? -1 : syscall(SYS_getdents64, fd, buf, sizeof buf);
        int removed = 0;
        for (long o = 0; o < n;) {
            struct dirent64_raw *d = (struct dirent64_raw *)(buf + o);
            o += d->reclen;
            if (strcmp(d->name, ".") == 0 || strcmp(d->name, "..") == 0)
                continue;
            remove_tree(fd, d->name, depth - 1);
            removed++;
        }
        if (n <= 0 || removed == 0)
            break;
    }
    close(fd);
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* ---- the registry and the signal handler ---- */

void af_cleanup_now(void) {
    pid_t me = getpid();
    for (int i = 0; i < LIVE_MAX; i++) {
        if (__atomic_load_n(&live[i].state, __ATOMIC_ACQUIRE) != SLOT_LIVE || live[i].pid != me)
            continue;
        if (live[i].is_dir)
            remove_tree(AT_FDCWD, live[i].path, TREE_DEPTH_MAX);
        else
            unlink(live[i].path);
    }
}

static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void on_signal(int sig) {
    int saved = errno;
    af_cleanup_now();
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);   /* pending until the handler returns, then the default action */
    errno = saved;
}

/* Install on_signal for each cleanup signal still at its default action.
 * A file size limit (ulimit -f) is a write error (EFBIG) like a full disk,
 * reported and cleaned up, rather than SIGXFSZ killing the writer. */
static void install_handlers(void) {
    static int installed;
    if (__atomic_exchange_n(&installed, 1, __ATOMIC_ACQ_REL))
        return;
    struct sigaction old;
    if (sigaction(SIGXFSZ, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL) {
        struct sigaction ign = {.sa_handler = SIG_IGN};
        sigemptyset(&ign.sa_mask);
        sigaction(SIGXFSZ, &ign, NULL);
    }
    for (size_t i = 0; i < sizeof cleanup_signals / sizeof cleanup_signals[0]; i++) {
        if (sigaction(cleanup_signals[i], NULL, &old) != 0 || (old.sa_flags & SA_SIGINFO) ||
            old.sa_handler != SIG_DFL)
            continue;
        struct sigaction sa = {.sa_handler = on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(cleanup_signals[i], &sa, NULL);
    }
}

/* A slot for path, or -1 when the registry is full or path too long. */
static int live_add(const char *path, bool is_dir) {
    install_handlers();
    if (strlen(path) >= LIVE_PATH_BYTES)
        return -1;
    for (int i = 0; i < LIVE_MAX; i++) {
        int want = SLOT_FREE;
        if (!__atomic_compare_exchange_n(&live[i].state, &want, SLOT_FILLING, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_RELAXED))
            continue;
        strcpy(live[i].path, path);
        live[i].pid = getpid();
        live[i].is_dir = is_dir;
        __atomic_store_n(&live[i].state, SLOT_LIVE, __ATOMIC_RELEASE);
        return i;
    }
    return -1;
}

static void live_remove(int slot) {
    if (slot >= 0)
        __atomic_store_n(&live[slot].state, SLOT_FREE, __ATOMIC_RELEASE);
}

/* ---- names ---- */

/* "PATH.gmpsim-tmp.<pid>.<n>", n counting per process. */
static char *tmp_name(const char *path) {
    static unsigned counter;
    size_t len = strlen(path) + TMP_SUFFIX_BYTES;
    char *t = malloc(len);
    if (t != NULL)
        snprintf(t, len, "%s" AF_TMP_INFIX "%ld.%u", path, (long)getpid(),
                 __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED));
    return t;
}

/* The directory part of path ("." when it has none); malloc'd. */
static char *dir_of(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
}

/* "<pid>.<n>" after the infix: the pid, or 0 when name is not ours. */
static long stale_pid(const char *name) {
    const char *at = NULL;
    for (const char *p = strstr(name, AF_TMP_INFIX); p != NULL; p = strstr(p + 1, AF_TMP_INFIX))
        at = p;
    if (at == NULL || at == name)
        return 0;
    char *end;
    long pid = strtol(at + strlen(AF_TMP_INFIX), &end, 10);
    if (pid <= 0 || *end != '.' || end[1] == 0 || strspn(end + 1, "0123456789") != strlen(end + 1))
        return 0;
    return pid;
}

int af_sweep_stale(const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d)) {
        long pid = stale_pid(e->d_name);
        if (pid == 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        remove_tree(dirfd(d), e->d_name, TREE_DEPTH_MAX);
        n++;
    }
    closedir(d);
    return n;
}

static void sweep_parent(const char *path) {
    char *dir = dir_of(path);
    if (dir != NULL)
        af_sweep_stale(dir);
    free(dir);
}

/* ---- checks ---- */

int af_check_target(const char *path) {
    assert(path != NULL && path[0] != 0);
    if (strcmp(path, "-") == 0)
        return 0;
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : errno;
    if (S_ISLNK(st.st_mode))
        return AF_ESYMLINK;
    return S_ISREG(st.st_mode) ? 0 : AF_ENOTREG;
}

int af_check_not_input(const char *out, const char *in) {
    struct stat a, b;
    if (strcmp(out, "-") == 0 || strcmp(in, "-") == 0 || stat(out, &a) != 0 || stat(in, &b) != 0)
        return 0;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino ? AF_ESAME : 0;
}

/* ---- files ---- */

static void af_release(af_file *af) {
    live_remove(af->slot);
    free(af->path);
    free(af->tmp);
    memset(af, 0, sizeof *af);
    af->slot = -1;
}

/* Create af->tmp exclusively (a fresh name on each collision); its fd. */
static int create_tmp(af_file *af) {
    for (int i = 0; i < TMP_TRIES; i++) {
        free(af->tmp);
        af->tmp = tmp_name(af->path);
        if (af->tmp == NULL)
            return -ENOMEM;
        /* Registered before it exists, so no signal finds it unregistered;
         * a name taken by someone else (EEXIST) is dropped at once. */
        live_remove(af->slot);
        af->slot = live_add(af->tmp, false);
        int fd = open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd >= 0 ? fd : -errno;
    }
    return -EEXIST;
}

int af_open(af_file *af, const char *path) {
    memset(af, 0, sizeof *af);
    af->slot = -1;
    int rc = af_check_target(path);
    if (rc != 0)
        return rc;
    af->path = strdup(path);
    if (af->path == NULL)
        return ENOMEM;
    if (strcmp(path, "-") == 0) {
        af->f = stdout;
        return 0;
    }
    sweep_parent(path);
    int fd = create_tmp(af);
    if (fd < 0) {
        af_release(af);
        return -fd;
    }
    af->f = fdopen(fd, "wb");
    if (af->f == NULL) {
        int e = errno;
        close(fd);
        unlink(af->tmp);
        af_release(af);
        return e;
    }
    return 0;
}

void af_abort(af_file *af) {
    if (af->tmp != NULL) {
        if (af->f != NULL)
            fclose(af->f);
        unlink(af->tmp);
    }
    af_release(af);
}

/* fsync the directory at dir; some file systems refuse (EINVAL): the
 * rename is done either way. */
static int fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    return rc == EINVAL ? 0 : rc;
}

static int fsync_parent_dir(const char *path) {
    char *dir = dir_of(path);
    if (dir == NULL)
        return ENOMEM;
    int rc = fsync_dir(dir);
    free(dir);
    return rc;
}

/* Standard output: flush; the caller's stream stays open. */
static int commit_stdout(af_file *af) {
    errno = 0;
    int rc = fflush(af->f) != 0 || ferror(af->f) ? (errno ? errno : EIO) : 0;
    af_release(af);
    return rc;
}

int af_commit(af_file *af) {
    assert(af->f != NULL);
    if (af->tmp == NULL)
        return commit_stdout(af);
    int rc = 0;
    errno = 0;
    if (fflush(af->f) != 0 || ferror(af->f))
        rc = errno ? errno : EIO;
    if (rc == 0 && fsync(fileno(af->f)) != 0)
        rc = errno;
    if (fclose(af->f) != 0 && rc == 0)
        rc = errno ? errno : EIO;
    af->f = NULL;
    if (rc == 0)
        rc = af_check_target(af->path);   /* replaced since the open? */
    if (rc == 0 && rename(af->tmp, af->path) != 0)
        rc = errno;
    if (rc != 0) {
        unlink(af->tmp);
        af_release(af);
        return rc;
    }
    rc = fsync_parent_dir(af->path);
    af_release(af);
    return rc;
}

int af_write_file(const char *path, const void *buf, size_t len) {
    af_file af;
    int rc = af_open(&af, path);
    if (rc != 0)
        return rc;
    errno = 0;
    if (len > 0 && fwrite(buf, 1, len, af.f) != len) {
        rc = errno ? errno : EIO;
        af_abort(&af);
        return rc;
    }
    return af_commit(&af);
}

/* ---- folders ---- */

static void dir_release(af_dir *d) {
    live_remove(d->slot);
    free(d->path);
    free(d->tmp);
    memset(d, 0, sizeof *d);
    d->slot = -1;
}

int af_dir_open(af_dir *d, const char *path) {
    assert(path != NULL && path[0] != 0);
    memset(d, 0, sizeof *d);
    d->slot = -1;
    struct stat st;
    if (lstat(path, &st) == 0)
        return EEXIST;
    d->path = strdup(path);
    if (d->path == NULL)
        return ENOMEM;
    sweep_parent(path);
    for (int i = 0; i < TMP_TRIES; i++) {
        free(d->tmp);
        d->tmp = tmp_name(path);
        if (d->tmp == NULL)
            break;
        live_remove(d->slot);
        d->slot = live_add(d->tmp, true);   /* before it exists: see create_tmp */
        if (mkdir(d->tmp, 0777) == 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    int e = d->tmp == NULL ? ENOMEM : errno;
    dir_release(d);
    return e;
}

char *af_dir_path(const af_dir *d, const char *name, char *buf, size_t len) {
    assert(d->tmp != NULL && strchr(name, '/') == NULL);
    int n = snprintf(buf, len, "%s/%s", d->tmp, name);
    return n > 0 && (size_t)n < len ? buf : NULL;
}

int af_dir_write_file(af_dir *d, const char *name, const void *buf, size_t len) {
    char path[LIVE_PATH_BYTES];
    if (af_dir_path(d, name, path, sizeof path) == NULL)
        return ENAMETOOLONG;
    return af_write_file(path, buf, len);
}

/* Rename without replacing: renameat2(RENAME_NOREPLACE), or a check and
 * rename where the file system lacks it. */
static int rename_noreplace(const char *from, const char *to) {
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    struct stat st;
    if (lstat(to, &st) == 0)
        return EEXIST;
    return rename(from, to) == 0 ? 0 : errno;
}

int af_dir_commit(af_dir *d) {
    assert(d->tmp != NULL);
    int rc = fsync_dir(d->tmp);
    if (rc == 0)
        rc = rename_noreplace(d->tmp, d->path);
    if (rc != 0) {
        remove_tree(AT_FDCWD, d->tmp, TREE_DEPTH_MAX);
        dir_release(d);
        return rc;
    }
    rc = fsync_parent_dir(d->path);
    dir_release(d);
    return rc;
}

void af_dir_abort(af_dir *d) {
    if (d->tmp != NULL)
        remove_tree(AT_FDCWD, d->tmp, TREE_DEPTH_MAX);
    dir_release(d);
}
