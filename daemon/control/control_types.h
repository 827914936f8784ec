/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_types.h - the connections of the control socket, as control.c
 * keeps them and the commands of control_cmd.c look at them (iotrace:
 * which client traces which domain).
 *
 * Types only, and private to those two files: the daemon sees only
 * control.h.
 */
#ifndef COOPVMM_CONTROL_TYPES_H
#define COOPVMM_CONTROL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "control_proto.h"

struct daemon;

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

#endif /* COOPVMM_CONTROL_TYPES_H */
