/*
 * store_file.c - cp_storage kept as one file per blob in a directory.
 *
 * The one place in lib/ that uses POSIX. A save writes a new file under a
 * temporary name (".cptmp.<pid>.<counter>", a name no blob can have since
 * blob names never start with '.'), fsyncs it, renames it over the blob and
 * fsyncs the directory: rename replaces the directory entry in one step, so
 * a reader (or a process started after a crash) finds the old file or the
 * new one, never a mix. Temporary files of a process that died are removed
 * by the next open; those of live processes are left alone.
 *
 * The store state is host memory (malloc), not context memory: one store
 * may serve many contexts, one after another.
 *
 * The lock (cp_store_file_config) is flock() on DIR/.lock, opened on first
 * use: an flock belongs to the open file, so it excludes other processes
 * and other stores (other contexts) in this process alike, and the kernel
 * drops it when a process dies. ".lock" is no blob name (names never start
 * with '.').
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1 /* flock() (BSD, not POSIX) */
/* 64-bit off_t and directory cookies on 32-bit targets too: readdir fails
   with EOVERFLOW on a file system whose cookies do not fit in 32 bits. */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "omacp/store.h"
#include "../base/base.h"

#define TMP_PREFIX ".cptmp."
#define TMP_TRIES 1000
#define IO_CHUNK ((size_t)1 << 30) /* largest single read/write request */
#define LOCK_NAME ".lock"

struct fstore {
    int dirfd;             /* the directory, kept open: saves and loads are relative to it */
    unsigned long counter; /* next temporary-name counter */
    int lockfd;            /* DIR/.lock once locked, else -1 */
    char why[160];         /* the last failure in words (the reason hook) */
};

/* Record what failed, with errno's words; CP_E_IO. */
static cp_status fail_errno(struct fstore *fs, const char *what,
                            const char *name)
{
    int e = errno;
    char text[96];
    if (e == 0 || strerror_r(e, text, sizeof text) != 0)
        snprintf(text, sizeof text, "error %d", e);
    snprintf(fs->why, sizeof fs->why, "%s %s: %s", what, name, text);
    return CP_E_IO;
}

/* Record a failure without errno; CP_E_IO. */
static cp_status fail_text(struct fstore *fs, const char *what,
                           const char *name)
{
    snprintf(fs->why, sizeof fs->why, "%s %s", what, name);
    return CP_E_IO;
}

static void close_fd(int fd)
{
    (void)close(fd); /* after EINTR the descriptor is gone: no retry */
}

/* ---- load ---------------------------------------------------------------- */

static int open_retry(int dirfd, const char *name, int flags, mode_t mode)
{
    int fd;
    do
        fd = openat(dirfd, name, flags, mode);
    while (fd < 0 && errno == EINTR);
    return fd;
}

/* Read up to cap bytes; *got = bytes read before end of file. -1 on error. */
static int read_upto(int fd, uint8_t *buf, size_t cap, size_t *got)
{
    size_t off = 0;
    while (off < cap) {
        size_t want = cap - off < IO_CHUNK ? cap - off : IO_CHUNK;
        ssize_t r = read(fd, buf + off, want);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        off += (size_t)r;
    }
    *got = off;
    return 0;
}

/* Size of the open regular file fd, or -1 (not a regular file, too big). */
static int file_size(int fd, size_t *size)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0)
        return -1;
    if ((uintmax_t)st.st_size > (uintmax_t)SIZE_MAX - 1)
        return -1;
    *size = (size_t)st.st_size;
    return 0;
}

/*
 * Read the whole file into buf. The file may change size after fstat (a
 * writer that does not go through rename); the read itself decides: more
 * than cap bytes asks for a bigger buffer, fewer is the blob.
 */
static cp_status read_blob(int fd, uint8_t *buf, size_t cap, size_t *len)
{
    size_t size, got, extra;
    uint8_t probe;
    if (file_size(fd, &size) != 0)
        return CP_E_IO;
    if (size > cap) {
        *len = size;
        return CP_E_BUFFER_TOO_SMALL;
    }
    if (read_upto(fd, buf, cap, &got) != 0)
        return CP_E_IO;
    if (got == cap) { /* full: is there more? */
        if (read_upto(fd, &probe, 1, &extra) != 0)
            return CP_E_IO;
        if (extra != 0) { /* it grew past cap: ask for at least cap + 1 */
            if (cap == SIZE_MAX)
                return CP_E_IO;
            if (file_size(fd, &size) != 0 || size <= cap)
                size = cap + 1;
            *len = size;
            return CP_E_BUFFER_TOO_SMALL;
        }
    }
    *len = got;
    return CP_OK;
}

static cp_status fs_load(void *user, const char *name, uint8_t *buf,
                         size_t cap, size_t *len)
{
    struct fstore *fs = user;
    cp_status st;
    int fd;
    if (fs == NULL || len == NULL || (buf == NULL && cap != 0))
        return CP_E_INVALID_ARG;
    if (!cp_store__name_ok(name))
        return CP_E_INVALID_ARG;
    /* O_NONBLOCK: a FIFO must not hang us (it fails the regular-file
       check); O_NOFOLLOW: a save replaces a link, so a load does not
       read through one either. */
    fd = open_retry(fs->dirfd, name,
                    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW,
                    0);
    if (fd < 0)
        return errno == ENOENT ? CP_E_NOT_FOUND : fail_errno(fs, "open", name);
    errno = 0;
    st = read_blob(fd, buf, cap, len);
    close_fd(fd);
    if (st == CP_E_IO)
        return errno ? fail_errno(fs, "read", name)
                     : fail_text(fs, "not a regular file:", name);
    return st;
}

/* ---- save ---------------------------------------------------------------- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t want = n < IO_CHUNK ? n : IO_CHUNK;
        ssize_t w = write(fd, p, want);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += (size_t)w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_retry(int fd)
{
    int r;
    do
        r = fsync(fd);
    while (r != 0 && errno == EINTR);
    return r;
}

/* Create a new temporary file; its name goes to tmp. -1 on failure. */
static int make_temp(struct fstore *fs, char *tmp, size_t tmp_size)
{
    int i;
    for (i = 0; i < TMP_TRIES; i++) {
        int fd;
        snprintf(tmp, tmp_size, TMP_PREFIX "%ld.%lu", (long)getpid(),
                 fs->counter++);
        fd = open_retry(fs->dirfd, tmp,
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
                        0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Write data into the new file fd and make it durable. */
static int fill_temp(int fd, const uint8_t *data, size_t len)
{
    int ok = write_all(fd, data, len) == 0 && fsync_retry(fd) == 0;
    if (close(fd) != 0 && errno != EINTR)
        ok = 0;
    return ok ? 0 : -1;
}

static cp_status fs_save(void *user, const char *name, const uint8_t *data,
                         size_t len)
{
    struct fstore *fs = user;
    char tmp[sizeof TMP_PREFIX + 48];
    int fd;
    if (fs == NULL || (data == NULL && len != 0) || !cp_store__name_ok(name))
        return CP_E_INVALID_ARG;
    fd = make_temp(fs, tmp, sizeof tmp);
    if (fd < 0)
        return fail_errno(fs, "create a temporary file for", name);
    if (fill_temp(fd, data, len) != 0) {
        cp_status st = fail_errno(fs, "write", name);
        (void)unlinkat(fs->dirfd, tmp, 0);
        return st;
    }
    if (renameat(fs->dirfd, tmp, fs->dirfd, name) != 0) {
        cp_status st = fail_errno(fs, "replace", name);
        (void)unlinkat(fs->dirfd, tmp, 0);
        return st;
    }
    /* The rename is done; this makes it survive a power loss too. */
    return fsync_retry(fs->dirfd) == 0 ? CP_OK
                                       : fail_errno(fs, "sync the directory of",
                                                    name);
}

/* ---- lock and reason ------------------------------------------------------ */

static cp_status fs_lock(void *user)
{
    struct fstore *fs = user;
    int r;
    if (fs == NULL)
        return CP_E_INVALID_ARG;
    if (fs->lockfd < 0) {
        fs->lockfd = open_retry(fs->dirfd, LOCK_NAME,
                                O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY |
                                    O_NOFOLLOW,
                                0600);
        if (fs->lockfd < 0)
            return fail_errno(fs, "open the lock file", LOCK_NAME);
    }
    do
        r = flock(fs->lockfd, LOCK_EX); /* waits for the holder */
    while (r != 0 && errno == EINTR);
    return r == 0 ? CP_OK : fail_errno(fs, "lock", LOCK_NAME);
}

static void fs_unlock(void *user)
{
    struct fstore *fs = user;
    if (fs != NULL && fs->lockfd >= 0)
        (void)flock(fs->lockfd, LOCK_UN);
}

static const char *fs_reason(void *user)
{
    struct fstore *fs = user;
    return fs != NULL && fs->why[0] ? fs->why : NULL;
}

/* ---- open and close ------------------------------------------------------ */

/* ".cptmp.<pid>.<n>" of a process that no longer exists? */
static int stale_temp(const char *name)
{
    const char *p;
    char *end;
    long pid;
    if (strncmp(name, TMP_PREFIX, sizeof TMP_PREFIX - 1) != 0)
        return 0;
    p = name + sizeof TMP_PREFIX - 1;
    errno = 0;
    pid = strtol(p, &end, 10);
    if (end == p || *end != '.' || errno != 0 || pid <= 0 ||
        pid == (long)getpid() || (long)(pid_t)pid != pid)
        return 0;
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Remove temporary files that a crashed process left behind. */
static void sweep_temps(int dirfd)
{
    DIR *d;
    struct dirent *e;
    int fd = open_retry(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0)
        return;
    d = fdopendir(fd);
    if (d == NULL) {
        close_fd(fd);
        return;
    }
    while ((e = readdir(d)) != NULL)
        if (stale_temp(e->d_name))
            (void)unlinkat(dirfd, e->d_name, 0);
    (void)closedir(d);
}

static cp_status file_open(const char *dir, cp_storage *out)
{
    struct fstore *fs;
    int fd;
    memset(out, 0, sizeof *out);
    out->struct_size = sizeof *out;
    if (dir == NULL || dir[0] == '\0')
        return CP_E_INVALID_ARG;
    fd = open_retry(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0)
        return CP_E_IO;
    if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
        close_fd(fd);
        return CP_E_IO;
    }
    fs = malloc(sizeof *fs);
    if (fs == NULL) {
        close_fd(fd);
        return CP_E_NOMEM;
    }
    fs->dirfd = fd;
    fs->counter = 0;
    fs->lockfd = -1;
    fs->why[0] = '\0';
    sweep_temps(fd);
    out->load = fs_load;
    out->save = fs_save;
    out->user = fs;
    return CP_OK;
}

CP_EXPORT cp_status cp_store_file_open_size(const char *dir, cp_storage *out,
                                            size_t size)
{
    cp_storage s;
    cp_status st;
    if (out == NULL)
        return CP_E_INVALID_ARG;
    if (!cp_storage__size_ok(size))
        return CP_E_VERSION;
    st = file_open(dir, &s);
    cp_storage__put(out, size, &s);
    return st;
}

CP_EXPORT void cp_store_file_close_size(cp_storage *out, size_t size)
{
    struct fstore *fs;
    cp_storage s;
    if (out == NULL || !cp_storage__size_ok(size))
        return;
    cp_storage__get(out, size, &s);
    if (s.load != fs_load || s.user == NULL)
        return;
    fs = s.user;
    if (fs->lockfd >= 0)
        close_fd(fs->lockfd); /* drops the lock if still held */
    close_fd(fs->dirfd);
    free(fs);
    memset(&s, 0, sizeof s);
    cp_storage__put(out, size, &s);
}

/* The symbols 0.1.0 programs call: the 0.1.0 cp_storage, no struct_size. */
#undef cp_store_file_open
#undef cp_store_file_close
CP_EXPORT cp_status cp_store_file_open(const char *dir, cp_storage *out);
CP_EXPORT void cp_store_file_close(cp_storage *s);
CP_EXPORT cp_status cp_store_file_open(const char *dir, cp_storage *out)
{
    return cp_store_file_open_size(dir, out, cp_storage__size_010());
}

CP_EXPORT void cp_store_file_close(cp_storage *s)
{
    cp_store_file_close_size(s, cp_storage__size_010());
}

CP_EXPORT cp_status cp_store_file_config(const char *dir, cp_config *cfg)
{
    cp_status st;
    if (cfg == NULL)
        return CP_E_INVALID_ARG;
    if (cfg->struct_size < offsetof(cp_config, storage_ext) +
                               sizeof cfg->storage_ext)
        return CP_E_VERSION;
    memset(&cfg->storage_ext, 0, sizeof cfg->storage_ext);
    cfg->storage_ext.struct_size = sizeof cfg->storage_ext;
    st = file_open(dir, &cfg->storage);
    if (st)
        return st;
    cfg->storage_ext.lock = fs_lock;
    cfg->storage_ext.unlock = fs_unlock;
    cfg->storage_ext.reason = fs_reason;
    cfg->storage_ext.user = cfg->storage.user;
    return CP_OK;
}
