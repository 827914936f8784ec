/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics_file.c - the metrics file: metrics.c's text, written to a
 * temporary file and renamed over the file, relative to its directory
 * opened once (see lib/file.h for why), with its failures logged once
 * rather than on every poll.
 *
 * It only writes the file; what is in it is metrics.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "metrics.h"
#include "metrics_file.h"

static struct {
    char *path;                 /* what dirfd was opened for */
    int dirfd;
    const char *base;           /* in path */
    struct log_repeat rl;
} mf = { .dirfd = -1 };

void metrics_file_close(void)
{
    if ( mf.dirfd >= 0 )
        close(mf.dirfd);
    mf.dirfd = -1;
    free(mf.path);
    mf.path = NULL;
}

/* Is dirfd still the directory `path` names (not removed, not replaced)? */
static bool same_dir(void)
{
    struct stat a, b;
    char dir[PATH_MAX];

    snprintf(dir, sizeof(dir), "%.*s", (int)(mf.base - mf.path), mf.path);
    return fstat(mf.dirfd, &a) == 0 && stat(dir[0] ? dir : ".", &b) == 0 &&
           a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int open_dir(const char *path, const char **what)
{
    int n, fd;

    if ( mf.dirfd >= 0 && !strcmp(mf.path, path) && same_dir() )
        return 0;
    metrics_file_close();
    mf.path = strdup(path);
    if ( !mf.path )
        return -ENOMEM;
    fd = file_dir_open(mf.path, &mf.base);
    if ( fd < 0 )
    {
        *what = "cannot open its directory";
        return fd;
    }
    mf.dirfd = fd;
    n = file_tmp_clean(mf.dirfd, mf.base);
    if ( n )
        log_notice("metrics file %s: removed %d temporary file%s left by an "
                   "earlier run", path, n, n == 1 ? "" : "s");
    return 0;
}

static int write_tmp(const struct daemon *d, char *tmp, size_t len,
                     const char **what)
{
    FILE *f;
    int fd, rc;

    fd = file_tmp_create(mf.dirfd, mf.base, 0644, tmp, len);
    if ( fd < 0 )
    {
        *what = "cannot create a temporary file";
        return fd;
    }
    /* The umask may have taken bits away; the exporter may be another user. */
    if ( fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w")) )
    {
        rc = -errno;
        close(fd);
        *what = "cannot write";
        return rc;
    }
    rc = metrics_format(d, f);
    if ( !rc && fsync(fileno(f)) < 0 )
        rc = -errno;
    if ( fclose(f) && !rc )
        rc = errno ? -errno : -EIO;
    if ( rc )
        *what = "write failed";
    return rc;
}

int metrics_write_file(const struct daemon *d, const char *path)
{
    const char *what = "cannot write";
    char tmp[NAME_MAX + 1] = "";
    int rc;

    rc = open_dir(path, &what);
    if ( !rc )
    {
        rc = write_tmp(d, tmp, sizeof(tmp), &what);
        if ( !rc && renameat(mf.dirfd, tmp, mf.dirfd, mf.base) < 0 )
        {
            rc = -errno;
            what = "cannot rename the temporary file over it";
        }
        if ( rc && tmp[0] )
            unlinkat(mf.dirfd, tmp, 0);
    }
    if ( rc )
        log_fail(&mf.rl, LOG_WARNING, -rc, "metrics file %s: %s", path, what);
    else
        log_ok(&mf.rl, "metrics file %s", path);
    return rc;
}
