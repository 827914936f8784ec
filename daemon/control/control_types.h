/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_types.h - the connections of the control socket, as control.c
 * keeps them, control_build.c hands them shared replies, and the commands
 * of control_cmd.c look at them (iotrace: which client traces which
 * domain).
 *
 * Types only, and private to those files: the daemon sees only
 * control.h.
 */
#ifndef COOPVMM_CONTROL_TYPES_H
#define COOPVMM_CONTROL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "control_proto.h"
#include "daemon_types.h"
#include "log.h"
#include "metrics.h"

/* A reply text, shared by the clients it goes to. */
struct reply {
    unsigned int refs;
    size_t len;                 /* bytes, the newline included */
    char *text;
};

struct client {
    int fd;
    uid_t uid;
    pid_t pid;
    gid_t gid;                  /* primary group at connect() */
    bool may_read, may_write;
    char *in;                   /* request bytes not yet handled */
    size_t inlen, insize;
    struct reply *out;          /* the reply being written */
    size_t outoff;
    int wait;                   /* CONTROL_SHARED_* awaited, or -1 */
    uint64_t wait_gen;          /* ... of this daemon generation or later */
    bool closing;               /* close once `out` is written */
    bool eof;
    uint64_t deadline_ns;       /* a request must be complete by then */
    uint64_t write_deadline_ns; /* `out` must be read by then */
    uint64_t since_ns;          /* connected */
    bool tracing;
    uint32_t trace_domid;
};

/* A shared reply being built from a snapshot of the daemon. */
struct cbuild {
    bool active;
    uint64_t gen;               /* the snapshot's daemon generation */
    const struct conf *conf;    /* the snapshot's: a reload frees it */
    struct daemon snap;         /* the daemon, with copied domain arrays */
    struct policy_sample *s;
    struct policy_decision *dc;
    unsigned int room;          /* entries in s and dc */
    unsigned int pos;           /* next domain (status) */
    struct metrics_cursor mc;   /* metrics */
    FILE *esc;                  /* metrics: writes JSON-escaped into text */
    char *text;                 /* the reply so far */
    size_t len, size;
    bool too_big;
    size_t last_len;            /* of the previous reply of this kind */
    struct reply *done;         /* the last finished reply ... */
    uint64_t done_gen;          /* ... and its generation */
};

struct control {
    int fd;
    char *path;
    int dirfd;                  /* the socket's directory */
    char *base;                 /* the socket's name in it */
    char *group;                /* socket-group in force ("": root only) */
    gid_t gid;
    struct client *cl[CONTROL_MAX_CLIENTS];
    unsigned int ncl;
    unsigned int max_clients;   /* CONTROL_MAX_CLIENTS, or fewer fds */
    int map[CONTROL_MAX_POLLFDS];   /* pollfd index -> slot, -1: listener */
    unsigned int nmap;
    unsigned int budget;            /* requests left in this round */
    uint64_t accept_after_ns;       /* accept() failed: not before then */
    struct log_repeat accept_rl;
    size_t out_bytes;               /* all replies alive */
    struct cbuild build[2];         /* by CONTROL_SHARED_* */
    struct daemon *d;               /* last seen, for control_close() */
};

#endif /* COOPVMM_CONTROL_TYPES_H */
