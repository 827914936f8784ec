/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file.h - opening the files coopvmmd writes without being steered by
 * whoever else can write their directories (file.c).
 *
 * coopvmmd runs as root and writes into directories an administrator
 * names (pid file, recording, metrics file).  A user who can write such
 * a directory could plant a symbolic link, a hard link or a FIFO there,
 * or guess the name of a temporary file.  So: a directory is opened once
 * and every name is taken relative to it; the last component is never
 * followed if it is a link; what is opened must be a regular file with
 * one link, owned by us; temporary names are random and created
 * exclusively; and nothing blocks on a FIFO or a device.
 */
#ifndef COOPVMM_FILE_H
#define COOPVMM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Open the directory of `path` (O_DIRECTORY; symbolic links in the
 * directory part are the administrator's and are followed) and point
 * *base at the last component of `path`.  Returns the fd or -errno.
 */
int file_dir_open(const char *path, const char **base);

/*
 * Open `base` in `dirfd` for writing (`flags`: O_CREAT, O_APPEND,
 * O_TRUNC as wanted; O_WRONLY or O_RDWR), never following a link, never
 * blocking.  An existing file must be a regular file with one link and
 * owned by our effective uid; a new one gets `mode`.  Returns the fd
 * (blocking I/O, close-on-exec) or -errno: -ELOOP for a symbolic link,
 * -EINVAL for not a regular file, -EMLINK for a hard link, -EPERM for
 * another owner.
 */
int file_open_own(int dirfd, const char *base, int flags, mode_t mode);

/* What file_open_own()'s -errno means, for a log line. */
const char *file_strerror(int err);

/*
 * Create a temporary file `base`.tmp-XXXXXXXXXX in `dirfd` (random name,
 * O_EXCL, no link followed), mode `mode`.  Its name goes to name[len].
 * Returns the fd or -errno.
 */
int file_tmp_create(int dirfd, const char *base, mode_t mode, char *name,
                    size_t len);

/*
 * Remove what file_tmp_create() left for `base` in `dirfd` (a process
 * killed between create and rename): regular files of ours only.
 * Returns how many were removed.
 */
int file_tmp_clean(int dirfd, const char *base);

/*
 * `path` made absolute against the current directory (not resolved:
 * the file need not exist).  Malloc'd; NULL when out of memory or the
 * current directory is gone.
 */
char *file_abs_path(const char *path);

#endif /* COOPVMM_FILE_H */
