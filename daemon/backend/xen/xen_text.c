/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_text.c - parsers of the kernel's text that the xen backend reads
 * each poll or at churn (see xen_text.h for the formats).
 *
 * The input is whatever the file held, read with one pread into a
 * buffer that is not NUL-terminated: every parser stops at `len`, takes
 * digits only where numbers belong, refuses values past 64 bits, and
 * touches its outputs only on success.  No libc call here depends on a
 * terminating NUL.
 */
#include <errno.h>
#include <string.h>

#include "xen_text.h"

/*
 * A decimal number at buf[*i], up to len: at least one digit, no sign,
 * no overflow.  *i moves past it.
 */
static int num(const char *buf, size_t len, size_t *i, uint64_t *v)
{
    uint64_t x = 0;
    size_t start = *i;

    while ( *i < len && buf[*i] >= '0' && buf[*i] <= '9' )
    {
        unsigned int d = buf[*i] - '0';

        if ( x > (UINT64_MAX - d) / 10 )
            return -EINVAL;
        x = x * 10 + d;
        (*i)++;
    }
    if ( *i == start )
        return -EINVAL;
    *v = x;
    return 0;
}

static void blanks(const char *buf, size_t len, size_t *i)
{
    while ( *i < len && (buf[*i] == ' ' || buf[*i] == '\t') )
        (*i)++;
}

/* Only an optional newline may follow: the rest of a sysfs/proc value. */
static bool at_end(const char *buf, size_t len, size_t i)
{
    return i == len || (i + 1 == len && buf[i] == '\n');
}

int xen_text_schedstat(const char *buf, size_t len, uint64_t *run_ns,
                       uint64_t *wait_ns, uint64_t *runs)
{
    uint64_t v[3];
    size_t i = 0;
    unsigned int k;

    for ( k = 0; k < 3; k++ )
    {
        if ( k )
        {
            if ( i >= len || buf[i] != ' ' )
                return -EINVAL;
            i++;
        }
        if ( num(buf, len, &i, &v[k]) )
            return -EINVAL;
    }
    if ( !at_end(buf, len, i) )
        return -EINVAL;
    *run_ns = v[0];
    *wait_ns = v[1];
    *runs = v[2];
    return 0;
}

int xen_text_stat_start(const char *buf, size_t len, uint64_t *start)
{
    size_t i, paren = len;
    unsigned int field;
    uint64_t v = 0;

    for ( i = 0; i < len; i++ )
        if ( buf[i] == ')' )
            paren = i;
    if ( paren == len )
        return -EINVAL;
    /* After "(comm)" comes field 3 (state); field 22 is the start time. */
    i = paren + 1;
    for ( field = 3; field <= 22; field++ )
    {
        if ( i >= len || buf[i] != ' ' )
            return -EINVAL;
        i++;
        if ( field == 3 )
        {
            /* The state: one letter. */
            if ( i >= len || buf[i] == ' ' )
                return -EINVAL;
            i++;
            continue;
        }
        /* Some fields are signed (priority, nice, tty). */
        if ( field != 22 && i < len && buf[i] == '-' )
            i++;
        if ( num(buf, len, &i, &v) )
            return -EINVAL;
    }
    if ( i < len && buf[i] != ' ' && buf[i] != '\n' )
        return -EINVAL;
    *start = v;
    return 0;
}

int xen_text_cmdline_domid(const char *buf, size_t len, uint32_t *domid)
{
    static const char opt[] = "-xen-domid";
    size_t i = 0, end, n;
    uint64_t v;

    while ( i < len )
    {
        for ( end = i; end < len && buf[end]; end++ )
            ;
        if ( end - i == sizeof(opt) - 1 && !memcmp(buf + i, opt, end - i) )
        {
            /* The next argument is the domid, alone. */
            i = end + 1;
            if ( i >= len )
                return -EINVAL;
            n = i;
            if ( num(buf, len, &n, &v) || (n < len && buf[n]) ||
                 v > UINT32_MAX )
                return -EINVAL;
            *domid = v;
            return 0;
        }
        i = end + 1;
    }
    return -ENOENT;
}

int xen_text_u64(const char *buf, size_t len, uint64_t *v)
{
    size_t i = 0;
    uint64_t x;

    if ( num(buf, len, &i, &x) || !at_end(buf, len, i) )
        return -EINVAL;
    *v = x;
    return 0;
}

/* A whole NUL-terminated string of digits that fits 32 bits. */
static int num32(const char *s, size_t len, uint32_t *v)
{
    size_t i = 0;
    uint64_t x;

    if ( num(s, len, &i, &x) || i != len || x > UINT32_MAX )
        return -EINVAL;
    *v = x;
    return 0;
}

int xen_text_backend_name(const char *name, const char *kind,
                          uint32_t *domid, uint32_t *dev)
{
    size_t kl = strlen(kind), nl = strlen(name);
    const char *dash;
    uint32_t d, n;

    if ( nl <= kl + 1 || memcmp(name, kind, kl) || name[kl] != '-' )
        return -EINVAL;
    name += kl + 1;
    nl -= kl + 1;
    dash = memchr(name, '-', nl);
    if ( !dash || num32(name, dash - name, &d) ||
         num32(dash + 1, nl - (dash + 1 - name), &n) )
        return -EINVAL;
    *domid = d;
    *dev = n;
    return 0;
}

int xen_text_vif_name(const char *name, uint32_t *domid, uint32_t *dev,
                      bool *emu)
{
    size_t nl = strlen(name), end;
    const char *dot;
    uint32_t d, n;
    bool e = false;

    if ( nl < 6 || memcmp(name, "vif", 3) )
        return -EINVAL;
    end = nl;
    if ( nl > 4 && !strcmp(name + nl - 4, "-emu") )
    {
        e = true;
        end = nl - 4;
    }
    dot = memchr(name + 3, '.', end - 3);
    if ( !dot || num32(name + 3, dot - (name + 3), &d) ||
         num32(dot + 1, end - (dot + 1 - name), &n) )
        return -EINVAL;
    *domid = d;
    *dev = n;
    *emu = e;
    return 0;
}

/*
 * One line "  NAME: rx_bytes rx_packets errs drop fifo frame compressed
 * multicast tx_bytes tx_packets errs drop fifo colls carrier compressed"
 * in buf[0..len), without its newline.
 */
static int netdev_line(const char *buf, size_t len, struct xen_netdev *out)
{
    const char *colon = memchr(buf, ':', len);
    uint64_t v[16];
    size_t i = 0, nb, ne;
    unsigned int k;

    if ( !colon || memchr(buf, '|', len) )
        return -EINVAL;
    blanks(buf, len, &i);
    nb = i;
    ne = colon - buf;
    while ( ne > nb && buf[ne - 1] == ' ' )
        ne--;
    if ( ne == nb || ne - nb >= sizeof(out->name) ||
         memchr(buf + nb, ' ', ne - nb) || memchr(buf + nb, '\0', ne - nb) )
        return -EINVAL;
    i = colon - buf + 1;
    for ( k = 0; k < 16; k++ )
    {
        blanks(buf, len, &i);
        if ( num(buf, len, &i, &v[k]) )
            return -EINVAL;
    }
    blanks(buf, len, &i);
    if ( i != len )
        return -EINVAL;
    memcpy(out->name, buf + nb, ne - nb);
    out->name[ne - nb] = '\0';
    out->rx_bytes = v[0];
    out->rx_pkts = v[1];
    out->tx_bytes = v[8];
    out->tx_pkts = v[9];
    return 0;
}

int xen_text_netdev_next(const char *buf, size_t len, size_t *pos,
                         struct xen_netdev *out)
{
    while ( *pos < len )
    {
        const char *line = buf + *pos;
        const char *nl = memchr(line, '\n', len - *pos);
        size_t ll;

        if ( !nl )
        {
            *pos = len;         /* cut short: not a whole line */
            return 0;
        }
        ll = nl - line;
        *pos += ll + 1;
        /* The two header lines hold '|'; they are no interface. */
        if ( memchr(line, '|', ll) )
            continue;
        return netdev_line(line, ll, out) ? -EINVAL : 1;
    }
    return 0;
}
