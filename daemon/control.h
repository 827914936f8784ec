/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h - coopvmmd's control socket: the UNIX stream socket coopctl
 * talks to, and the request dispatcher behind it.
 *
 * Protocol (version CONTROL_PROTO_VERSION): one JSON object per line each
 * way.  A request is {"version": 1, "command": "status", ...arguments};
 * a reply always carries "version" and "ok", and on failure "error", a
 * human-readable message.  A connection may carry several requests, one
 * at a time; an oversized, truncated, non-JSON or unknown request gets an
 * error reply and the connection is closed after it.
 *
 * Everything here runs inside the daemon's poll() loop and never blocks
 * it: sockets are non-blocking, requests are bounded to CONTROL_REQ_MAX,
 * at most one reply is buffered per client, the number of clients is
 * bounded, and idle clients are dropped.  State changes go only through
 * the daemon_* calls of daemon.h.
 */
#ifndef COOPVMM_CONTROL_H
#define COOPVMM_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct daemon;
struct control;

#define CONTROL_PROTO_VERSION   1
#define CONTROL_DEFAULT_PATH    "/run/coopvmm/coopvmmd.sock"
#define CONTROL_REQ_MAX         (64 * 1024)         /* bytes, newline incl. */
#define CONTROL_REPLY_MAX       (8 * 1024 * 1024)   /* one reply */
#define CONTROL_MAX_CLIENTS     256
#define CONTROL_IDLE_NS         (10ull * 1000000000ull)
/*
 * Requests served per control_events() call: the rest wait for the next
 * round, so that a crowd of clients cannot hold the loop past a poll.
 */
#define CONTROL_SERVE_BURST     32
/* pollfds control_pollfds() may fill: the listener and every client. */
#define CONTROL_MAX_POLLFDS     (CONTROL_MAX_CLIENTS + 1)

/*
 * Create the socket at `path`: the run directory (mkdir -p, 0755), the
 * socket under umask 0177, chown to `group` (NULL or "": root's group),
 * then chmod 0660.  A stale socket is removed; a socket another daemon
 * answers on is not (-EADDRINUSE).  Returns 0 or -errno, and logs why.
 */
int control_open(struct control **out, const char *path, const char *group);

/*
 * Fill pfd[0..max) with the listening fd and every client's fd, with the
 * events each one waits for.  Returns how many were filled.  Pass the
 * same array back to control_events() after poll().
 */
unsigned int control_pollfds(struct control *c, struct pollfd *pfd,
                             unsigned int max);

/*
 * Serve whatever poll() reported: accept, read, answer, write, all
 * non-blocking.  Call it after every poll() return (even a timeout, with
 * n = 0) so that idle clients are dropped on time.  `now_ns` is
 * CLOCK_MONOTONIC.
 */
void control_events(struct control *c, const struct pollfd *pfd,
                    unsigned int n, struct daemon *d, uint64_t now_ns);

/*
 * Milliseconds until the next client deadline (for the poll() timeout),
 * or -1 if there is none.  Drops clients whose deadline has passed, so
 * it never returns 0 for them: call it before every poll().
 */
int control_timeout_ms(struct control *c, uint64_t now_ns);

/* Number of connected clients (tests, log lines). */
unsigned int control_nclients(const struct control *c);

/*
 * Close every client (switching off their traces through `d`: call it
 * before closing the backend), close and unlink the socket.
 */
void control_close(struct control *c, struct daemon *d);

/*
 * The pure dispatcher: one request line (without or with its newline) in,
 * one reply JSON text out, malloc'd, without a newline; NULL only when
 * out of memory.  may_read: status, metrics; may_write: reload, pause,
 * resume, pin, unpin, iotrace.  "iotrace" needs a connection and is
 * refused here.
 */
char *control_handle_request(struct daemon *d, const char *line, size_t len,
                             bool may_read, bool may_write);

#endif /* COOPVMM_CONTROL_H */
