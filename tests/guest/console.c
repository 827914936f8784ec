/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Report lines through port 0xe9, each carrying the running count of console
 * bytes (see console.h).  Lines are built in a buffer first so that the
 * count can include the line itself; nothing else in the guest writes 0xe9.
 */
#include "console.h"
#include "lib.h"

#define XEN_HVM_DEBUGCONS_IOPORT 0xe9
/*
 * Xen prints a guest line when it has 199 (DOMAIN_PBUF_SIZE - 1) characters
 * or at '\n': 183 + " con=NNNNNNNNNN" = 198 keeps a line whole.
 */
#define CON_LINE_MAX 183
#define CON_TAIL " con=0000000000\n"    /* fixed width: length is known */

static char line[CON_LINE_MAX + sizeof(CON_TAIL)];
static uint32_t line_len;
static uint32_t total_bytes;

void con_begin(const char *tag)
{
    line_len = 0;
    con_str(tag);
}

void con_strn(const char *s, uint32_t n)
{
    uint32_t i;

    for ( i = 0; i < n && s[i]; i++ )
    {
        if ( line_len == CON_LINE_MAX )
        {
            /* Truncated: say so with a final '~'. */
            line[CON_LINE_MAX - 1] = '~';
            return;
        }
        char c = s[i];

        /* Keep one report per line whatever the command line holds. */
        if ( c == '\n' || c == '\r' )
            c = ' ';
        line[line_len++] = c;
    }
}

void con_str(const char *s)
{
    con_strn(s, CON_LINE_MAX);
}

void con_u64(uint64_t v)
{
    char b[21];
    int i = sizeof(b);
    uint64_t r;

    b[--i] = 0;
    do {
        v = udivmod64(v, 10, &r);
        b[--i] = '0' + (char)r;
    } while ( v );
    con_str(&b[i]);
}

void con_hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    char b[11];
    int i = sizeof(b);

    b[--i] = 0;
    do {
        b[--i] = digits[v & 0xf];
        v >>= 4;
    } while ( v );
    b[--i] = 'x';
    b[--i] = '0';
    con_str(&b[i]);
}

void con_kv(const char *key, uint64_t v)
{
    con_str(" ");
    con_str(key);
    con_str("=");
    con_u64(v);
}

void con_kx(const char *key, uint32_t v)
{
    con_str(" ");
    con_str(key);
    con_str("=");
    con_hex(v);
}

void con_end(void)
{
    uint32_t i, n = total_bytes + line_len + sizeof(CON_TAIL) - 1;
    char *digits;

    for ( i = 0; i < sizeof(CON_TAIL) - 1; i++ )
        line[line_len + i] = CON_TAIL[i];
    /* Fill the ten zeros of CON_TAIL, right to left. */
    digits = &line[line_len + sizeof(" con=") - 1];
    for ( i = 10; i-- > 0; n /= 10 )
        digits[i] = '0' + (char)(n % 10);
    line_len += sizeof(CON_TAIL) - 1;

    for ( i = 0; i < line_len; i++ )
        outb(XEN_HVM_DEBUGCONS_IOPORT, (uint8_t)line[i]);
    total_bytes += line_len;
    line_len = 0;
}

uint32_t con_bytes(void)
{
    return total_bytes;
}
