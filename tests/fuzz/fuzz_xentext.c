/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_xentext.c - libFuzzer target for the xen backend's parsers of
 * dom0's kernel text (daemon/backend/xen/xen_text.c): /proc/PID/schedstat,
 * /proc/PID/stat, /proc/PID/cmdline, sysfs counters, backend and
 * interface names, /proc/net/dev.
 *
 * The input is handed to every parser exactly as the daemon hands them
 * a file's bytes: a buffer and its length, with no NUL after it (an
 * exact-size heap copy, so ASan sees any read past the end); the names
 * get the NUL-terminated string the kernel's directory entries are.
 * Whatever the input, /proc/net/dev's iterator must end and move
 * forward.  The parser's source is compiled in here, so the target
 * needs nothing from tests/fuzz/run but its file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/backend/xen/xen_text.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1), *name = malloc(size + 1);
    uint64_t a, b, c;
    uint32_t d, e;
    struct xen_netdev nd;
    size_t pos = 0, last;
    bool emu;
    int r;

    if ( !buf || !name )
        goto out;
    memcpy(buf, data, size);
    memcpy(name, data, size);
    name[size] = '\0';

    xen_text_schedstat(buf, size, &a, &b, &c);
    xen_text_stat_start(buf, size, &a);
    xen_text_cmdline_domid(buf, size, &d);
    xen_text_u64(buf, size, &a);
    xen_text_backend_name(name, "vbd", &d, &e);
    xen_text_vif_name(name, &d, &e, &emu);
    do
    {
        last = pos;
        r = xen_text_netdev_next(buf, size, &pos, &nd);
        if ( r > 0 && (strlen(nd.name) >= sizeof(nd.name) || !nd.name[0]) )
            abort();
        if ( r && pos <= last )
            abort();            /* no progress: an endless loop */
    } while ( r );
    if ( pos > size )
        abort();

 out:
    free(buf);
    free(name);
    return 0;
}
