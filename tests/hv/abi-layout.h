/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * abi-layout.h: the layout of the coop-ioreq ABI as one compilation unit
 * sees it (abi-layout.c, built once per side), for test-abi to compare.
 */
#ifndef COOPVMM_ABI_LAYOUT_H
#define COOPVMM_ABI_LAYOUT_H

#include <stddef.h>

struct abi_item {
    const char *name;
    unsigned long long value;   /* offset, size or constant */
};

/* The daemon's view: daemon/backend/xen/ioreq.h with hv-patch/include/coop-ioreq.h. */
const struct abi_item *abi_layout_daemon(unsigned int *nr);
/* The hypervisor's view: the patched tree's xen/include/public. */
const struct abi_item *abi_layout_xen(unsigned int *nr);

#endif /* COOPVMM_ABI_LAYOUT_H */
