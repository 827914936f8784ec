/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h - coopvmmd's control socket: the UNIX stream socket coopctl
 * talks to (control.c); the request dispatcher behind it is
 * control_cmd.h's, the protocol and its limits control_proto.h's.
 *
 * Everything here runs inside the daemon's poll() loop and never blocks
 * it: sockets are non-blocking, requests are bounded to CONTROL_REQ_MAX,
 * at most one reply is buffered per client and all of them together are
 * bounded, status and metrics replies are built once for every client
 * and in slices, the number of clients is bounded (per uid; root always
 * gets in), and idle clients and slow readers are dropped.  State
 * changes go only through the daemon_* calls of daemon.h.
 */
#ifndef COOPVMM_CONTROL_H
#define COOPVMM_CONTROL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control_proto.h"

struct daemon;
struct control;

/*
 * Create the socket at `path`: the run directory (mkdir -p, 0755), the
 * socket born mode 0660 and group `group` (NULL or "": root's group) -
 * umask and effective group at bind(), no chown or chmod by path.  A
 * stale socket is removed; a socket another daemon answers on is not
 * (-EADDRINUSE).  Clients are bounded by CONTROL_MAX_CLIENTS and by the
 * descriptors RLIMIT_NOFILE leaves.  Returns 0 or -errno, and logs why.
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
 * 0 while a shared reply is being built, or -1 if there is none.  Drops clients whose deadline has passed, so
 * it never returns 0 for them: call it before every poll().
 */
int control_timeout_ms(struct control *c, uint64_t now_ns);

/*
 * socket-group changed (a reload): the daemon answers the new group's
 * members at once, and the socket node gets the new group (a new socket
 * renamed over it); if that cannot be done, a warning says so.
 */
void control_set_group(struct control *c, const char *group);

/* Number of connected clients (tests, log lines). */
unsigned int control_nclients(const struct control *c);

/*
 * Close every client (switching off their traces through `d`: call it
 * before closing the backend), close and unlink the socket.
 */
void control_close(struct control *c, struct daemon *d);

#endif /* COOPVMM_CONTROL_H */
