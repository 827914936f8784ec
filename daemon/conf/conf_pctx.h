/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_pctx.h - the parse context of coopvmm.conf, shared by the steps of
 * the parse (conf.c, conf_prep.c, conf_check.c): the error list, and
 * where each section and option was seen (conf_pctx.c).
 *
 * Private to the configuration parser: the daemon sees only conf.h.
 */
#ifndef COOPVMM_CONF_PCTX_H
#define COOPVMM_CONF_PCTX_H

#include <confuse.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define CONF_MAX_CLASS  256     /* tried in turn for every domain */
#define CONF_MAX_DOMAIN 1024
#define CONF_MAX_SEC    8192    /* libconfuse looks titles up linearly */

enum sec_kind { SEC_NONE, SEC_CLASS, SEC_WHEN, SEC_DOMAIN };

struct perr;                    /* an error; conf_pctx.c's */

struct psec {                   /* a section, as conf_prep() saw it open */
    unsigned int line;
    enum sec_kind kind;
    int parent;                 /* class of a `when`, else -1 */
    char *title;
    bool checked;               /* its values were checked at its close */
    int opts;                   /* its first popt, a list through next */
};

struct popt {                   /* where an option was set */
    int next;
    char name[32];
    unsigned int line;          /* the last time */
    char *val;                  /* its value then (strings), or NULL */
};

struct pctx {
    const char *name;
    struct perr *err;           /* errors and warnings */
    unsigned int nmsg, aerr;
    unsigned int nerr, nwarn;   /* of each kind */
    struct psec *sec;
    unsigned int nsec, asec;
    struct popt *opt;
    unsigned int nopt, aopt;
    int root_opts;              /* the top level's list of popt */
    unsigned int count[4];      /* sections by kind */
    int cur[4];                 /* last section opened, by kind */
    bool quiet;                 /* rebuilding what was checked already */
    bool system;                /* check against this host (groups) too */
    bool oom;
};

/* Make room for element n in arr (*alloc elements of sz); NULL: no memory. */
static inline void *conf_grow(void *arr, unsigned int n, unsigned int *alloc,
                              size_t sz)
{
    void *q;
    unsigned int na;

    if ( n < *alloc )
        return arr;
    na = *alloc ? *alloc * 2 : 16;
    q = realloc(arr, (size_t)na * sz);
    if ( q )
        *alloc = na;
    return q;
}

#define GROW(arr, n, alloc) ({                                      \
    void *q_ = conf_grow(arr, n, &(alloc), sizeof(*(arr)));          \
    if ( q_ )                                                       \
        (arr) = q_;                                                 \
    q_ ? 0 : -ENOMEM;                                               \
})

/* An error at `line` (0: the file as a whole). */
void __attribute__((format(printf, 3, 4)))
conf_perr(struct pctx *p, unsigned int line, const char *fmt, ...);
/* The same with a malloc'd message, which p owns from now (NULL: ENOMEM). */
void conf_perr_add(struct pctx *p, unsigned int line, char *msg);
/* A warning: the file is valid, but does not do what it seems to. */
void __attribute__((format(printf, 3, 4)))
conf_pwarn(struct pctx *p, unsigned int line, const char *fmt, ...);
/*
 * All errors, in line order, one "file:line: message" per line (at most
 * CONF_MAX_ERRORS, then a count); if there are none, all warnings
 * ("file:line: warning: message").  Malloc'd, NULL when out of memory.
 */
char *conf_perr_text(struct pctx *p);
/* Free what p holds (not p). */
void conf_pctx_free(struct pctx *p);

/* The pctx section a libconfuse section is, or -1. */
int conf_sec_index(struct pctx *p, cfg_t *sec);
/* Where option `name` was set in section `sec` (-1: top level), or NULL. */
struct popt *conf_opt_find(struct pctx *p, int sec, const char *name);
/* Remember that option `name` is set at `line` to `val` (NULL: not a
 * string).  0 or -ENOMEM. */
int conf_opt_add(struct pctx *p, int sec, const char *name,
                 unsigned int line, const char *val);
/* It was set again. 0 or -ENOMEM. */
int conf_opt_set(struct popt *o, unsigned int line, const char *val);

#endif /* COOPVMM_CONF_PCTX_H */
