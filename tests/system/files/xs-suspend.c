/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xs-suspend.c - answers xl's suspend request for a guest that cannot:
 * the system test's tiny PVH guest has no xenstore driver, so `xl save`
 * would wait for it in vain.  For domain DOMID this waits (at most
 * TIMEOUT seconds, default 120) until the toolstack writes "suspend" to
 * /local/domain/DOMID/control/shutdown, acknowledges it as a guest's
 * xenbus driver would (writes ""), and suspends the domain from dom0
 * (xc_domain_shutdown SHUTDOWN_suspend: SCHEDOP_remote_shutdown), the
 * way libxl itself suspends an HVM guest without PV drivers.  What
 * `xl save` and `xl restore` then do to the domain and its scheduler
 * values is xl's own: that is what the daemon-restore scenario tests.
 *
 * Usage: xs-suspend DOMID [TIMEOUT]    exit 0 once suspended
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

int main(int argc, char **argv)
{
    unsigned int domid, len, waited = 0, limit;
    struct xs_handle *xs;
    xc_interface *xch;
    char path[64];

    if ( argc < 2 )
    {
        fprintf(stderr, "usage: xs-suspend DOMID [TIMEOUT]\n");
        return 2;
    }
    domid = strtoul(argv[1], NULL, 10);
    limit = argc > 2 ? strtoul(argv[2], NULL, 10) * 50 : 120 * 50;
    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
    xs = xs_open(0);
    xch = xc_interface_open(NULL, NULL, 0);
    if ( !xs || !xch )
    {
        perror("xs-suspend: xs_open/xc_interface_open");
        return 1;
    }
    for ( ; waited < limit; waited++ )
    {
        char *v = xs_read(xs, XBT_NULL, path, &len);
        int asked = v && !strcmp(v, "suspend");

        free(v);
        if ( asked )
        {
            if ( !xs_write(xs, XBT_NULL, path, "", 0) )
                perror("xs-suspend: xs_write");
            if ( xc_domain_shutdown(xch, domid, SHUTDOWN_suspend) )
            {
                perror("xs-suspend: xc_domain_shutdown");
                return 1;
            }
            printf("xs-suspend: d%u suspended\n", domid);
            return 0;
        }
        usleep(20000);
    }
    fprintf(stderr, "xs-suspend: no suspend request for d%u\n", domid);
    return 1;
}
