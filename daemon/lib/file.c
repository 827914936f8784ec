/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file.c - opening the files coopvmmd writes, safely: relative to a
 * directory opened once, no link followed, exclusive random temporary
 * names, nothing that blocks (see file.h for why).
 *
 * It knows nothing of what the files hold: the pid file, the recording
 * and the metrics file are their owners' business.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

#define TMP_TAG     ".tmp-"
#define TMP_RANDOM  10

int file_dir_open(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    int fd;

    *base = slash ? slash + 1 : path;
    if ( !**base )
        return -EISDIR;
    if ( !slash )
        snprintf(dir, sizeof(dir), ".");
    else if ( slash == path )
        snprintf(dir, sizeof(dir), "/");
    else if ( (size_t)(slash - path) >= sizeof(dir) )
        return -ENAMETOOLONG;
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* A regular file, one link, ours; then back to blocking I/O. */
static int vet(int fd)
{
    struct stat st;
    int fl;

    if ( fstat(fd, &st) < 0 )
        return -errno;
    if ( !S_ISREG(st.st_mode) )
        return -EINVAL;
    if ( st.st_nlink != 1 )
        return -EMLINK;
    if ( st.st_uid != geteuid() )
        return -EPERM;
    fl = fcntl(fd, F_GETFL);
    if ( fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 )
        return -errno;
    return 0;
}

int file_open_own(int dirfd, const char *base, int flags, mode_t mode)
{
    int fd, rc;

    fd = openat(dirfd, base, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                O_CLOEXEC, mode);
    if ( fd < 0 )
        return -errno;
    rc = vet(fd);
    if ( rc )
    {
        close(fd);
        return rc;
    }
    return fd;
}

const char *file_strerror(int err)
{
    switch ( err )
    {
    case -ELOOP: return "it is a symbolic link (not followed)";
    case -EINVAL: return "not a regular file";
    case -EMLINK: return "it has another hard link";
    case -EPERM: return "owned by another user";
    }
    return strerror(-err);
}

int file_tmp_create(int dirfd, const char *base, mode_t mode, char *name,
                    size_t len)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyz"
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char rnd[TMP_RANDOM];
    unsigned int tries, i;
    int fd, n;

    for ( tries = 0; tries < 100; tries++ )
    {
        if ( getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd) )
            return -EIO;
        n = snprintf(name, len, "%s" TMP_TAG, base);
        if ( n < 0 || (size_t)n + TMP_RANDOM >= len )
            return -ENAMETOOLONG;
        for ( i = 0; i < TMP_RANDOM; i++ )
            name[n + i] = set[rnd[i] % (sizeof(set) - 1)];
        name[n + TMP_RANDOM] = '\0';
        fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
                    O_CLOEXEC, mode);
        if ( fd >= 0 )
            return fd;
        if ( errno != EEXIST )
            return -errno;
    }
    return -EEXIST;
}

static bool is_tmp_of(const char *name, const char *base)
{
    size_t b = strlen(base), t = strlen(TMP_TAG), i;

    if ( strlen(name) != b + t + TMP_RANDOM || strncmp(name, base, b) ||
         strncmp(name + b, TMP_TAG, t) )
        return false;
    for ( i = b + t; name[i]; i++ )
        if ( !((name[i] >= 'a' && name[i] <= 'z') ||
               (name[i] >= 'A' && name[i] <= 'Z') ||
               (name[i] >= '0' && name[i] <= '9')) )
            return false;
    return true;
}

int file_tmp_clean(int dirfd, const char *base)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
    struct dirent *e;
    struct stat st;
    DIR *d;

    if ( fd < 0 || !(d = fdopendir(fd)) )
    {
        if ( fd >= 0 )
            close(fd);
        return 0;
    }
    while ( (e = readdir(d)) )
    {
        if ( !is_tmp_of(e->d_name, base) ||
             fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
             !S_ISREG(st.st_mode) || st.st_uid != geteuid() )
            continue;
        n += unlinkat(dirfd, e->d_name, 0) == 0;
    }
    closedir(d);
    return n;
}

char *file_abs_path(const char *path)
{
    char cwd[PATH_MAX], *out;

    if ( path[0] == '/' )
        return strdup(path);
    if ( !getcwd(cwd, sizeof(cwd)) )
        return NULL;
    if ( asprintf(&out, "%s/%s", strcmp(cwd, "/") ? cwd : "", path) < 0 )
        return NULL;
    return out;
}
