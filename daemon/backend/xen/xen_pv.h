/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_pv.h - the xen backend's PV block and network counters, read from
 * dom0's kernel as xentop shows them (xen_pv.c): blkback's counters in
 * sysfs, kept open, and /proc/net/dev for the guests' vif interfaces.
 */
#ifndef COOPVMM_XEN_PV_H
#define COOPVMM_XEN_PV_H

#include <stdbool.h>

#include "policy.h"
#include "xen_text.h"
#include "xen_types.h"

/* Open /proc/net/dev and look for the block backends.  Never fails. */
void xen_pv_open(struct backend *b);
void xen_pv_close(struct backend *b);

/*
 * Look for new or removed block backends at the next poll; with
 * follow_up, also a few times over the polls after it (a backend's
 * counters appear in sysfs some time after its domain: when its hotplug
 * script has run).
 */
void xen_pv_rescan(struct backend *b, bool follow_up);

/*
 * PV block and network counters of every sampled domain (s[0..n),
 * sorted by domid), summed over its devices, with POLICY_HAS_VBD and
 * POLICY_HAS_NET for what dom0 shows.  No allocation unless backends
 * appeared; system calls: 2 per virtual disk (4 while it is busy, see
 * xen_pv_vbd_read), and /proc/net/dev read once (a pread per page of it,
 * and one that finds its end).
 */
void xen_pv_stats(struct backend *b, struct policy_sample *s,
                  unsigned int n);

/*
 * Read a virtual disk's counters into v->val: its read and write
 * requests, and a direction's sectors only when its requests moved in
 * this poll or the previous one (they move with their requests; blkback
 * counts a request just before its sectors).  0, or -errno when the
 * backend has gone (or -EPROTO for text that is not a counter).
 */
int xen_pv_vbd_read(struct xen_vbd *v);

/*
 * Add one /proc/net/dev line to the sample of the guest it belongs to
 * (s[0..n), sorted by domid): "vif<domid>.<dev>" and the emulated NIC's
 * "vif<domid>.<dev>-emu".  Directions as xentop shows them: net_rx is
 * what dom0 received from the guest (the guest's transmit), net_tx what
 * dom0 sent it.  Returns 1 if the line was a guest's, 0 otherwise.
 */
int xen_pv_netdev_add(struct policy_sample *s, unsigned int n,
                      const struct xen_netdev *nd);

#endif /* COOPVMM_XEN_PV_H */
