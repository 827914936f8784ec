/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_int.h - what the files of the configuration parser share among
 * themselves: the parse context, its error list and the calls between
 * conf.c (driver, libconfuse callbacks), conf_prep.c (text preparation),
 * conf_check.c (values into struct conf) and conf_dump.c (the dump).
 *
 * Private to those files: nothing else may include it; the daemon sees
 * only conf.h.
 */
#ifndef COOPVMM_CONF_INT_H
#define COOPVMM_CONF_INT_H

#include <confuse.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "conf.h"

#define CONF_MAX_CLASS  256     /* tried in turn for every domain */
#define CONF_MAX_DOMAIN 1024
#define CONF_MAX_SEC    8192    /* libconfuse looks titles up linearly */
#define NS_MS           1000000ull
#define NS_S            (1000 * NS_MS)

enum sec_kind { SEC_NONE, SEC_CLASS, SEC_WHEN, SEC_DOMAIN };

struct perr;                    /* an error; conf.c's */

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
    unsigned int line;
};

struct pctx {
    const char *name;
    struct perr *err;
    unsigned int nerr, aerr;
    struct psec *sec;
    unsigned int nsec, asec;
    struct popt *opt;
    unsigned int nopt, aopt;
    int root_opts;              /* the top level's list of popt */
    unsigned int count[4];      /* sections by kind */
    int cur[4];                 /* last section opened, by kind */
    bool quiet;                 /* rebuilding what was checked already */
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

/* conf.c: errors, and where sections and options were seen. */
void __attribute__((format(printf, 3, 4)))
conf_perr(struct pctx *p, unsigned int line, const char *fmt, ...);
/* The pctx section a libconfuse section is, or -1; during a parse only. */
int conf_sec_index(cfg_t *sec);
struct popt *conf_opt_find(struct pctx *p, int sec, const char *name);

/* conf_prep.c */
char *conf_prep(struct pctx *p, const char *in, size_t len);
/* Would libconfuse take these n bytes whole as a bare word? */
bool conf_word_safe(const char *s, size_t n);

/* conf_check.c: values of a section or of the file into struct conf. */
extern const char *const conf_loglevels[];
void conf_build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c);
void conf_class_values(struct pctx *p, cfg_t *sec, struct policy_class *c);
void conf_override_values(struct pctx *p, cfg_t *sec,
                          struct policy_override *o);
int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c);
int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c);

#endif /* COOPVMM_CONF_INT_H */
