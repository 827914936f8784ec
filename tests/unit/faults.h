/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * faults.h - make the state file's system calls fail on demand, to test
 * every error path of state_file.c without a full disk at hand.
 *
 * The test binary is linked with --wrap=openat,read,write,fsync,renameat (the
 * Makefile's TEST_LDFLAGS_NAME): the code under test calls the wrappers
 * below, which fail the way `struct fault` says and otherwise call the
 * real function.  A fault fires `times` times (after `skip` calls that
 * pass), only for paths containing `match` if set.  Include it in
 * exactly one file.
 */
#ifndef COOPVMM_TEST_FAULTS_H
#define COOPVMM_TEST_FAULTS_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

struct fault {
    int err;                    /* errno to fail with */
    unsigned int skip, times;
    const char *match;          /* openat, renameat: path must contain it */
    size_t short_len;           /* read, write: at most this much a call */
    unsigned int calls;         /* calls seen (failed or not) */
};

static struct fault f_openat, f_read, f_write, f_fsync, f_renameat;

static inline void faults_reset(void)
{
    memset(&f_openat, 0, sizeof(f_openat));
    memset(&f_read, 0, sizeof(f_read));
    memset(&f_write, 0, sizeof(f_write));
    memset(&f_fsync, 0, sizeof(f_fsync));
    memset(&f_renameat, 0, sizeof(f_renameat));
}

static bool fault_hit(struct fault *f, const char *path)
{
    f->calls++;
    if ( !f->times || (f->match && (!path || !strstr(path, f->match))) )
        return false;
    if ( f->skip )
    {
        f->skip--;
        return false;
    }
    f->times--;
    errno = f->err;
    return true;
}

int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;

    if ( flags & O_CREAT )
    {
        va_list ap;

        va_start(ap, flags);
        mode = va_arg(ap, int);
        va_end(ap);
    }
    if ( fault_hit(&f_openat, path) )
        return -1;
    return __real_openat(dirfd, path, flags, mode);
}

ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len)
{
    if ( fault_hit(&f_read, NULL) )
        return -1;
    if ( f_read.short_len && len > f_read.short_len )
        len = f_read.short_len;
    return __real_read(fd, buf, len);
}

ssize_t __real_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len);
ssize_t __wrap_write(int fd, const void *buf, size_t len)
{
    if ( fault_hit(&f_write, NULL) )
        return -1;
    if ( f_write.short_len && len > f_write.short_len )
        len = f_write.short_len;
    return __real_write(fd, buf, len);
}

int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __wrap_fsync(int fd)
{
    return fault_hit(&f_fsync, NULL) ? -1 : __real_fsync(fd);
}

int __real_renameat(int odir, const char *old, int ndir, const char *new);
int __wrap_renameat(int odir, const char *old, int ndir, const char *new);
int __wrap_renameat(int odir, const char *old, int ndir, const char *new)
{
    if ( fault_hit(&f_renameat, new) )
        return -1;
    return __real_renameat(odir, old, ndir, new);
}

#endif /* COOPVMM_TEST_FAULTS_H */
