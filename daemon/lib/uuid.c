/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * uuid.c - UUID text for the state file, recordings, the configuration's
 * `domain "UUID"` blocks and coopctl's status.  Not libuuid's names:
 * coopvmm must not interpose on a library that links it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "uuid.h"

void uuid_to_text(const uint8_t u[16], char out[UUID_TEXT_LEN + 1])
{
    snprintf(out, UUID_TEXT_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
             u[10], u[11], u[12], u[13], u[14], u[15]);
}

static unsigned int hex(char c)
{
    return isdigit((unsigned char)c) ? (unsigned int)(c - '0')
                                     : (unsigned int)(tolower(c) - 'a' + 10);
}

int uuid_from_text(const char *s, uint8_t u[16])
{
    unsigned int i, b = 0;

    if ( strlen(s) != UUID_TEXT_LEN )
        return -EINVAL;
    for ( i = 0; i < UUID_TEXT_LEN; i++ )
    {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if ( dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]) )
            return -EINVAL;
    }
    for ( i = 0; i < UUID_TEXT_LEN; i += 2 )
    {
        if ( s[i] == '-' )
            i++;
        u[b++] = (uint8_t)(hex(s[i]) << 4 | hex(s[i + 1]));
    }
    return 0;
}
