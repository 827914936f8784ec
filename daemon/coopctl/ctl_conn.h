/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_conn.h - coopctl's connection to coopvmmd (ctl_conn.c): requests
 * and replies, the signals that end a live view, fatal errors.  Every
 * call that talks to the daemon exits on a transport error, with a
 * one-line message.
 */
#ifndef COOPVMM_CTL_CONN_H
#define COOPVMM_CTL_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/* A connection that may carry several requests (iotrace). */
struct ctl_conn {
    int fd;
    char *buf;
    size_t len, size;
};

/* The socket to use (default CONTROL_DEFAULT_PATH). */
void ctl_set_socket(const char *path);

/* Catch SIGINT, SIGTERM and SIGHUP; ctl_stopped() says one came. */
void ctl_catch_signals(void);
bool ctl_stopped(void);
/* Sleep `ms`; true if a signal asked to stop. */
bool ctl_sleep(int ms);

/*
 * Print "coopctl: MESSAGE" and exit non-zero, after the hook set by
 * ctl_on_fatal() (top puts the terminal back first).
 */
void ctl_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
void ctl_on_fatal(void (*hook)(void));

void ctl_conn_open(struct ctl_conn *c);
void ctl_conn_close(struct ctl_conn *c);
/* Send one request object (consumed), with the protocol version. */
void ctl_conn_send(struct ctl_conn *c, json_t *req);
/* The next reply; checked to be an object with "ok". */
json_t *ctl_conn_recv(struct ctl_conn *c);

/* One request, one reply, on a connection of its own. */
json_t *ctl_request(json_t *req);
/* Print a failed reply's error (and reload's errors); false if failed. */
bool ctl_reply_ok(json_t *rep);
/* Print a reply as JSON; the exit status it calls for. */
int ctl_print_json(json_t *rep, size_t flags);

/*
 * The daemon's status reply; a reply that is not ok is printed and
 * coopctl exits non-zero.
 */
json_t *ctl_status_request(void);

#endif /* COOPVMM_CTL_CONN_H */
