/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state_file.h - the state file on disk (state_file.c): read once at
 * start, checked line by line; written whole, atomically and privately.
 *
 * Format, one entry a line after a version line:
 *
 *   coopvmm-state 2
 *   <uuid> <domid> <base-w> <base-c> <set-w|-> <set-c|-> <next-w|-> <next-c|->
 *
 * (version 1, written by coopvmm 0.1, has the first six fields and is
 * still read).  Numbers are decimal; weights 1..65535, caps 0..65534,
 * domids below 0x7ff0 (DOMID_FIRST_RESERVED).
 */
#ifndef COOPVMM_STATE_FILE_H
#define COOPVMM_STATE_FILE_H

#include <stddef.h>

#include "state_table.h"

#define STATE_MAGIC         "coopvmm-state 2"
#define STATE_MAGIC_V1      "coopvmm-state 1"
/* Larger than any file coopvmm writes (~100 bytes an entry). */
#define STATE_FILE_MAX      (16u << 20)

/*
 * Set up the file at `path` (NULL or "": in memory only): create its
 * directory if missing, open it, remove temporary files a killed run
 * left, and read the file (see state_file_load).  0, or -ENOMEM; other
 * failures are logged, and retried by state_file_load/state_file_write.
 */
int state_file_open(struct state *st, const char *path);
void state_file_close(struct state *st);

/*
 * Read the file into the (empty) table if not done yet.  A missing file
 * is an empty state.  A file another user could have written (not owned
 * by us, or writable by group or others), a symlink, or one that is not
 * a state file is ignored and reported; damaged lines are reported with
 * their numbers and skipped, intact ones kept.  Any such file is kept
 * as PATH.bad for the administrator.  0 once read (st->loaded), or
 * -errno when it could not be read: the caller must not write it then,
 * or it would replace base values it never saw.
 */
int state_file_load(struct state *st);

/*
 * Parse the text of a state file into the table (appending); `name` is
 * for the messages.  Returns the number of damaged lines reported
 * (all of them if the first line is not a version line), or -ENOMEM.
 */
int state_parse(struct state *st, const char *buf, size_t len,
                const char *name);

/*
 * The text of the whole table, as state_file_write() writes it, in
 * *text (valid until the next call), *len bytes.  0 or -ENOMEM.
 */
int state_format(struct state *st, const char **text, size_t *len);

/*
 * Write the whole table: a private (0600) temporary file created
 * exclusively, unpredictably named, never through a symlink, in the
 * directory opened once; fsync; rename over the file; fsync of the
 * directory.  A failure is logged once (again if the errno changes) and
 * a recovery once.  0 or -errno; -EAGAIN if the file could only now be
 * read (the table was replaced: act on it from the next poll).
 */
int state_file_write(struct state *st);

#endif /* COOPVMM_STATE_FILE_H */
