/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_pctx.c - the parse context of coopvmm.conf: the list of errors,
 * each with its line, and the lines where sections and options were seen.
 *
 * Every step of the parse reports through here, so that all errors come
 * out together and in line order.  It must not judge a value or know the
 * options: it only keeps what the steps tell it.
 */
#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_pctx.h"

#define CONF_MAX_ERRORS 100     /* printed; the rest are counted */

struct perr {
    unsigned int line, seq;
    bool warning;
    char *msg;
};

static void add(struct pctx *p, unsigned int line, char *msg, bool warning)
{
    if ( p->quiet )
    {
        free(msg);
        return;
    }
    if ( !msg || GROW(p->err, p->nmsg, p->aerr) )
    {
        free(msg);
        p->oom = true;
        return;
    }
    p->err[p->nmsg].line = line;
    p->err[p->nmsg].seq = p->nmsg;
    p->err[p->nmsg].warning = warning;
    p->err[p->nmsg].msg = msg;
    p->nmsg++;
    if ( warning )
        p->nwarn++;
    else
        p->nerr++;
}

void conf_perr_add(struct pctx *p, unsigned int line, char *msg)
{
    add(p, line, msg, false);
}

static void vadd(struct pctx *p, unsigned int line, bool warning,
                 const char *fmt, va_list ap)
{
    char *msg;

    if ( vasprintf(&msg, fmt, ap) < 0 )
        msg = NULL;
    add(p, line, msg, warning);
}

void conf_pwarn(struct pctx *p, unsigned int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vadd(p, line, true, fmt, ap);
    va_end(ap);
}

void conf_perr(struct pctx *p, unsigned int line, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vadd(p, line, false, fmt, ap);
    va_end(ap);
}

static int perr_cmp(const void *a, const void *b)
{
    const struct perr *x = a, *y = b;

    if ( x->line != y->line )
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *conf_perr_text(struct pctx *p)
{
    size_t len = 0, off = 0;
    unsigned int i, shown = 0, more = 0;
    char *t;

    qsort(p->err, p->nmsg, sizeof(*p->err), perr_cmp);
    for ( i = 0; i < p->nmsg; i++ )
        len += strlen(p->name) + strlen(p->err[i].msg) + 32;
    t = malloc(len + strlen(p->name) + 64);
    if ( !t )
        return NULL;
    t[0] = '\0';
    for ( i = 0; i < p->nmsg; i++ )
    {
        const struct perr *e = &p->err[i];
        const char *w = e->warning ? "warning: " : "";

        /* Warnings about a file that has errors are noise. */
        if ( e->warning && p->nerr )
            continue;
        /* The same message twice at one line (a value checked twice). */
        if ( i && e->line == e[-1].line && !strcmp(e->msg, e[-1].msg) )
            continue;
        if ( shown++ >= CONF_MAX_ERRORS )
            more++;
        else if ( e->line )
            off += sprintf(t + off, "%s:%u: %s%s\n", p->name, e->line, w,
                           e->msg);
        else
            off += sprintf(t + off, "%s: %s%s\n", p->name, w, e->msg);
    }
    if ( more )
        sprintf(t + off, "%s: %u more %s\n", p->name, more,
                p->nerr ? "errors" : "warnings");
    return t;
}

void conf_pctx_free(struct pctx *p)
{
    unsigned int i;

    for ( i = 0; i < p->nmsg; i++ )
        free(p->err[i].msg);
    for ( i = 0; i < p->nsec; i++ )
        free(p->sec[i].title);
    for ( i = 0; i < p->nopt; i++ )
        free(p->opt[i].val);
    free(p->err);
    free(p->sec);
    free(p->opt);
}

int conf_sec_index(struct pctx *p, cfg_t *sec)
{
    long s = cfg_getint(sec, "__sec");

    return s >= 0 && s < (long)p->nsec ? (int)s : -1;
}

/* The head of a section's option list (-1: the top level). */
static int *opt_head(struct pctx *p, int sec)
{
    return sec >= 0 ? &p->sec[sec].opts : &p->root_opts;
}

struct popt *conf_opt_find(struct pctx *p, int sec, const char *name)
{
    int i;

    for ( i = *opt_head(p, sec); i >= 0; i = p->opt[i].next )
        if ( !strcmp(p->opt[i].name, name) )
            return &p->opt[i];
    return NULL;
}

int conf_opt_set(struct popt *o, unsigned int line, const char *val)
{
    free(o->val);
    o->line = line;
    o->val = val ? strdup(val) : NULL;
    return val && !o->val ? -ENOMEM : 0;
}

int conf_opt_add(struct pctx *p, int sec, const char *name,
                 unsigned int line, const char *val)
{
    struct popt *o;

    if ( GROW(p->opt, p->nopt, p->aopt) )
        return -ENOMEM;
    o = &p->opt[p->nopt];
    o->next = *opt_head(p, sec);
    *opt_head(p, sec) = p->nopt++;
    snprintf(o->name, sizeof(o->name), "%s", name);
    o->val = NULL;
    return conf_opt_set(o, line, val);
}
