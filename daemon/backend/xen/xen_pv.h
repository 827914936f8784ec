/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_pv.h - the xen backend's PV block and network counters, as
 * libxenstat reads them from dom0 (xen_pv.c).
 */
#ifndef COOPVMM_XEN_PV_H
#define COOPVMM_XEN_PV_H

#include "policy.h"
#include "xen_types.h"

/*
 * PV block and network counters of every sampled domain (s[0..n), sorted
 * by domid).  What cannot be read is left out and said once; n == 0
 * only probes, for the banner.
 */
void xen_pv_stats(struct backend *b, struct policy_sample *s,
                  unsigned int n);

#endif /* COOPVMM_XEN_PV_H */
