/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_cmd.h - the request half of the control socket: one request
 * line in, one JSON reply out (control_cmd.c).
 */
#ifndef COOPVMM_CONTROL_CMD_H
#define COOPVMM_CONTROL_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "control_types.h"

/* What a command handler sees. */
struct ctx {
    struct daemon *d;
    struct control *c;          /* NULL in control_handle_request() */
    struct client *cl;          /* likewise */
};

/*
 * One request line in, the reply JSON text out (malloc'd, no newline;
 * NULL only when out of memory).  *close_after: the request was malformed
 * and the connection should close once the reply is written.
 */
char *control_dispatch(struct ctx *x, const char *line, size_t len,
                       bool may_read, bool may_write, bool *close_after);

/*
 * The same without a connection (tests, fuzzing): one request line
 * (without or with its newline) in, one reply JSON text out, malloc'd,
 * without a newline; NULL only when out of memory.  may_read: status,
 * metrics; may_write: reload, pause, resume, pin, unpin, iotrace.
 * "iotrace" needs a connection and is refused here.
 */
char *control_handle_request(struct daemon *d, const char *line, size_t len,
                             bool may_read, bool may_write);

#endif /* COOPVMM_CONTROL_CMD_H */
