/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_cmd.h - the request half of the control socket: one request
 * line in, one JSON reply out (control_cmd.c).
 */
#ifndef COOPVMM_CONTROL_CMD_H
#define COOPVMM_CONTROL_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "control_types.h"

/* What a command handler sees. */
struct ctx {
    struct daemon *d;
    struct control *c;          /* NULL in control_handle_request() */
    struct client *cl;          /* likewise */
};

/* Replies every client of one daemon generation shares. */
#define CONTROL_SHARED_NONE     (-1)
#define CONTROL_SHARED_STATUS   0
#define CONTROL_SHARED_METRICS  1
#define CONTROL_SHARED__COUNT   2

/*
 * One request line in, the reply JSON text out (malloc'd, no newline;
 * NULL when out of memory).  *close_after: the request was malformed
 * and the connection should close once the reply is written.  A valid
 * status or metrics request returns NULL with *shared set to its
 * CONTROL_SHARED_* kind: its reply is control_build.h's.
 */
char *control_dispatch(struct ctx *x, const char *line, size_t len,
                       bool may_read, bool may_write, bool *close_after,
                       int *shared);

/* The pieces of a status reply: the "daemon" object, domain i's object. */
json_t *control_status_daemon(const struct daemon *d);
json_t *control_status_domain(const struct daemon *d, unsigned int i);

#endif /* COOPVMM_CONTROL_CMD_H */
