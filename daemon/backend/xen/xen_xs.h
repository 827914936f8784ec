/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_xs.h - the xen backend's xenstore (xen_xs.c): the connection that
 * survives xenstored restarts, each domain's name, stub domain links and
 * device-model pid, and the churn watches.
 */
#ifndef COOPVMM_XEN_XS_H
#define COOPVMM_XEN_XS_H

#include <stdbool.h>

#include "xen_types.h"

/* Connect (again) if it is time to; true when connected. */
bool xen_xs_open(struct backend *b);
void xen_xs_close(struct backend *b);

/*
 * Read a domain's name, device-model stub domain, the guest it is a stub
 * domain of, and its device-model pid (4 requests), and set d->xs_due:
 * never again but in a sweep when all is there; soon again, backed off,
 * while its name is not written yet or (want_dm: an HVM guest) neither
 * a device-model pid nor a stub domain is.
 */
void xen_xs_read_dom(struct backend *b, struct xen_dom *d, bool want_dm);

/* Whether xenstore told all a domain should have (see xen_xs_read_dom). */
bool xen_xs_complete(const struct xen_dom *d, bool want_dm);

/* Read every domain again at this poll (every XEN_XS_SWEEP_NS). */
void xen_xs_sweep(struct backend *b);

/* The churn watch's fd, or -1 (it changes when xenstored comes back). */
int xen_watch_fd(struct backend *b);
/*
 * Read the watch events: domains came or went (the missing parts of
 * domains are read again next poll), or PV backends did (their list is).
 */
void xen_watch_drain(struct backend *b);

#endif /* COOPVMM_XEN_XS_H */
