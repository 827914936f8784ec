/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_xs.h - the xen backend's xenstore (xen_xs.c): the connection that
 * survives xenstored restarts, domain names and stub domains, and the
 * churn watch.
 */
#ifndef COOPVMM_XEN_XS_H
#define COOPVMM_XEN_XS_H

#include <stdbool.h>

#include "xen_types.h"

/* Connect (again) if it is time to; true when connected. */
bool xen_xs_open(struct backend *b);
void xen_xs_close(struct backend *b);

/* Every XEN_XS_RETRY polls: is xenstored still there?  (No hypercall.) */
void xen_xs_ping(struct backend *b);

/* Name and stub domain of a domain (first sight, churn, periodically). */
void xen_read_name(struct backend *b, struct xen_dom *d);

/* The churn watch's fd, or -1 (it changes when xenstored comes back). */
int xen_watch_fd(struct backend *b);
/* Read the watch events: names and pools are read again next poll. */
void xen_watch_drain(struct backend *b);

#endif /* COOPVMM_XEN_XS_H */
