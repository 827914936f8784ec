/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_dom.h - the xen backend's domain list (xen_dom.c): every domain in
 * a few getinfolist calls, the per-domain cache carried from poll to
 * poll, the look-up by domid, and stub domains tied to their guests.
 */
#ifndef COOPVMM_XEN_DOM_H
#define COOPVMM_XEN_DOM_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "xen_types.h"

/* Room for `want` domains in every per-domain array.  0 or -ENOMEM. */
int xen_grow(struct backend *b, unsigned int want);

/* Every domain into b->info, ascending domid.  Count or -errno (logged). */
int xen_list(struct backend *b);
/* Free the hypercall buffer xen_list keeps. */
void xen_list_free(struct backend *b);

/*
 * Carry the cache over to the n domains of b->info (both sorted by
 * domid): a domid with a new UUID is a new domain and starts afresh, and
 * the device models of domains that went are let go.  Returns the number
 * of new domains.
 */
unsigned int xen_cache_merge(struct backend *b, unsigned int n);

/*
 * Index of `domid` in arr[0..n), sorted by domid, whose elements are
 * `size` bytes long with the domid `off` bytes in; -1 if it is not there.
 * The one look-up of the arrays kept sorted here (samples, cache); use
 * it through XEN_DOMID_INDEX.
 */
int xen_domid_index(const void *arr, unsigned int n, size_t size,
                    size_t off, uint32_t domid);

#define XEN_DOMID_INDEX(arr, n, id)                                      \
    xen_domid_index(arr, n, sizeof(*(arr)),                             \
                    offsetof(__typeof__(*(arr)), domid), id)

/*
 * If `name` is a device-model stub domain's name ("<guest>-dm"), copy the
 * guest's name to `guest` and return 1; else return 0.
 */
int xen_stub_guest_name(const char *name, char *guest, size_t len);

/*
 * Tie stub domains to their guests: s[i].stub_of becomes target[i] (the
 * guest the stub's xenstore /local/domain/<stub>/target names), or failing
 * that the domid of the guest whose xenstore says dm_domid[j] ==
 * s[i].domid, or failing that of the guest named like the stub without
 * "-dm"; -1 otherwise.  `s` is sorted by domid; dm_domid[j] and target[i]
 * are -1 when xenstore says nothing; a target that is not a sampled
 * domain is ignored.
 */
void xen_link_stubs(struct policy_sample *s, const int32_t *dm_domid,
                    const int32_t *target, unsigned int n);

/*
 * Add stub domains' CPU time to their guests' device-model CPU, counted
 * from when they were tied (s[i].stub_of names the guest, see
 * xen_link_stubs), and write every domain's device-model counters into
 * s[].c (xen_dm_counters).  dom[] is the cache, in the same order as s[].
 */
void xen_dom_stub_cpu(struct xen_dom *dom, struct policy_sample *s,
                      unsigned int n);

#endif /* COOPVMM_XEN_DOM_H */
