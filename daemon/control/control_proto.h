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
/* One reply: metrics at 32 000 domains; coopctl reads up to this. */
#define CONTROL_REPLY_MAX       (32 * 1024 * 1024)
/*
 * All replies buffered at once, shared ones counted once: past it no new
 * status or metrics reply is built; waiting clients get the last one.
 */
#define CONTROL_OUT_MAX         (96 * 1024 * 1024)
#define CONTROL_MAX_CLIENTS     256
/* Connections of one uid other than root; the last slots are root's. */
#define CONTROL_MAX_PER_UID     16
#define CONTROL_ROOT_RESERVE    16
/* A request must be complete this long after the last one. */
#define CONTROL_IDLE_NS         (10ull * 1000000000ull)
/* A reply must be read this long after it was ready: slow readers go. */
#define CONTROL_WRITE_NS        (30ull * 1000000000ull)
/* Work on a shared reply per slice, between two looks at the clock. */
#define CONTROL_SLICE_NS        (4ull * 1000000ull)
/* accept() failed (no descriptor left): try again after this. */
#define CONTROL_ACCEPT_BACKOFF_NS (1000ull * 1000000ull)
/* Descriptors kept for the daemon's own files when sizing for clients. */
#define CONTROL_FD_RESERVE      8
/*
 * Requests served per control_events() call: the rest wait for the next
 * round, so that a crowd of clients cannot hold the loop past a poll.
 */
#define CONTROL_SERVE_BURST     32
/* pollfds control_pollfds() may fill: the listener and every client. */
#define CONTROL_MAX_POLLFDS     (CONTROL_MAX_CLIENTS + 1)

#endif /* COOPVMM_CONTROL_PROTO_H */
