/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_int.h - what the two halves of the control socket share: the
 * client and socket state of control.c (connections) that the commands of
 * control_cmd.c (dispatcher) look at, and the call between them.
 *
 * Private to those two files: the daemon sees only control.h.
 */
#ifndef COOPVMM_CONTROL_INT_H
#define COOPVMM_CONTROL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control.h"

struct client {
    int fd;
    uid_t uid;
    pid_t pid;
    bool may_read, may_write;
    char *in;                   /* request bytes not yet handled */
    size_t inlen, insize;
    char *out;                  /* the reply being written */
    size_t outlen, outoff;
    bool closing;               /* close once `out` is written */
    bool eof;
    uint64_t deadline_ns;
    bool tracing;
    uint32_t trace_domid;
};

struct control {
    int fd;
    char *path;
    gid_t gid;
    struct client *cl[CONTROL_MAX_CLIENTS];
    unsigned int ncl;
    int map[CONTROL_MAX_POLLFDS];   /* pollfd index -> slot, -1: listener */
    unsigned int nmap;
    unsigned int budget;            /* requests left in this round */
    struct daemon *d;               /* last seen, for control_close() */
};

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

#endif /* COOPVMM_CONTROL_INT_H */
