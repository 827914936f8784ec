/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xentrace-count FILE: Xen's own emulated-I/O trace records per domain,
 * from a file written by `xentrace -e 0x000af000` (xtrace.h says why the
 * scheduler class is needed).  A dom0 test tool for the system test's
 * cross-check of the hv-patch counters (scenario xentrace); its output is
 * parsed there, so change both together:
 *
 *   xtrace records=N lost=N unattributed=N overflow=N
 *   domid=D pio_read=N pio_write=N mmio_read=N mmio_write=N   (per domain)
 *
 * Exit status 0, or 1 with one line on stderr (unreadable file, not
 * xentrace output: the offset of the bad record).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtrace.h"

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL, *nbuf;
    size_t cap = 0, n;

    *len = 0;
    if ( !f )
        return NULL;
    for ( ;; )
    {
        if ( *len == cap )
        {
            cap = cap ? 2 * cap : 1 << 20;
            nbuf = realloc(buf, cap);
            if ( !nbuf )
                goto fail;
            buf = nbuf;
        }
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
        if ( n == 0 )
            break;
    }
    if ( ferror(f) )
        goto fail;
    fclose(f);
    return buf ? buf : malloc(1);

 fail:
    free(buf);
    fclose(f);
    return NULL;
}

int main(int argc, char **argv)
{
    static struct xtrace_counts c;
    const struct xtrace_dom *d;
    uint8_t *buf;
    size_t len, where;
    unsigned int i;

    if ( argc != 2 )
    {
        fprintf(stderr, "usage: xentrace-count FILE\n");
        return 1;
    }
    buf = slurp(argv[1], &len);
    if ( !buf )
    {
        fprintf(stderr, "xentrace-count: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    if ( xtrace_count(buf, len, &c, &where) )
    {
        fprintf(stderr, "xentrace-count: %s: not xentrace output (bad "
                "record at byte %zu of %zu)\n", argv[1], where, len);
        free(buf);
        return 1;
    }
    printf("xtrace records=%" PRIu64 " lost=%" PRIu64 " unattributed=%"
           PRIu64 " overflow=%" PRIu64 "\n", c.records, c.lost,
           c.unattributed, c.overflow);
    for ( i = 0; i < c.ndoms; i++ )
    {
        d = &c.dom[i];
        printf("domid=%" PRIu32 " pio_read=%" PRIu64 " pio_write=%" PRIu64
               " mmio_read=%" PRIu64 " mmio_write=%" PRIu64 "\n", d->domid,
               d->io[XTRACE_PIO_READ], d->io[XTRACE_PIO_WRITE],
               d->io[XTRACE_MMIO_READ], d->io[XTRACE_MMIO_WRITE]);
    }
    free(buf);
    return 0;
}
