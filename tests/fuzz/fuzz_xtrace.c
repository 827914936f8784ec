/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_xtrace.c - libFuzzer target for the xentrace file reader
 * (tests/hv/xtrace.c) that the system test's xentrace cross-check and
 * bench/xen use: any input is counted or refused, never read past its
 * end; the counts stay consistent with the records read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../hv/xtrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct xtrace_counts c;
    uint8_t *copy = malloc(size ? size : 1);   /* exact size: ASan sees overreads */
    uint64_t io = 0;
    size_t where;
    unsigned int i, k;

    if ( !copy )
        return 0;
    memcpy(copy, data, size);
    if ( xtrace_count(copy, size, &c, &where) == 0 )
    {
        for ( i = 0; i < c.ndoms; i++ )
            for ( k = 0; k < XTRACE_NR_KINDS; k++ )
                io += c.dom[i].io[k];
        if ( where != size || c.ndoms > XTRACE_MAX_DOMS ||
             io + c.unattributed + c.overflow + c.lost > c.records )
            abort();
    }
    else if ( where > size )
        abort();
    free(copy);
    return 0;
}
