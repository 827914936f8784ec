/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_names.c - domain names fitted into a column of `top`: the width of
 * UTF-8 text in the terminal, a cut that shows (head, marker, tail:
 * numbered names differ at the end), and never two different names
 * shown the same (then "#DOMID" tells them apart).
 *
 * Names come from the daemon already cleaned of control characters and
 * invalid UTF-8 (metrics_clean_text); this file only measures and cuts.
 */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ctl_names.h"

#define MAX_CHARS   64          /* POLICY_NAME_MAX: longer names are cut */

struct ch {
    const char *p;              /* first byte */
    int len, w;                 /* bytes, columns */
};

static bool utf8_locale(void)
{
    return !strcmp(nl_langinfo(CODESET), "UTF-8");
}

/* Split `s` into characters (at most MAX_CHARS); returns how many. */
static unsigned int split(const char *s, struct ch *c, bool utf8)
{
    mbstate_t ps;
    unsigned int n = 0;
    size_t left = strlen(s), r;
    wchar_t wc;
    int w;

    memset(&ps, 0, sizeof(ps));
    while ( left && n < MAX_CHARS )
    {
        r = utf8 ? mbrtowc(&wc, s, left, &ps) : 1;
        if ( r == (size_t)-1 || r == (size_t)-2 || r == 0 )
        {
            memset(&ps, 0, sizeof(ps));
            r = 1;
            w = 1;
        }
        else
            w = utf8 ? wcwidth(wc) : 1;
        c[n++] = (struct ch){ .p = s, .len = (int)r, .w = w < 0 ? 1 : w };
        s += r;
        left -= r;
    }
    return n;
}

size_t ctl_display_width(const char *s)
{
    struct ch c[MAX_CHARS];
    unsigned int i, n = split(s, c, utf8_locale());
    size_t w = 0;

    for ( i = 0; i < n; i++ )
        w += (size_t)c[i].w;
    return w;
}

/* Append characters [from, to) of c[] to out; '?' for non-ASCII if !utf8. */
static size_t put(char *out, size_t off, const struct ch *c, unsigned int from,
                  unsigned int to, bool utf8)
{
    unsigned int i;
    int k;

    for ( i = from; i < to; i++ )
    {
        if ( !utf8 && (unsigned char)c[i].p[0] >= 0x80 )
            out[off++] = '?';
        else
            for ( k = 0; k < c[i].len; k++ )
                out[off++] = c[i].p[k];
    }
    out[off] = '\0';
    return off;
}

/*
 * One name into `width` columns; with `suffix` (e.g. "#12") the tail is
 * replaced by it, the cut always shown.
 */
static void fit(char *out, const char *name, int width, const char *suffix)
{
    bool utf8 = utf8_locale();
    const char *mark = utf8 ? "\xe2\x80\xa6" : "~";
    struct ch c[MAX_CHARS];
    unsigned int n = split(name, c, utf8), h = 0, t;
    int total = 0, head, tail, sw = suffix ? (int)strlen(suffix) : 0;
    size_t off;
    unsigned int i;

    for ( i = 0; i < n; i++ )
        total += c[i].w;
    if ( !suffix && total <= width && n < MAX_CHARS )
    {
        put(out, 0, c, 0, n, utf8);
        return;
    }
    if ( suffix && sw + 1 >= width )
    {
        snprintf(out, CTL_FIT_MAX, "%s", suffix);
        return;
    }
    tail = suffix ? 0 : (width - 1) / 3;
    head = width - 1 - tail - sw;
    for ( total = 0; h < n && total + c[h].w <= head; h++ )
        total += c[h].w;
    for ( t = n, total = 0; !suffix && t > h && total + c[t - 1].w <= tail;
          t-- )
        total += c[t - 1].w;
    off = put(out, 0, c, 0, h, utf8);
    off += (size_t)snprintf(out + off, CTL_FIT_MAX - off, "%s", mark);
    if ( suffix )
        snprintf(out + off, CTL_FIT_MAX - off, "%s", suffix);
    else
        put(out, off, c, t, n, utf8);
}

void ctl_fit_names(char (*out)[CTL_FIT_MAX], const char *const *names,
                   const long long *domids, unsigned int n, int width)
{
    char id[24];
    bool *byid = calloc(n ? n : 1, sizeof(*byid)), again = true;
    unsigned int i, j;

    if ( width < 1 )
        width = 1;
    if ( width > MAX_CHARS )
        width = MAX_CHARS;
    for ( i = 0; i < n; i++ )
        fit(out[i], names[i], width, NULL);
    /* Rows shown by id are unique (domids are); repeat until none clash. */
    while ( again && byid )
    {
        again = false;
        for ( i = 0; i < n; i++ )
            for ( j = i + 1; j < n; j++ )
            {
                if ( strcmp(out[i], out[j]) || !strcmp(names[i], names[j]) )
                    continue;
                for ( unsigned int k = 0; k < 2; k++ )
                {
                    unsigned int r = k ? j : i;

                    if ( byid[r] )
                        continue;
                    snprintf(id, sizeof(id), "#%lld", domids[r]);
                    fit(out[r], names[r], width, id);
                    byid[r] = again = true;
                }
            }
    }
    free(byid);
}
