/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_conf.c - libFuzzer target for the configuration parser: any byte
 * string through conf_load_buffer(), then conf_dump() of what it accepts.
 * Errors are collected by conf.c (libconfuse's error function is set
 * there), so nothing is printed; the dump goes to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "conf_dump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *null;
    struct conf *c = NULL;
    char *errors = NULL;

    if ( !null )
        null = fopen("/dev/null", "w");
    if ( conf_load_buffer("fuzz", (const char *)data, size, &c,
                          &errors) == 0 )
    {
        if ( errors )
            abort();            /* success never comes with errors */
        if ( null )
            conf_dump(c, null);
        conf_free(c);
    }
    else if ( c )
        abort();                /* failure never returns a conf */
    free(errors);
    return 0;
}
