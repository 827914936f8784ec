/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_client.h - one client of the control socket at a time
 * (control_client.c), for control.c.  Private to daemon/control/.
 */
#ifndef COOPVMM_CONTROL_CLIENT_H
#define COOPVMM_CONTROL_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "control_types.h"

/*
 * Accept one connection, if there is room for its uid (else it is told
 * why and closed).  False when there is nothing more to accept now; on
 * a lack of descriptors it sets c->accept_after_ns and logs once.
 */
bool client_accept(struct control *c, uint64_t now_ns);

/* What poll() said about the client in `slot`: read, serve, write. */
void client_event(struct control *c, unsigned int slot, short revents,
                  struct daemon *d, uint64_t now_ns);

/* Write what can be written now; false if the client was dropped. */
bool client_flush(struct control *c, unsigned int slot, uint64_t now_ns);

/* A complete request read but not served yet (the round's budget). */
bool client_has_request(const struct client *cl);

/* Is the client a member of `gid` (primary or supplementary)? */
bool client_in_group(const struct client *cl, gid_t gid);

/* Drop the idle ones, and those that do not read their reply. */
void client_drop_idle(struct control *c, uint64_t now_ns);

/* Close a client (switching its trace off). */
void client_drop(struct control *c, unsigned int slot, const char *why);

#endif /* COOPVMM_CONTROL_CLIENT_H */
