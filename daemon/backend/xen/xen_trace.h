/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_trace.h - the xen backend's per-request trace (coopctl iotrace),
 * through the hv-patch sysctl (xen_trace.c).
 */
#ifndef COOPVMM_XEN_TRACE_H
#define COOPVMM_XEN_TRACE_H

#include <stdint.h>

#include "backend.h"
#include "coop-ioreq.h"
#include "xen_types.h"

/* A hypervisor trace record as coopctl iotrace shows it. */
void xen_trace_rec(const struct xen_coop_ioreq_trace_rec *in,
                   struct backend_trace_rec *out);

/* The backend's trace op (backend.h); failures are logged. */
int xen_trace(struct backend *b, uint32_t domid, enum backend_trace_op op,
              struct backend_trace_rec *out, unsigned int max,
              uint64_t *overruns);

#endif /* COOPVMM_XEN_TRACE_H */
