/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-abi.c: the daemon's reader and the patched hypervisor must agree
 * on every offset, size and constant of the coop-ioreq ABI and on where
 * struct xen_sysctl carries it.  (The sysctl interface version is the
 * line's own; that the series leaves it alone is checked on the patches,
 * in the Makefile.)  Last line: "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "abi-layout.h"

int main(void)
{
    const struct abi_item *d, *x;
    unsigned int nd, nx, i, passed = 0, failed = 0;

    d = abi_layout_daemon(&nd);
    x = abi_layout_xen(&nx);
    if ( nd != nx )
    {
        printf("FAIL: %u items on the daemon side, %u on Xen's\n", nd, nx);
        failed++;
    }
    for ( i = 0; i < nd && i < nx; i++ )
    {
        if ( strcmp(d[i].name, x[i].name) || d[i].value != x[i].value )
        {
            printf("FAIL: daemon %s = %llu, xen %s = %llu\n", d[i].name,
                   d[i].value, x[i].name, x[i].value);
            failed++;
        }
        else
            passed++;
    }
    printf("%u passed, %u failed\n", passed, failed);

    return failed ? 1 : 0;
}
