/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_build.h - the replies every client of one daemon generation
 * shares (status, metrics): built once per generation from a snapshot of
 * the daemon, a slice at a time between polls, and handed to every
 * client that asked (control_build.c).  And the reference-counted reply
 * texts the control socket writes.
 *
 * At 10 000 domains a status or metrics reply is megabytes and takes a
 * good part of a poll interval to build: built per client inside the
 * loop, 64 clients held the polls up by seconds.  Here the work is done
 * once whatever the number of clients, and in slices short enough that
 * a poll is never held up by more than one of them.
 */
#ifndef COOPVMM_CONTROL_BUILD_H
#define COOPVMM_CONTROL_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "control_types.h"

/*
 * A reply of `len` bytes (`text` malloc'd, taken over; a newline is
 * added), counted in c->out_bytes while it lives.  NULL when out of
 * memory (`text` freed).
 */
struct reply *reply_new(struct control *c, char *text, size_t len);
void reply_put(struct control *c, struct reply *r);

/*
 * Work on the builds clients wait for until `until_ns` (CLOCK_MONOTONIC)
 * or until none is left: start one for a generation a client waits for,
 * advance it from its snapshot, and when it is done hand it to every
 * client waiting for that generation or an older one.  Returns true if
 * work is left (poll again without sleeping).
 */
bool control_build_run(struct control *c, const struct daemon *d,
                       uint64_t until_ns);

/* Is a build under way or waited for?  (The loop must not sleep.) */
bool control_build_pending(const struct control *c);

/* Free what the builds hold (control_close()). */
void control_build_free(struct control *c);

/*
 * The reply of `kind` (CONTROL_SHARED_*) for `d`, built at once:
 * malloc'd JSON text without the newline, NULL when out of memory.  The
 * same text a client gets (tests, fuzzing).
 */
char *control_build_now(const struct daemon *d, int kind);

/*
 * A request without a connection (tests, fuzzing): one request line
 * (without or with its newline) in, one reply JSON text out, malloc'd,
 * without a newline; NULL only when out of memory.  may_read: status,
 * metrics; may_write: reload, pause, resume, pin, unpin, iotrace.
 * "iotrace" needs a connection and is refused here.
 */
char *control_handle_request(struct daemon *d, const char *line, size_t len,
                             bool may_read, bool may_write);

#endif /* COOPVMM_CONTROL_BUILD_H */
