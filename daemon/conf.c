/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.c - read coopvmm.conf (libconfuse) into a struct conf, validate it
 * and print the effective configuration.
 *
 * Parsing happens in three steps:
 *  1. conf_prep() copies the text, dropping comments and quoting bare words
 *     libconfuse would split (`web*`), and injects `__sec=N` after the
 *     opening brace of each section so every section knows the line it
 *     starts on.  Newlines are kept, so libconfuse's line numbers stay
 *     right (libconfuse 3.3 miscounts lines after `#` comments).
 *  2. libconfuse parses it.  Validate callbacks record the line of every
 *     option, catch duplicate sections and options, and check the values
 *     of each class, `when` and domain block as it closes, before a
 *     duplicate title can make libconfuse replace it.  A syntax error
 *     stops the parse; the globals set before it are still checked.
 *  3. conf_build() converts every value into struct conf, checking the
 *     globals and the pins (a class may follow the domain naming it).
 * Every error is collected with its line, and all are returned in line
 * order.  Not reentrant: libconfuse's callbacks carry no context.
 * This file must not touch the running daemon: it only builds a new conf.
 */
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "conf.h"

#define CONF_MAX_SIZE   (1u << 20)
#define CONF_MAX_CLASS  256     /* tried in turn for every domain */
#define CONF_MAX_DOMAIN 1024
#define CONF_MAX_SEC    8192    /* libconfuse looks titles up linearly */
#define CONF_MAX_ERRORS 100     /* printed; the rest are counted */
#define NS_MS           1000000ull
#define NS_S            (1000 * NS_MS)

enum sec_kind { SEC_NONE, SEC_CLASS, SEC_WHEN, SEC_DOMAIN };

struct perr {
    unsigned int line, seq;
    char *msg;
};

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

/* libconfuse callbacks carry no user pointer: the parse in progress. */
static struct pctx *cur;

static const char *const loglevels[] = {
    [CONF_LOG_ERR] = "err", [CONF_LOG_WARNING] = "warning",
    [CONF_LOG_NOTICE] = "notice", [CONF_LOG_INFO] = "info",
    [CONF_LOG_DEBUG] = "debug",
};

/* Make room for element n in arr (*alloc elements of sz); NULL: no memory. */
static void *grow(void *arr, unsigned int n, unsigned int *alloc, size_t sz)
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
    void *q_ = grow(arr, n, &(alloc), sizeof(*(arr)));               \
    if ( q_ )                                                       \
        (arr) = q_;                                                 \
    q_ ? 0 : -ENOMEM;                                               \
})

static void perr_add(struct pctx *p, unsigned int line, char *msg)
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

static void __attribute__((format(printf, 3, 4)))
perr(struct pctx *p, unsigned int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if ( vasprintf(&msg, fmt, ap) < 0 )
        msg = NULL;
    va_end(ap);
    perr_add(p, line, msg);
}

static void conf_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
    char *msg;

    if ( !cur )
        return;
    if ( vasprintf(&msg, fmt, ap) < 0 )
        msg = NULL;
    perr_add(cur, cfg && cfg->line > 0 ? (unsigned int)cfg->line : 0, msg);
}

static int perr_cmp(const void *a, const void *b)
{
    const struct perr *x = a, *y = b;

    if ( x->line != y->line )
        return x->line < y->line ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* All errors, in line order, one "file:line: message" per line. */
static char *perr_text(struct pctx *p)
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

static void pctx_free(struct pctx *p)
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

/* ------------------------------------------------------------ step 1 */

struct buf {
    char *p;
    size_t n, a;
};

static int put(struct buf *b, const char *s, size_t n)
{
    if ( b->n + n + 1 > b->a )
    {
        size_t na = (b->a ? b->a : 256);
        char *q;

        while ( na < b->n + n + 1 )
            na *= 2;
        q = realloc(b->p, na);
        if ( !q )
            return -ENOMEM;
        b->p = q;
        b->a = na;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

#define WORD_END    " \t\r\n{}=,()\"'#"
#define WORD_SAFE   "_.-/%:@"

static bool word_safe(const char *s, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( !isalnum((unsigned char)s[i]) && !strchr(WORD_SAFE, s[i]) )
            return false;
    return true;
}

/* Copy a bare word, quoted if libconfuse would not take it whole. */
static int put_word(struct buf *b, const char *s, size_t n)
{
    size_t i;
    int rc = 0;

    if ( word_safe(s, n) )
        return put(b, s, n);
    rc |= put(b, "\"", 1);
    for ( i = 0; i < n; i++ )
    {
        if ( s[i] == '\\' )
            rc |= put(b, "\\", 1);
        rc |= put(b, s + i, 1);
    }
    return rc | put(b, "\"", 1);
}

/* Length of the quoted string at s (up to the closing quote, included). */
static size_t quoted_len(const char *s, size_t len, unsigned int *lines)
{
    size_t i;

    for ( i = 1; i < len && s[i] != s[0]; i++ )
    {
        if ( s[i] == '\n' )
            (*lines)++;
        if ( s[i] == '\\' && i + 1 < len )
        {
            i++;
            if ( s[i] == '\n' )
                (*lines)++;
        }
    }
    return i < len ? i + 1 : len;
}

/* Comment length at s, or 0 if s does not start a comment. */
static size_t comment_len(const char *s, size_t len, unsigned int *lines,
                          bool *open)
{
    size_t i = 0;

    *open = false;
    if ( s[0] == '#' || (len > 1 && s[0] == '/' && s[1] == '/') )
    {
        while ( i < len && s[i] != '\n' )
            i++;
        return i;
    }
    if ( len < 2 || s[0] != '/' || s[1] != '*' )
        return 0;
    for ( i = 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++ )
        if ( s[i] == '\n' )
            (*lines)++;
    if ( i + 1 < len )
        return i + 2;
    *open = true;
    if ( i < len && s[i] == '\n' )
        (*lines)++;
    return len;
}

static int add_sec(struct pctx *p, unsigned int line)
{
    if ( p->nsec >= CONF_MAX_SEC )
    {
        perr(p, line, "more than %u blocks", CONF_MAX_SEC);
        return -E2BIG;
    }
    if ( GROW(p->sec, p->nsec, p->asec) )
    {
        p->oom = true;
        return -ENOMEM;
    }
    p->sec[p->nsec].line = line;
    p->sec[p->nsec].kind = SEC_NONE;
    p->sec[p->nsec].parent = -1;
    p->sec[p->nsec].title = NULL;
    p->sec[p->nsec].checked = false;
    p->sec[p->nsec].opts = -1;
    return p->nsec++;
}

/*
 * The text libconfuse parses.  Tokens are tracked only to recognise a
 * section header, `KEYWORD TITLE {`, and a value or title position.
 */
static char *conf_prep(struct pctx *p, const char *in, size_t len)
{
    struct buf b = { 0 };
    unsigned int line = 1, l1 = 0, l2 = 0;
    char k1 = 0, k2 = 0;        /* last two tokens: 'w'ord, or the char */
    size_t i = 0, n;
    int rc = put(&b, "", 0);
    const char *nul = memchr(in, '\0', len);

    if ( nul )
    {
        for ( ; in < nul; in++ )
            line += *in == '\n';
        perr(p, line, "NUL byte in the file");
        free(b.p);
        return NULL;
    }
    while ( !rc && i < len )
    {
        unsigned int start = line;
        char c = in[i];
        bool open;

        if ( strchr(" \t\r\n", c) )
        {
            line += c == '\n';
            rc = put(&b, in + i++, 1);
            continue;
        }
        n = comment_len(in + i, len - i, &line, &open);
        if ( n )
        {
            unsigned int k;

            if ( open )
                perr(p, start, "unterminated comment");
            rc = put(&b, " ", 1);
            for ( k = start; !rc && k < line; k++ )
                rc = put(&b, "\n", 1);
            i += n;
            continue;
        }
        if ( c == '"' || c == '\'' )
        {
            n = quoted_len(in + i, len - i, &line);
            rc = put(&b, in + i, n);
            i += n;
            c = 'w';
        }
        else if ( strchr("{}=,()", c) )
        {
            if ( c == '{' && k1 == 'w' && k2 == 'w' )
            {
                int s = add_sec(p, l2);
                char inj[32];

                if ( s < 0 )
                {
                    free(b.p);
                    return NULL;
                }
                rc = put(&b, inj, snprintf(inj, sizeof(inj),
                                            "{__sec=%d ", s));
            }
            else
                rc = put(&b, in + i, 1);
            i++;
        }
        else
        {
            for ( n = 0; i + n < len && in[i + n] &&
                         !strchr(WORD_END, in[i + n]); n++ )
                ;
            if ( n == 5 && !memcmp(in + i, "__sec", 5) )
                perr(p, line, "no such option '__sec'");
            if ( k1 == '=' || k1 == 'w' )
                rc = put_word(&b, in + i, n);
            else
                rc = put(&b, in + i, n);
            i += n;
            c = 'w';
        }
        k2 = k1;
        l2 = l1;
        k1 = c;
        l1 = start;
    }
    if ( rc || i < len )
    {
        p->oom = true;
        free(b.p);
        return NULL;
    }
    return b.p;
}

/* ------------------------------------------------------------ step 2 */

static int sec_index(cfg_t *sec)
{
    long s = cfg_getint(sec, "__sec");

    return s >= 0 && s < (long)cur->nsec ? (int)s : -1;
}

/* The head of a section's option list (-1: the top level). */
static int *opt_head(struct pctx *p, int sec)
{
    return sec >= 0 ? &p->sec[sec].opts : &p->root_opts;
}

static struct popt *opt_find(struct pctx *p, int sec, const char *name)
{
    int i;

    for ( i = *opt_head(p, sec); i >= 0; i = p->opt[i].next )
        if ( !strcmp(p->opt[i].name, name) )
            return &p->opt[i];
    return NULL;
}

static int v_close(cfg_opt_t *opt);

/* The class a `when` section sits in, or "" if it is not known. */
static const char *parent_title(struct pctx *p, int n)
{
    int k = p->sec[n].parent;

    return k >= 0 && p->sec[k].title ? p->sec[k].title : "";
}

/* Every option: remember its line; an option set twice is an error. */
static int v_opt(cfg_t *cfg, cfg_opt_t *opt)
{
    int sec = sec_index(cfg);
    struct popt *o;

    if ( opt->type == CFGT_SEC )
        return v_close(opt);
    o = opt_find(cur, sec, opt->name);
    if ( o )
    {
        perr(cur, (unsigned int)cfg->line, "'%s' is already set at line %u",
             opt->name, o->line);
        return 0;
    }
    if ( GROW(cur->opt, cur->nopt, cur->aopt) )
    {
        cur->oom = true;
        return 0;
    }
    o = &cur->opt[cur->nopt];
    o->next = *opt_head(cur, sec);
    *opt_head(cur, sec) = cur->nopt++;
    snprintf(o->name, sizeof(o->name), "%s", opt->name);
    o->line = (unsigned int)cfg->line;
    return 0;
}

/* `__sec`, first thing in each section: its kind, title; duplicates. */
static int v_sec(cfg_t *cfg, cfg_opt_t *opt)
{
    static const unsigned int max[] = {
        [SEC_CLASS] = CONF_MAX_CLASS, [SEC_WHEN] = CONF_MAX_SEC,
        [SEC_DOMAIN] = CONF_MAX_DOMAIN,
    };
    int n = sec_index(cfg), i;
    struct psec *s;

    (void)opt;
    if ( n < 0 || cur->sec[n].kind != SEC_NONE )
        return 0;
    s = &cur->sec[n];
    s->kind = !strcmp(cfg->name, "class") ? SEC_CLASS :
              !strcmp(cfg->name, "when") ? SEC_WHEN : SEC_DOMAIN;
    s->title = strdup(cfg->title ? cfg->title : "");
    if ( !s->title )
    {
        cur->oom = true;
        return 0;
    }
    cur->cur[s->kind] = n;
    if ( s->kind == SEC_WHEN )
        s->parent = cur->cur[SEC_CLASS];
    if ( ++cur->count[s->kind] > max[s->kind] )
    {
        if ( cur->count[s->kind] == max[s->kind] + 1 )
            perr(cur, s->line, "more than %u %s blocks", max[s->kind],
                 cfg->name);
        return 0;
    }
    /* The `when` blocks of a class follow it. */
    for ( i = s->parent + 1; i < n; i++ )
    {
        struct psec *o = &cur->sec[i];

        if ( o->kind != s->kind || o->parent != s->parent ||
             !o->title || strcmp(o->title, s->title) )
            continue;
        if ( s->kind == SEC_WHEN )
            perr(cur, s->line, "duplicate condition 'when %s' in class '%s'"
                 " (first at line %u)", s->title, parent_title(cur, n),
                 o->line);
        else
            perr(cur, s->line, "duplicate %s '%s' (first at line %u)",
                 cfg->name, s->title, o->line);
        break;
    }
    return 0;
}

static void set_validators(cfg_opt_t *opts)
{
    int i;

    for ( i = 0; opts[i].name; i++ )
    {
        if ( !strcmp(opts[i].name, "__sec") )
            opts[i].validcb = v_sec;
        else
        {
            if ( opts[i].type == CFGT_SEC )
                set_validators(opts[i].subopts);
            opts[i].validcb = v_opt;
        }
    }
}

/* ------------------------------------------------------------ values */

static bool all_digits(const char *s, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( !isdigit((unsigned char)s[i]) )
            return false;
    return n > 0;
}

/* Decimal digits to a number; -ERANGE past `max`. */
static int to_u64(const char *s, size_t n, uint64_t max, uint64_t *v)
{
    uint64_t x = 0;
    size_t i;

    if ( !all_digits(s, n) )
        return -EINVAL;
    for ( i = 0; i < n; i++ )
    {
        if ( x > (max - (uint64_t)(s[i] - '0')) / 10 )
            return -ERANGE;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    return 0;
}

int conf_parse_duration(const char *s, uint64_t *ns, const char **why)
{
    static const struct { const char *u; uint64_t ns; } units[] = {
        { "ms", NS_MS }, { "s", NS_S }, { "m", 60 * NS_S },
        { "h", 3600 * NS_S },
    };
    size_t n = strspn(s, "0123456789");
    uint64_t v;
    unsigned int i;

    if ( n == 0 )
    {
        *why = "is not a duration (e.g. 500ms, 2s, 1m, 1h)";
        return -EINVAL;
    }
    if ( s[n] == '\0' )
    {
        *why = "needs a unit (ms, s, m or h)";
        return -EINVAL;
    }
    for ( i = 0; i < sizeof(units) / sizeof(units[0]); i++ )
    {
        if ( strcmp(s + n, units[i].u) )
            continue;
        if ( to_u64(s, n, UINT64_MAX / units[i].ns, &v) )
        {
            *why = "is too large";
            return -ERANGE;
        }
        *ns = v * units[i].ns;
        return 0;
    }
    *why = "has an unknown unit (use ms, s, m or h)";
    return -EINVAL;
}

/* N or N%: *pct tells which; -EINVAL if neither, -ERANGE if huge. */
static int num_pct(const char *s, uint32_t *v, bool *pct)
{
    size_t n = strlen(s);
    uint64_t x;
    int rc;

    *pct = n > 0 && s[n - 1] == '%';
    rc = to_u64(s, n - *pct, UINT32_MAX, &x);
    if ( !rc )
        *v = (uint32_t)x;
    return rc;
}

int conf_parse_weight(const char *s, enum policy_weight_kind *kind,
                      uint32_t *v, const char **why)
{
    bool pct;
    int rc;

    if ( !strcmp(s, "keep") )
    {
        *kind = POLICY_WEIGHT_KEEP;
        *v = 0;
        return 0;
    }
    rc = num_pct(s, v, &pct);
    if ( rc == -EINVAL )
    {
        *why = "is not keep, N (1..65535) or N% (1%..10000%)";
        return rc;
    }
    if ( rc || (pct ? *v < 1 || *v > 10000 :
                      *v < POLICY_WEIGHT_MIN || *v > POLICY_WEIGHT_MAX) )
    {
        *why = pct ? "is out of range (1%..10000%)" :
                     "is out of range (1..65535)";
        return -ERANGE;
    }
    *kind = pct ? POLICY_WEIGHT_PCT : POLICY_WEIGHT_ABS;
    return 0;
}

int conf_parse_cap(const char *s, enum policy_cap_kind *kind, uint32_t *v,
                   const char **why)
{
    bool pct;
    int rc;

    *v = 0;
    if ( !strcmp(s, "keep") || !strcmp(s, "none") )
    {
        *kind = s[0] == 'k' ? POLICY_CAP_KEEP : POLICY_CAP_NONE;
        return 0;
    }
    rc = num_pct(s, v, &pct);
    if ( rc == -EINVAL )
    {
        *why = "is not keep, none, N (0..12800) or N% (1%..100%)";
        return rc;
    }
    if ( rc || (pct ? *v < 1 || *v > 100 : *v > 12800) )
    {
        *why = pct ? "is out of range (1%..100%)" :
                     "is out of range (0..12800)";
        return -ERANGE;
    }
    *kind = pct ? POLICY_CAP_PCT_VCPU : POLICY_CAP_ABS;
    return 0;
}

/* A plain non-negative decimal number: 12, 0.5, 1e6; no hex, inf, nan. */
int conf_parse_number(const char *s, double *v)
{
    char *end;

    if ( !isdigit((unsigned char)s[0]) &&
         !(s[0] == '.' && isdigit((unsigned char)s[1])) )
        return -EINVAL;
    if ( strspn(s, "0123456789.eE+-") != strlen(s) )
        return -EINVAL;
    errno = 0;
    *v = strtod(s, &end);
    if ( *end || errno || !isfinite(*v) )
        return -EINVAL;
    return 0;
}

/* ------------------------------------------------------------ step 3 */

static unsigned int sec_line(struct pctx *p, cfg_t *sec)
{
    int s = sec_index(sec);

    return s >= 0 ? p->sec[s].line : (unsigned int)sec->line;
}

static unsigned int opt_line(struct pctx *p, cfg_t *sec, const char *name)
{
    struct popt *o = opt_find(p, sec_index(sec), name);

    return o ? o->line : sec_line(p, sec);
}

static bool opt_set(struct pctx *p, cfg_t *sec, const char *name)
{
    return opt_find(p, sec_index(sec), name) != NULL;
}

static void get_dur(struct pctx *p, cfg_t *cfg, const char *name,
                    uint64_t min, uint64_t max, const char *range,
                    uint64_t *out)
{
    const char *s = cfg_getstr(cfg, name), *why;

    if ( conf_parse_duration(s, out, &why) )
        perr(p, opt_line(p, cfg, name), "%s: '%s' %s", name, s, why);
    else if ( *out < min || *out > max )
        perr(p, opt_line(p, cfg, name), "%s: %s is out of range (%s)",
             name, s, range);
}

/* An unsigned decimal within min..max; 0 if unset (`def` ""). */
static uint32_t get_uint(struct pctx *p, cfg_t *cfg, const char *name,
                         uint32_t min, uint32_t max)
{
    const char *s = cfg_getstr(cfg, name);
    uint64_t v;
    int rc;

    if ( !s[0] )
        return 0;
    rc = to_u64(s, strlen(s), UINT64_MAX, &v);
    if ( rc == -EINVAL )
        perr(p, opt_line(p, cfg, name), "%s: '%s' is not a number",
             name, s);
    else if ( rc || v < min || v > max )
        perr(p, opt_line(p, cfg, name), "%s: %s is out of range (%u..%u)",
             name, s, min, max);
    else
        return (uint32_t)v;
    return 0;
}

static char *get_path(struct pctx *p, cfg_t *cfg, const char *name,
                      bool may_be_empty, size_t max)
{
    const char *s = cfg_getstr(cfg, name);

    if ( !(may_be_empty && !s[0]) && s[0] != '/' )
        perr(p, opt_line(p, cfg, name), "%s: '%s' is not an absolute path",
             name, s);
    else if ( strlen(s) >= max )
        perr(p, opt_line(p, cfg, name), "%s: path longer than %zu bytes",
             name, max - 1);
    return strdup(s);
}

static void build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c)
{
    const char *m = cfg_title(w);
    bool above = opt_set(p, w, "above"), below = opt_set(p, w, "below");
    const char *lv = below ? "below" : "above", *s;
    unsigned int line = sec_line(p, w);
    int k, i;

    k = policy_metric_lookup(m);
    if ( k < 0 )
    {
        char names[256] = "";

        for ( i = 0; i < M__COUNT; i++ )
            snprintf(names + strlen(names), sizeof(names) - strlen(names),
                     "%s%s", i ? ", " : "", policy_metric_name(i));
        perr(p, line, "when %s: unknown metric '%s' (one of: %s)",
             m, m, names);
        k = 0;
    }
    c->metric = k;
    c->below = below;
    if ( above && below )
    {
        perr(p, opt_line(p, w, "below"),
             "when %s: set either above or below, not both", m);
        return;
    }
    if ( !above && !below )
    {
        perr(p, line, "when %s: needs above = N or below = N", m);
        return;
    }
    s = cfg_getstr(w, lv);
    if ( conf_parse_number(s, &c->enter) )
    {
        perr(p, opt_line(p, w, lv), "%s: '%s' is not a number >= 0", lv, s);
        return;
    }
    c->leave = c->enter;
    if ( !opt_set(p, w, "leave") )
        return;
    s = cfg_getstr(w, "leave");
    if ( conf_parse_number(s, &c->leave) )
        perr(p, opt_line(p, w, "leave"), "leave: '%s' is not a number >= 0",
             s);
    else if ( below ? c->leave < c->enter : c->leave > c->enter )
        perr(p, opt_line(p, w, "leave"),
             "when %s: leave %s must be %s %s %s", m, s,
             below ? ">=" : "<=", lv,
             cfg_getstr(w, lv));
}

static bool class_name_ok(struct pctx *p, cfg_t *sec, const char *n)
{
    size_t i, len = strlen(n);
    unsigned int line = sec_line(p, sec);

    if ( len == 0 || len >= POLICY_CLASS_MAX )
    {
        perr(p, line, "class '%s': the name must have 1 to %d characters",
             n, POLICY_CLASS_MAX - 1);
        return false;
    }
    for ( i = 0; i < len; i++ )
        if ( !isalnum((unsigned char)n[i]) && !strchr("_.-", n[i]) )
        {
            perr(p, line, "class '%s': the name may hold only letters, "
                 "digits, '-', '_' and '.'", n);
            return false;
        }
    if ( !strcmp(n, "none") )
    {
        perr(p, line, "class 'none': the name is reserved");
        return false;
    }
    return true;
}

static bool checked(struct pctx *p, cfg_t *sec)
{
    int s = sec_index(sec);

    return s >= 0 && p->sec[s].checked;
}

static void class_values(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    const char *n = cfg_title(sec), *s, *why;
    int rc;

    p->quiet = checked(p, sec);
    if ( class_name_ok(p, sec, n) )
        snprintf(c->name, sizeof(c->name), "%s", n);
    s = cfg_getstr(sec, "match");
    if ( strcmp(s, "all") && strcmp(s, "any") )
        perr(p, opt_line(p, sec, "match"), "match: '%s' is not all or any",
             s);
    c->match_all = !strcmp(s, "all");
    s = cfg_getstr(sec, "weight");
    rc = conf_parse_weight(s, &c->weight_kind, &c->weight, &why);
    if ( rc )
        perr(p, opt_line(p, sec, "weight"), rc == -ERANGE ?
             "weight: %s %s" : "weight: '%s' %s", s, why);
    s = cfg_getstr(sec, "cap");
    rc = conf_parse_cap(s, &c->cap_kind, &c->cap, &why);
    if ( rc )
        perr(p, opt_line(p, sec, "cap"), rc == -ERANGE ?
             "cap: %s %s" : "cap: '%s' %s", s, why);
    p->quiet = false;
}

static int build_class(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    unsigned int i;

    class_values(p, sec, c);
    c->ncond = cfg_size(sec, "when");
    c->cond = calloc(c->ncond + 1, sizeof(*c->cond));
    if ( !c->cond )
        return -ENOMEM;
    for ( i = 0; i < c->ncond; i++ )
    {
        cfg_t *w = cfg_getnsec(sec, "when", i);

        p->quiet = checked(p, w);
        build_cond(p, w, &c->cond[i]);
        p->quiet = false;
    }
    return 0;
}

static bool parse_uuid(const char *s, uint8_t uuid[16])
{
    unsigned int i, b = 0;

    if ( strlen(s) != 36 )
        return false;
    for ( i = 0; i < 36; i++ )
    {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if ( dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]) )
            return false;
    }
    for ( i = 0; i < 36; i += 2 )
    {
        char hex[3];

        if ( s[i] == '-' )
            i++;
        hex[0] = s[i];
        hex[1] = s[i + 1];
        hex[2] = '\0';
        uuid[b++] = (uint8_t)strtoul(hex, NULL, 16);
    }
    return true;
}

static void override_values(struct pctx *p, cfg_t *sec,
                            struct policy_override *o)
{
    const char *pat = cfg_title(sec);
    unsigned int line = sec_line(p, sec);

    p->quiet = checked(p, sec);
    o->line = line;
    o->pin = -1;
    if ( !pat[0] || strlen(pat) >= POLICY_NAME_MAX )
        perr(p, line, "domain '%s': the pattern must have 1 to %d "
             "characters", pat, POLICY_NAME_MAX - 1);
    snprintf(o->pattern, sizeof(o->pattern), "%s", pat);
    o->by_uuid = parse_uuid(pat, o->uuid);
    o->exclude = cfg_getbool(sec, "exclude");
    o->weight_min = get_uint(p, sec, "weight-min", POLICY_WEIGHT_MIN,
                             POLICY_WEIGHT_MAX);
    o->weight_max = get_uint(p, sec, "weight-max", POLICY_WEIGHT_MIN,
                             POLICY_WEIGHT_MAX);
    if ( o->weight_min && o->weight_max && o->weight_min > o->weight_max )
        perr(p, opt_line(p, sec, "weight-max"), "domain '%s': weight-min "
             "%u is greater than weight-max %u", pat, o->weight_min,
             o->weight_max);
    p->quiet = false;
}

/* After the whole file: a class may be written after the domain. */
static void override_pin(struct pctx *p, cfg_t *cfg, cfg_t *sec,
                         struct policy_override *o)
{
    const char *pat = cfg_title(sec), *pin = cfg_getstr(sec, "pin");
    unsigned int i;

    if ( !pin[0] )
        return;
    for ( i = 0; i < cfg_size(cfg, "class"); i++ )
        if ( !strcmp(cfg_title(cfg_getnsec(cfg, "class", i)), pin) )
            o->pin = i;
    if ( o->pin < 0 )
        perr(p, opt_line(p, sec, "pin"), "domain '%s': pin: no class "
             "named '%s'", pat, pin);
    else if ( o->exclude )
        perr(p, opt_line(p, sec, "pin"), "domain '%s': an excluded "
             "domain cannot be pinned", pat);
}

/* A section just closed: check it now, before a duplicate can replace it. */
static int v_close(cfg_opt_t *opt)
{
    enum sec_kind k = !strcmp(opt->name, "class") ? SEC_CLASS :
                      !strcmp(opt->name, "when") ? SEC_WHEN : SEC_DOMAIN;
    int n = cur->cur[k];
    struct policy_class cls;
    struct policy_cond cond;
    struct policy_override ovr;
    cfg_t *sec;

    if ( n < 0 || cur->sec[n].checked || !cur->sec[n].title )
        return 0;
    sec = cfg_opt_gettsec(opt, cur->sec[n].title);
    if ( !sec || sec_index(sec) != n )
        return 0;
    if ( k == SEC_CLASS )
        class_values(cur, sec, &cls);
    else if ( k == SEC_WHEN )
        build_cond(cur, sec, &cond);
    else
        override_values(cur, sec, &ovr);
    cur->sec[n].checked = true;
    return 0;
}

static int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c)
{
    struct policy_config *pc = &c->policy;
    const char *s;
    unsigned int i;

    c->name = strdup(cfg_getstr(cfg, "name"));
    get_dur(p, cfg, "interval", 100 * NS_MS, 60 * NS_S, "100ms..60s",
            &c->interval_ns);
    get_dur(p, cfg, "half-life", 0, 3600 * NS_S, "0s..1h",
            &pc->halflife_ns);
    pc->dwell = get_uint(p, cfg, "dwell", 1, 1000);
    c->dry_run = cfg_getbool(cfg, "dry-run");
    c->restore_on_exit = cfg_getbool(cfg, "restore-on-exit");
    pc->manage_dom0 = cfg_getbool(cfg, "manage-dom0");
    pc->stub_follows_guest = cfg_getbool(cfg, "stubdom-follows-guest");
    c->state_file = get_path(p, cfg, "state-file", false, PATH_MAX);
    c->socket_path = get_path(p, cfg, "socket", false,
                              sizeof(((struct sockaddr_un *)0)->sun_path));
    c->socket_group = strdup(cfg_getstr(cfg, "socket-group"));
    c->metrics_file = get_path(p, cfg, "metrics-file", true, PATH_MAX);
    s = cfg_getstr(cfg, "log-level");
    for ( i = 0; i <= CONF_LOG_DEBUG && strcmp(s, loglevels[i]); i++ )
        ;
    if ( i > CONF_LOG_DEBUG )
        perr(p, opt_line(p, cfg, "log-level"), "log-level: '%s' is not one "
             "of err, warning, notice, info, debug", s);
    c->log_level = i > CONF_LOG_DEBUG ? CONF_LOG_NOTICE : i;
    if ( !c->name || !c->state_file || !c->socket_path ||
         !c->socket_group || !c->metrics_file )
        return -ENOMEM;
    return 0;
}

static int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c)
{
    struct policy_config *pc = &c->policy;
    unsigned int n;

    if ( conf_globals(p, cfg, c) )
        return -ENOMEM;
    n = cfg_size(cfg, "class");
    pc->cls = calloc(n + 1, sizeof(*pc->cls));
    if ( !pc->cls )
        return -ENOMEM;
    for ( pc->nclass = 0; pc->nclass < n; pc->nclass++ )
        if ( build_class(p, cfg_getnsec(cfg, "class", pc->nclass),
                         &pc->cls[pc->nclass]) )
            return -ENOMEM;

    n = cfg_size(cfg, "domain");
    pc->ovr = calloc(n + 1, sizeof(*pc->ovr));
    if ( !pc->ovr )
        return -ENOMEM;
    for ( pc->noverride = 0; pc->noverride < n; pc->noverride++ )
    {
        cfg_t *sec = cfg_getnsec(cfg, "domain", pc->noverride);

        override_values(p, sec, &pc->ovr[pc->noverride]);
        override_pin(p, cfg, sec, &pc->ovr[pc->noverride]);
    }
    return 0;
}

/* The option tables, libconfuse's parse, and the build; cfg_t freed here. */
static int conf_parse(struct pctx *p, const char *text, struct conf *c)
{
    cfg_opt_t when_opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_STR("above", "", CFGF_NONE),
        CFG_STR("below", "", CFGF_NONE),
        CFG_STR("leave", "", CFGF_NONE),
        CFG_END()
    };
    cfg_opt_t class_opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_STR("match", "all", CFGF_NONE),
        CFG_SEC("when", when_opts, CFGF_MULTI | CFGF_TITLE),
        CFG_STR("weight", "keep", CFGF_NONE),
        CFG_STR("cap", "keep", CFGF_NONE),
        CFG_END()
    };
    cfg_opt_t domain_opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_BOOL("exclude", cfg_false, CFGF_NONE),
        CFG_STR("pin", "", CFGF_NONE),
        CFG_STR("weight-min", "", CFGF_NONE),
        CFG_STR("weight-max", "", CFGF_NONE),
        CFG_END()
    };
    cfg_opt_t opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_STR("name", "default", CFGF_NONE),
        CFG_STR("interval", "1s", CFGF_NONE),
        CFG_STR("half-life", "5s", CFGF_NONE),
        CFG_STR("dwell", "3", CFGF_NONE),
        CFG_BOOL("dry-run", cfg_false, CFGF_NONE),
        CFG_BOOL("restore-on-exit", cfg_true, CFGF_NONE),
        CFG_BOOL("manage-dom0", cfg_false, CFGF_NONE),
        CFG_BOOL("stubdom-follows-guest", cfg_true, CFGF_NONE),
        CFG_STR("state-file", "/var/lib/coopvmm/state", CFGF_NONE),
        CFG_STR("socket", "/run/coopvmm/coopvmmd.sock", CFGF_NONE),
        CFG_STR("socket-group", "", CFGF_NONE),
        CFG_STR("metrics-file", "", CFGF_NONE),
        CFG_STR("log-level", "notice", CFGF_NONE),
        CFG_SEC("class", class_opts, CFGF_MULTI | CFGF_TITLE),
        CFG_SEC("domain", domain_opts, CFGF_MULTI | CFGF_TITLE),
        CFG_END()
    };
    cfg_t *cfg;
    int rc;

    /*
     * No CFGF_NO_TITLE_DUPES: libconfuse would stop at the first
     * duplicate; v_sec() reports it, with the first one's line, and the
     * parse goes on.
     */
    set_validators(opts);
    cfg = cfg_init(opts, CFGF_NONE);
    if ( !cfg )
        return -ENOMEM;
    cfg_set_error_function(cfg, conf_errfunc);
    cur = p;
    rc = cfg_parse_buf(cfg, text);
    if ( rc == CFG_SUCCESS )
        rc = conf_build(p, cfg, c);
    else
    {
        /*
         * The globals set before the syntax error are in cfg: check them
         * too.  Blocks were checked as they closed.
         */
        struct conf *scratch = calloc(1, sizeof(*scratch));

        if ( scratch && conf_globals(p, cfg, scratch) )
            p->oom = true;
        conf_free(scratch);
        if ( !p->nerr )
            perr(p, 0, "cannot parse");
        rc = -EINVAL;
    }
    cur = NULL;
    cfg_free(cfg);
    return rc;
}

int conf_load_buffer(const char *name, const char *buf, size_t len,
                     struct conf **out, char **errors)
{
    struct pctx p = { .name = name, .cur = { -1, -1, -1, -1 },
                      .root_opts = -1 };
    struct conf *c = NULL;
    char *text = NULL;
    int rc = -EINVAL;

    *out = NULL;
    if ( errors )
        *errors = NULL;
    if ( len > CONF_MAX_SIZE )
    {
        perr(&p, 0, "larger than %u bytes", CONF_MAX_SIZE);
        goto out;
    }
    text = conf_prep(&p, buf, len);
    c = calloc(1, sizeof(*c));
    if ( !text || !c || !(c->path = strdup(name)) )
        goto out;
    rc = conf_parse(&p, text, c);

 out:
    if ( p.oom && (!rc || rc == -EINVAL) )
        rc = -ENOMEM;
    if ( !rc && p.nerr )
        rc = -EINVAL;
    if ( rc && !p.nerr && !p.oom )
        perr(&p, 0, "%s", strerror(-rc));
    if ( rc && errors )
        *errors = perr_text(&p);
    if ( rc )
        conf_free(c);
    else
        *out = c;
    free(text);
    pctx_free(&p);
    return rc;
}

int conf_load(const char *path, struct conf **out, char **errors)
{
    struct stat st;
    const char *what = NULL;
    char *buf = NULL;
    size_t len = 0;
    ssize_t r;
    int fd, rc;

    *out = NULL;
    if ( errors )
        *errors = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if ( fd < 0 || fstat(fd, &st) )
    {
        rc = -errno;
        goto out;
    }
    if ( !S_ISREG(st.st_mode) )
    {
        what = "not a regular file";
        rc = -EINVAL;
        goto out;
    }
    buf = malloc(CONF_MAX_SIZE + 1);
    if ( !buf )
    {
        rc = -ENOMEM;
        goto out;
    }
    while ( len <= CONF_MAX_SIZE &&
            (r = read(fd, buf + len, CONF_MAX_SIZE + 1 - len)) != 0 )
    {
        if ( r < 0 && errno == EINTR )
            continue;
        if ( r < 0 )
        {
            rc = -errno;
            goto out;
        }
        len += (size_t)r;
    }
    rc = conf_load_buffer(path, buf, len, out, errors);

 out:
    if ( rc && errors && !*errors &&
         asprintf(errors, "%s: %s\n", path, what ? what : strerror(-rc)) < 0 )
        *errors = NULL;
    if ( fd >= 0 )
        close(fd);
    free(buf);
    return rc;
}

void conf_free(struct conf *c)
{
    unsigned int i;

    if ( !c )
        return;
    for ( i = 0; i < c->policy.nclass; i++ )
        free(c->policy.cls[i].cond);
    free(c->policy.cls);
    free(c->policy.ovr);
    free(c->path);
    free(c->name);
    free(c->state_file);
    free(c->socket_path);
    free(c->socket_group);
    free(c->metrics_file);
    free(c);
}

/* ------------------------------------------------------------ dump */

static void dump_str(FILE *f, const char *key, const char *s)
{
    const char *q;

    if ( s[0] && word_safe(s, strlen(s)) )
    {
        fprintf(f, "%s %s\n", key, s);
        return;
    }
    fprintf(f, "%s \"", key);
    for ( q = s; *q; q++ )
    {
        if ( *q == '"' || *q == '\\' )
            fprintf(f, "\\%c", *q);
        else if ( isprint((unsigned char)*q) )
            fputc(*q, f);
        else
            fprintf(f, "\\x%02x", (unsigned char)*q);
    }
    fprintf(f, "\"\n");
}

static void dump_dur(FILE *f, const char *key, uint64_t ns)
{
    static const struct { const char *u; uint64_t ns; } units[] = {
        { "h", 3600 * NS_S }, { "m", 60 * NS_S }, { "s", NS_S },
        { "ms", NS_MS },
    };
    unsigned int i;

    for ( i = 0; i < 3 && (!ns || ns % units[i].ns); i++ )
        ;
    if ( !ns )
        i = 2;
    fprintf(f, "%s %llu%s\n", key, (unsigned long long)(ns / units[i].ns),
            units[i].u);
}

static void dump_class(FILE *f, const struct policy_class *c)
{
    static const char *const wk[] = { "keep", "", "%" };
    unsigned int i;

    fprintf(f, "class %s match %s\n", c->name,
            !c->ncond ? "always" : c->match_all ? "all" : "any");
    for ( i = 0; i < c->ncond; i++ )
        fprintf(f, "  when %s %s %.15g leave %.15g\n",
                policy_metric_name(c->cond[i].metric),
                c->cond[i].below ? "below" : "above",
                c->cond[i].enter, c->cond[i].leave);
    if ( c->weight_kind == POLICY_WEIGHT_KEEP )
        fprintf(f, "  weight keep\n");
    else
        fprintf(f, "  weight %u%s\n", c->weight, wk[c->weight_kind]);
    switch ( c->cap_kind )
    {
    case POLICY_CAP_KEEP:
        fprintf(f, "  cap keep\n");
        break;
    case POLICY_CAP_NONE:
        fprintf(f, "  cap none\n");
        break;
    default:
        fprintf(f, "  cap %u%s\n", c->cap,
                c->cap_kind == POLICY_CAP_PCT_VCPU ? "%" : "");
    }
}

static void dump_bound(FILE *f, const char *key, uint32_t v)
{
    if ( v )
        fprintf(f, "  %s %u\n", key, v);
    else
        fprintf(f, "  %s none\n", key);
}

void conf_dump(const struct conf *c, FILE *f)
{
    const struct policy_config *pc = &c->policy;
    unsigned int i;

    dump_str(f, "name", c->name);
    dump_dur(f, "interval", c->interval_ns);
    dump_dur(f, "half-life", pc->halflife_ns);
    fprintf(f, "dwell %u\n", pc->dwell);
    fprintf(f, "dry-run %s\n", c->dry_run ? "yes" : "no");
    fprintf(f, "restore-on-exit %s\n", c->restore_on_exit ? "yes" : "no");
    fprintf(f, "manage-dom0 %s\n", pc->manage_dom0 ? "yes" : "no");
    fprintf(f, "stubdom-follows-guest %s\n",
            pc->stub_follows_guest ? "yes" : "no");
    dump_str(f, "state-file", c->state_file);
    dump_str(f, "socket", c->socket_path);
    dump_str(f, "socket-group", c->socket_group);
    dump_str(f, "metrics-file", c->metrics_file);
    fprintf(f, "log-level %s\n", loglevels[c->log_level]);
    for ( i = 0; i < pc->nclass; i++ )
        dump_class(f, &pc->cls[i]);
    for ( i = 0; i < pc->noverride; i++ )
    {
        const struct policy_override *o = &pc->ovr[i];

        fprintf(f, "domain ");
        dump_str(f, o->by_uuid ? "uuid" : "name", o->pattern);
        fprintf(f, "  exclude %s\n", o->exclude ? "yes" : "no");
        fprintf(f, "  pin %s\n", o->pin < 0 ? "none" : pc->cls[o->pin].name);
        dump_bound(f, "weight-min", o->weight_min);
        dump_bound(f, "weight-max", o->weight_max);
    }
}
