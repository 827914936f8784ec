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
    char *msg;
};

void conf_perr_add(struct pctx *p, unsigned int line, char *msg)
{
    if ( p->quiet )
    {
        free(msg);
        return;
    }
    if ( !msg || GROW(p->err, p->nerr, p->aerr) )
    {
        free(msg);
        p->oom = true;
        return;
    }
    p->err[p->nerr].line = line;
    p->err[p->nerr].seq = p->nerr;
    p->err[p->nerr].msg = msg;
    p->nerr++;
}

void conf_perr(struct pctx *p, unsigned int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if ( vasprintf(&msg, fmt, ap) < 0 )
        msg = NULL;
    va_end(ap);
    conf_perr_add(p, line, msg);
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
    unsigned int i;
    char *t;

    qsort(p->err, p->nerr, sizeof(*p->err), perr_cmp);
    for ( i = 0; i < p->nerr && i < CONF_MAX_ERRORS; i++ )
        len += strlen(p->name) + strlen(p->err[i].msg) + 16;
    t = malloc(len + strlen(p->name) + 64);
    if ( !t )
        return NULL;
    t[0] = '\0';
    for ( i = 0; i < p->nerr && i < CONF_MAX_ERRORS; i++ )
    {
        if ( p->err[i].line )
            off += sprintf(t + off, "%s:%u: %s\n", p->name, p->err[i].line,
                           p->err[i].msg);
        else
            off += sprintf(t + off, "%s: %s\n", p->name, p->err[i].msg);
    }
    if ( p->nerr > CONF_MAX_ERRORS )
        sprintf(t + off, "%s: %u more errors\n", p->name,
                p->nerr - CONF_MAX_ERRORS);
    return t;
}

void conf_pctx_free(struct pctx *p)
{
    unsigned int i;

    for ( i = 0; i < p->nerr; i++ )
        free(p->err[i].msg);
    for ( i = 0; i < p->nsec; i++ )
        free(p->sec[i].title);
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

int conf_opt_add(struct pctx *p, int sec, const char *name,
                 unsigned int line)
{
    struct popt *o;

    if ( GROW(p->opt, p->nopt, p->aopt) )
        return -ENOMEM;
    o = &p->opt[p->nopt];
    o->next = *opt_head(p, sec);
    *opt_head(p, sec) = p->nopt++;
    snprintf(o->name, sizeof(o->name), "%s", name);
    o->line = line;
    return 0;
}
