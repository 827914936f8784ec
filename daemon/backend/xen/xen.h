/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen.h - the "xen" backend (xen.c and its parts, see there): a live Xen
 * host through libxenctrl, libxenstore, dom0's /proc and sysfs, and the
 * hv-patch sysctl.
 */
#ifndef COOPVMM_XEN_H
#define COOPVMM_XEN_H

#include "backend.h"

extern const struct backend_ops backend_xen;

#endif /* COOPVMM_XEN_H */
