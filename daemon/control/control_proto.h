/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_proto.h - the control protocol between coopctl and coopvmmd,
 * and the limits of the daemon's side of it.  Constants only: coopctl
 * knows the daemon through this file alone.
 *
 * Protocol (version CONTROL_PROTO_VERSION): one JSON object per line each
 * way.  A request is {"version": 1, "command": "status", ...arguments};
 * a reply always carries "version" and "ok", and on failure "error", a
 * human-readable message.  A connection may carry several requests, one
 * at a time; an oversized, truncated, non-JSON or unknown request gets an
 * error reply and the connection is closed after it.
 */
#ifndef COOPVMM_CONTROL_PROTO_H
#define COOPVMM_CONTROL_PROTO_H

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

#endif /* COOPVMM_CONTROL_PROTO_H */
