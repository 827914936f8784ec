/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_check.c - the values of coopvmm.conf: the value parsers (durations,
 * weights, caps, numbers) and the checks that turn a parsed libconfuse
 * tree into struct conf (step 3 of the parse, see conf.c), each error
 * reported with the line of the option or block at fault.
 *
 * It only reads the cfg_t and fills the struct conf it is given: it must
 * not know the option tables' layout beyond the names it reads, nor touch
 * the running daemon.
 */
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "conf_check.h"
#include "uuid.h"

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

/* ------------------------------------------------------------ checks */

static unsigned int sec_line(struct pctx *p, cfg_t *sec)
{
    int s = conf_sec_index(p, sec);

    return s >= 0 ? p->sec[s].line : (unsigned int)sec->line;
}

static unsigned int opt_line(struct pctx *p, cfg_t *sec, const char *name)
{
    struct popt *o = conf_opt_find(p, conf_sec_index(p, sec), name);

    return o ? o->line : sec_line(p, sec);
}

static bool opt_set(struct pctx *p, cfg_t *sec, const char *name)
{
    return conf_opt_find(p, conf_sec_index(p, sec), name) != NULL;
}

static void get_dur(struct pctx *p, cfg_t *cfg, const char *name,
                    uint64_t min, uint64_t max, const char *range,
                    uint64_t *out)
{
    const char *s = cfg_getstr(cfg, name), *why;

    if ( conf_parse_duration(s, out, &why) )
        conf_perr(p, opt_line(p, cfg, name), "%s: '%s' %s", name, s, why);
    else if ( *out < min || *out > max )
        conf_perr(p, opt_line(p, cfg, name), "%s: %s is out of range (%s)",
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
        conf_perr(p, opt_line(p, cfg, name), "%s: '%s' is not a number",
                  name, s);
    else if ( rc || v < min || v > max )
        conf_perr(p, opt_line(p, cfg, name), "%s: %s is out of range (%u..%u)",
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
        conf_perr(p, opt_line(p, cfg, name),
                  "%s: '%s' is not an absolute path", name, s);
    else if ( strlen(s) >= max )
        conf_perr(p, opt_line(p, cfg, name), "%s: path longer than %zu bytes",
                  name, max - 1);
    return strdup(s);
}

void conf_build_cond(struct pctx *p, cfg_t *w, struct policy_cond *c)
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
        conf_perr(p, line, "when %s: unknown metric '%s' (one of: %s)",
                  m, m, names);
        k = 0;
    }
    c->metric = k;
    c->below = below;
    if ( above && below )
    {
        conf_perr(p, opt_line(p, w, "below"),
                  "when %s: set either above or below, not both", m);
        return;
    }
    if ( !above && !below )
    {
        conf_perr(p, line, "when %s: needs above = N or below = N", m);
        return;
    }
    s = cfg_getstr(w, lv);
    if ( conf_parse_number(s, &c->enter) )
    {
        conf_perr(p, opt_line(p, w, lv), "%s: '%s' is not a number >= 0",
                  lv, s);
        return;
    }
    s = cfg_getstr(w, "missing");
    if ( strcmp(s, "fail") && strcmp(s, "skip") )
        conf_perr(p, opt_line(p, w, "missing"),
                  "missing: '%s' is not fail or skip", s);
    c->skip_missing = !strcmp(s, "skip");
    c->leave = c->enter;
    if ( !opt_set(p, w, "leave") )
        return;
    s = cfg_getstr(w, "leave");
    if ( conf_parse_number(s, &c->leave) )
        conf_perr(p, opt_line(p, w, "leave"),
                  "leave: '%s' is not a number >= 0", s);
    else if ( below ? c->leave < c->enter : c->leave > c->enter )
        conf_perr(p, opt_line(p, w, "leave"),
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
        conf_perr(p, line, "class '%s': the name must have 1 to %d characters",
                  n, POLICY_CLASS_MAX - 1);
        return false;
    }
    for ( i = 0; i < len; i++ )
        if ( !isalnum((unsigned char)n[i]) && !strchr("_.-", n[i]) )
        {
            conf_perr(p, line, "class '%s': the name may hold only letters, "
                      "digits, '-', '_' and '.'", n);
            return false;
        }
    if ( !strcmp(n, "none") )
    {
        conf_perr(p, line, "class 'none': the name is reserved");
        return false;
    }
    return true;
}

static bool checked(struct pctx *p, cfg_t *sec)
{
    int s = conf_sec_index(p, sec);

    return s >= 0 && p->sec[s].checked;
}

void conf_class_values(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    const char *n = cfg_title(sec), *s, *why;
    int rc;

    p->quiet = checked(p, sec);
    if ( class_name_ok(p, sec, n) )
        snprintf(c->name, sizeof(c->name), "%s", n);
    s = cfg_getstr(sec, "match");
    if ( strcmp(s, "all") && strcmp(s, "any") )
        conf_perr(p, opt_line(p, sec, "match"),
                  "match: '%s' is not all or any", s);
    c->match_all = !strcmp(s, "all");
    s = cfg_getstr(sec, "weight");
    rc = conf_parse_weight(s, &c->weight_kind, &c->weight, &why);
    if ( rc )
        conf_perr(p, opt_line(p, sec, "weight"), rc == -ERANGE ?
                  "weight: %s %s" : "weight: '%s' %s", s, why);
    if ( opt_set(p, sec, "share") )
    {
        s = cfg_getstr(sec, "share");
        if ( opt_set(p, sec, "weight") )
            conf_perr(p, opt_line(p, sec, "share"), "class '%s': set "
                      "weight or share, not both", n);
        else if ( (rc = conf_parse_share(s, &c->weight, &why)) )
            conf_perr(p, opt_line(p, sec, "share"), rc == -ERANGE ?
                      "share: %s %s" : "share: '%s' %s", s, why);
        else
            c->weight_kind = POLICY_WEIGHT_SHARE;
    }
    s = cfg_getstr(sec, "cap");
    rc = conf_parse_cap(s, &c->cap_kind, &c->cap, &why);
    if ( rc )
        conf_perr(p, opt_line(p, sec, "cap"), rc == -ERANGE ?
                  "cap: %s %s" : "cap: '%s' %s", s, why);
    p->quiet = false;
}

static int build_class(struct pctx *p, cfg_t *sec, struct policy_class *c)
{
    unsigned int i;

    conf_class_values(p, sec, c);
    c->ncond = cfg_size(sec, "when");
    c->cond = calloc(c->ncond + 1, sizeof(*c->cond));
    if ( !c->cond )
        return -ENOMEM;
    for ( i = 0; i < c->ncond; i++ )
    {
        cfg_t *w = cfg_getnsec(sec, "when", i);

        p->quiet = checked(p, w);
        conf_build_cond(p, w, &c->cond[i]);
        p->quiet = false;
    }
    return 0;
}

void conf_override_values(struct pctx *p, cfg_t *sec,
                                 struct policy_override *o)
{
    const char *pat = cfg_title(sec);
    unsigned int line = sec_line(p, sec);

    p->quiet = checked(p, sec);
    o->line = line;
    o->pin = -1;
    if ( !pat[0] || strlen(pat) >= POLICY_NAME_MAX )
        conf_perr(p, line, "domain '%s': the pattern must have 1 to %d "
                  "characters", pat, POLICY_NAME_MAX - 1);
    snprintf(o->pattern, sizeof(o->pattern), "%s", pat);
    o->by_uuid = uuid_from_text(pat, o->uuid) == 0;
    o->exclude = cfg_getbool(sec, "exclude");
    o->weight_min = get_uint(p, sec, "weight-min", POLICY_WEIGHT_MIN,
                             POLICY_WEIGHT_MAX);
    o->weight_max = get_uint(p, sec, "weight-max", POLICY_WEIGHT_MIN,
                             POLICY_WEIGHT_MAX);
    if ( o->weight_min && o->weight_max && o->weight_min > o->weight_max )
        conf_perr(p, opt_line(p, sec, "weight-max"), "domain '%s': weight-min "
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
        conf_perr(p, opt_line(p, sec, "pin"), "domain '%s': pin: no class "
                  "named '%s'", pat, pin);
    else if ( o->exclude )
        conf_perr(p, opt_line(p, sec, "pin"), "domain '%s': an excluded "
                  "domain cannot be pinned", pat);
}

/* "N%", 1..100, as a fraction. */
static int get_pct(const char *s, double *frac)
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

int conf_globals(struct pctx *p, cfg_t *cfg, struct conf *c)
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
    pc->effect_polls = get_uint(p, cfg, "effect-check", 0, 1000);
    s = cfg_getstr(cfg, "effect-min");
    if ( conf_parse_number(s, &pc->effect_min) == 0 )
        conf_perr(p, opt_line(p, cfg, "effect-min"), "effect-min: '%s' "
                  "needs a %% sign (1%%..100%%)", s);
    else if ( get_pct(s, &pc->effect_min) )
        conf_perr(p, opt_line(p, cfg, "effect-min"), "effect-min: '%s' is "
                  "not a percentage 1%%..100%%", s);
    get_dur(p, cfg, "hold-off", 0, 24 * 3600 * NS_S, "0s..24h",
            &pc->holdoff_ns);
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
    for ( i = 0; i <= CONF_LOG_DEBUG && strcmp(s, conf_loglevels[i]); i++ )
        ;
    if ( i > CONF_LOG_DEBUG )
        conf_perr(p, opt_line(p, cfg, "log-level"), "log-level: '%s' is not "
                  "one of err, warning, notice, info, debug", s);
    c->log_level = i > CONF_LOG_DEBUG ? CONF_LOG_NOTICE : i;
    if ( !c->name || !c->state_file || !c->socket_path ||
         !c->socket_group || !c->metrics_file )
        return -ENOMEM;
    return 0;
}

int conf_build(struct pctx *p, cfg_t *cfg, struct conf *c)
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

        conf_override_values(p, sec, &pc->ovr[pc->noverride]);
        override_pin(p, cfg, sec, &pc->ovr[pc->noverride]);
    }
    return 0;
}
