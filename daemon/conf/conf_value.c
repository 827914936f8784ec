/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_value.c - the values of coopvmm.conf: the value parsers
 * (durations, weights, caps, numbers) and the checks of one option's
 * value, each reporting at the line it was given.
 *
 * A value is checked where it is built into struct conf (conf_check.c)
 * and, when a later setting of the same option replaces it, at the
 * moment it is replaced (conf.c), so that every invalid value is
 * reported at its own line.  It knows option names and ranges, but not
 * the file's layout nor the running daemon.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "conf_value.h"

const char *const conf_loglevels[] = {
    [CONF_LOG_ERR] = "err", [CONF_LOG_WARNING] = "warning",
    [CONF_LOG_NOTICE] = "notice", [CONF_LOG_INFO] = "info",
    [CONF_LOG_DEBUG] = "debug",
};

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

/* share = N%: N % of the cpupool, 1%..99%. */
int conf_parse_share(const char *s, uint32_t *v, const char **why)
{
    bool pct;
    int rc;

    rc = num_pct(s, v, &pct);
    if ( rc == -EINVAL || (!rc && !pct) )
    {
        *why = "is not N% (1%..99% of the cpupool)";
        return -EINVAL;
    }
    if ( rc || *v < 1 || *v > 99 )
    {
        *why = "is out of range (1%..99%)";
        return -ERANGE;
    }
    return 0;
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
    if ( !strcmp(s, "keep") || !strcmp(s, "none") || !strcmp(s, "rest") )
    {
        *kind = s[0] == 'k' ? POLICY_CAP_KEEP :
                s[0] == 'n' ? POLICY_CAP_NONE : POLICY_CAP_REST;
        return 0;
    }
    rc = num_pct(s, v, &pct);
    if ( rc == -EINVAL )
    {
        *why = "is not keep, none, rest, N (0..12800) or N% (1%..100%)";
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

/* "N%", 1..100, as a fraction. */
int conf_parse_pct(const char *s, double *frac)
{
    size_t n = strlen(s);
    char buf[32];
    double v;

    if ( n < 2 || n >= sizeof(buf) || s[n - 1] != '%' )
        return -EINVAL;
    memcpy(buf, s, n - 1);
    buf[n - 1] = '\0';
    if ( conf_parse_number(buf, &v) || v < 1 || v > 100 )
        return -ERANGE;
    *frac = v / 100.0;
    return 0;
}


/* ------------------------------------------------ one value, reported */

void conf_value_dur(struct pctx *p, const char *name, const char *s,
                    unsigned int line, const struct conf_range *r,
                    uint64_t *out)
{
    const char *why;

    if ( conf_parse_duration(s, out, &why) )
        conf_perr(p, line, "%s: '%s' %s", name, s, why);
    else if ( *out < r->min || *out > r->max )
        conf_perr(p, line, "%s: %s is out of range (%s)", name, s, r->text);
}

uint32_t conf_value_uint(struct pctx *p, const char *name, const char *s,
                         unsigned int line, uint32_t min, uint32_t max)
{
    uint64_t v;
    int rc;

    if ( !s[0] )
        return 0;
    rc = to_u64(s, strlen(s), UINT64_MAX, &v);
    if ( rc == -EINVAL )
        conf_perr(p, line, "%s: '%s' is not a number", name, s);
    else if ( rc || v < min || v > max )
        conf_perr(p, line, "%s: %s is out of range (%u..%u)", name, s, min,
                  max);
    else
        return (uint32_t)v;
    return 0;
}

void conf_value_path(struct pctx *p, const char *name, const char *s,
                     unsigned int line, bool may_be_empty, size_t max)
{
    if ( !(may_be_empty && !s[0]) && s[0] != '/' )
        conf_perr(p, line, "%s: '%s' is not an absolute path", name, s);
    else if ( strlen(s) >= max )
        conf_perr(p, line, "%s: path longer than %zu bytes", name, max - 1);
}

void conf_value_effect_min(struct pctx *p, const char *s, unsigned int line,
                           double *frac)
{
    if ( conf_parse_number(s, frac) == 0 )
        conf_perr(p, line, "effect-min: '%s' needs a %% sign (1%%..100%%)",
                  s);
    else if ( conf_parse_pct(s, frac) )
        conf_perr(p, line, "effect-min: '%s' is not a percentage "
                  "1%%..100%%", s);
}

enum conf_loglevel conf_value_loglevel(struct pctx *p, const char *s,
                                       unsigned int line)
{
    unsigned int i;

    for ( i = 0; i <= CONF_LOG_DEBUG && strcmp(s, conf_loglevels[i]); i++ )
        ;
    if ( i <= CONF_LOG_DEBUG )
        return i;
    conf_perr(p, line, "log-level: '%s' is not one of err, warning, notice, "
              "info, debug", s);
    return CONF_LOG_NOTICE;
}

int conf_value_choice(struct pctx *p, const char *name, const char *s,
                      unsigned int line, const char *a, const char *b)
{
    if ( !strcmp(s, b) )
        return 1;
    if ( strcmp(s, a) )
        conf_perr(p, line, "%s: '%s' is not %s or %s", name, s, a, b);
    return 0;
}

void conf_value_weight(struct pctx *p, const char *s, unsigned int line,
                       enum policy_weight_kind *kind, uint32_t *v)
{
    const char *why;
    int rc = conf_parse_weight(s, kind, v, &why);

    if ( rc )
        conf_perr(p, line, rc == -ERANGE ? "weight: %s %s" :
                  "weight: '%s' %s", s, why);
}

int conf_value_share(struct pctx *p, const char *s, unsigned int line,
                     uint32_t *v)
{
    const char *why;
    int rc = conf_parse_share(s, v, &why);

    if ( rc )
        conf_perr(p, line, rc == -ERANGE ? "share: %s %s" :
                  "share: '%s' %s", s, why);
    return rc;
}

void conf_value_cap(struct pctx *p, const char *s, unsigned int line,
                    enum policy_cap_kind *kind, uint32_t *v)
{
    const char *why;
    int rc = conf_parse_cap(s, kind, v, &why);

    if ( rc )
        conf_perr(p, line, rc == -ERANGE ? "cap: %s %s" : "cap: '%s' %s", s,
                  why);
}

int conf_value_number(struct pctx *p, const char *name, const char *s,
                      unsigned int line, double *v)
{
    int rc = conf_parse_number(s, v);

    if ( rc )
        conf_perr(p, line, "%s: '%s' is not a number >= 0", name, s);
    return rc;
}

const struct conf_range conf_range_interval = {
    100 * NS_MS, 60 * NS_S, "100ms..60s" };
const struct conf_range conf_range_halflife = { 0, 3600 * NS_S, "0s..1h" };
const struct conf_range conf_range_holdoff = { 0, 24 * 3600 * NS_S,
                                               "0s..24h" };

void conf_check_value(struct pctx *p, enum sec_kind kind, const char *name,
                      const char *s, unsigned int line)
{
    static const struct {
        enum sec_kind kind;
        const char *name;
        const struct conf_range *dur;
        uint32_t min, max;          /* numbers; paths: may be empty */
    } t[] = {
        { SEC_NONE, "interval", &conf_range_interval, 0, 0 },
        { SEC_NONE, "half-life", &conf_range_halflife, 0, 0 },
        { SEC_NONE, "hold-off", &conf_range_holdoff, 0, 0 },
        { SEC_NONE, "dwell", NULL, 1, 1000 },
        { SEC_CLASS, "dwell", NULL, 1, 1000 },
        { SEC_NONE, "effect-check", NULL, 0, 1000 },
        { SEC_DOMAIN, "weight-min", NULL, POLICY_WEIGHT_MIN,
          POLICY_WEIGHT_MAX },
        { SEC_DOMAIN, "weight-max", NULL, POLICY_WEIGHT_MIN,
          POLICY_WEIGHT_MAX },
    };
    union {
        uint64_t ns;
        uint32_t u;
        double d;
        enum policy_weight_kind wk;
        enum policy_cap_kind ck;
    } out, out2;
    unsigned int i;

    for ( i = 0; i < sizeof(t) / sizeof(t[0]); i++ )
    {
        if ( t[i].kind != kind || strcmp(t[i].name, name) )
            continue;
        if ( t[i].dur )
            conf_value_dur(p, name, s, line, t[i].dur, &out.ns);
        else
            conf_value_uint(p, name, s, line, t[i].min, t[i].max);
        return;
    }
    if ( kind == SEC_NONE )
    {
        if ( !strcmp(name, "effect-min") )
            conf_value_effect_min(p, s, line, &out.d);
        else if ( !strcmp(name, "log-level") )
            conf_value_loglevel(p, s, line);
        else if ( !strcmp(name, "state-file") )
            conf_value_path(p, name, s, line, false, PATH_MAX);
        else if ( !strcmp(name, "socket") )
            conf_value_path(p, name, s, line, false,
                            sizeof(((struct sockaddr_un *)0)->sun_path));
        else if ( !strcmp(name, "metrics-file") )
            conf_value_path(p, name, s, line, true, PATH_MAX);
    }
    else if ( kind == SEC_CLASS )
    {
        if ( !strcmp(name, "match") )
            conf_value_choice(p, name, s, line, "all", "any");
        else if ( !strcmp(name, "weight") )
            conf_value_weight(p, s, line, &out.wk, &out2.u);
        else if ( !strcmp(name, "share") )
            conf_value_share(p, s, line, &out.u);
        else if ( !strcmp(name, "cap") )
            conf_value_cap(p, s, line, &out.ck, &out2.u);
    }
    else if ( kind == SEC_WHEN )
    {
        if ( !strcmp(name, "above") || !strcmp(name, "below") ||
             !strcmp(name, "leave") )
            conf_value_number(p, name, s, line, &out.d);
        else if ( !strcmp(name, "missing") )
            conf_value_choice(p, name, s, line, "fail", "skip");
    }
}
