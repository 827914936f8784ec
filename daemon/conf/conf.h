/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.h - coopvmm.conf: reading it (libconfuse) into a checked struct
 * conf (conf_types.h).  The dump that `coopvmmd -n -v` prints is
 * conf_dump.h's; the value parsers are conf_check.h's.
 *
 * Parsing never touches the running daemon: a reload parses into a new
 * struct conf and the caller swaps it in only on success.
 */
#ifndef COOPVMM_CONF_H
#define COOPVMM_CONF_H

#include <stddef.h>

#include "conf_types.h"

#define CONF_DEFAULT_PATH   "/etc/coopvmm.conf"

/*
 * Parse and validate `path`.  On success returns 0 and sets *out; the
 * file's warnings (valid, but not doing what it seems to) are in
 * (*out)->warnings.  On failure returns a negative errno and, if
 * `errors` is not NULL, sets it to a malloc'd text with one
 * "file:line: message" line per error (all of them, not just the first)
 * and warning; the caller frees it.  A file that is not a regular file
 * (a FIFO, a device) is refused without blocking.  Checks what start-up
 * will check on this host too (the socket-group exists).
 */
int conf_load(const char *path, struct conf **out, char **errors);

/*
 * The same, from a buffer (fuzzing, tests); `name` stands for the file.
 * The text alone: nothing is looked up on the host.
 */
int conf_load_buffer(const char *name, const char *buf, size_t len,
                     struct conf **out, char **errors);

void conf_free(struct conf *c);

#endif /* COOPVMM_CONF_H */
