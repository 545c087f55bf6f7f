/* traces/atomicfile.c: temporary file, fsync, rename (see atomicfile.h). */
#include "atomicfile.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "PATH.tmp.<pid>": room for the suffix and a 20-digit pid. */
enum { TMP_SUFFIX_BYTES = 32 };

static void af_release(af_file *af) {
    free(af->path);
    free(af->tmp);
    memset(af, 0, sizeof *af);
}

int af_open(af_file *af, const char *path) {
    assert(path != NULL && path[0] != 0);
    memset(af, 0, sizeof *af);
    size_t len = strlen(path);
    af->path = strdup(path);
    af->tmp = malloc(len + TMP_SUFFIX_BYTES);
    if (af->path == NULL || af->tmp == NULL) {
        af_release(af);
        return ENOMEM;
    }
    snprintf(af->tmp, len + TMP_SUFFIX_BYTES, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(af->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        af_release(af);
        return e;
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
    if (af->f != NULL)
        fclose(af->f);
    if (af->tmp != NULL)
        unlink(af->tmp);
    af_release(af);
}

/* The directory part of path ("." when it has none), for the final fsync. */
static int fsync_parent_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL)
        return ENOMEM;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return errno;
    int rc = fsync(fd) == 0 ? 0 : errno;
    close(fd);
    /* Some file systems refuse fsync on directories; the rename is done. */
    return rc == EINVAL ? 0 : rc;
}

int af_commit(af_file *af) {
    assert(af->f != NULL);
    int rc = 0;
    errno = 0;
    if (fflush(af->f) != 0 || ferror(af->f))
        rc = errno ? errno : EIO;
    if (rc == 0 && fsync(fileno(af->f)) != 0)
        rc = errno;
    if (fclose(af->f) != 0 && rc == 0)
        rc = errno ? errno : EIO;
    af->f = NULL;
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
