/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf.c - read coopvmm.conf (libconfuse) into a struct conf: the option
 * tables, the parse and libconfuse's callbacks.  The error list is the
 * parse context's (conf_pctx.c).
 *
 * Parsing happens in three steps:
 *  1. conf_prep() (conf_prep.c) copies the text, dropping comments and
 *     quoting bare words libconfuse would split (`web*`), and injects
 *     `__sec=N` after the opening brace of each section so every section
 *     knows the line it starts on.  Newlines are kept, so libconfuse's line
 *     numbers stay right (libconfuse 3.3 miscounts lines after `#`
 *     comments).
 *  2. libconfuse parses it.  Validate callbacks (here) record the line of
 *     every option, catch duplicate sections and options, and check the
 *     values of each class, `when` and domain block as it closes, before a
 *     duplicate title can make libconfuse replace it.  A syntax error
 *     stops the parse; the globals set before it are still checked.
 *  3. conf_build() (conf_check.c) converts every value into struct conf,
 *     checking the globals and the pins (a class may follow the domain
 *     naming it).
 * Every error is collected with its line, and all are returned in line
 * order.  Not reentrant: libconfuse's callbacks carry no context.
 * This file must not touch the running daemon: it only builds a new conf;
 * nor judge values itself: that is conf_check.c's.
 */
#include <confuse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "conf_check.h"
#include "conf_pctx.h"
#include "conf_prep.h"
#include "uuid.h"

#define CONF_MAX_SIZE   (1u << 20)

/* libconfuse callbacks carry no user pointer: the parse in progress. */
static struct pctx *cur;

static void conf_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
    char *msg;

    if ( !cur )
        return;
    if ( vasprintf(&msg, fmt, ap) < 0 )
        msg = NULL;
    conf_perr_add(cur, cfg && cfg->line > 0 ? (unsigned int)cfg->line : 0,
                  msg);
}

/* ------------------------------------------------------------ step 2 */

static int v_close(cfg_opt_t *opt);

/* The class a `when` section sits in, or "" if it is not known. */
static const char *parent_title(struct pctx *p, int n)
{
    int k = p->sec[n].parent;

    return k >= 0 && p->sec[k].title ? p->sec[k].title : "";
}

/*
 * Every option: remember its line and value.  An option set twice is an
 * error; the value it replaces is checked now, at its own line, since
 * libconfuse keeps only the last one for the later checks.
 */
static int v_opt(cfg_t *cfg, cfg_opt_t *opt)
{
    int sec = conf_sec_index(cur, cfg);
    const char *val = opt->type == CFGT_STR ? cfg_opt_getnstr(opt, 0) : NULL;
    struct popt *o;

    if ( opt->type == CFGT_SEC )
        return v_close(opt);
    o = conf_opt_find(cur, sec, opt->name);
    if ( !o )
    {
        if ( conf_opt_add(cur, sec, opt->name, (unsigned int)cfg->line,
                          val) )
            cur->oom = true;
        return 0;
    }
    conf_perr(cur, (unsigned int)cfg->line, "'%s' is already set at line %u",
              opt->name, o->line);
    if ( o->val )
        conf_check_value(cur, sec >= 0 ? cur->sec[sec].kind : SEC_NONE,
                         opt->name, o->val, o->line);
    if ( conf_opt_set(o, (unsigned int)cfg->line, val) )
        cur->oom = true;
    return 0;
}

/* Two titles of `kind` naming the same thing: UUIDs by their value. */
static bool same_title(enum sec_kind kind, const char *a, const char *b)
{
    uint8_t ua[16], ub[16];

    if ( kind == SEC_DOMAIN && !uuid_from_text(a, ua) &&
         !uuid_from_text(b, ub) )
        return !memcmp(ua, ub, sizeof(ua));
    return !strcmp(a, b);
}

/* `__sec`, first thing in each section: its kind, title; duplicates. */
static int v_sec(cfg_t *cfg, cfg_opt_t *opt)
{
    static const unsigned int max[] = {
        [SEC_CLASS] = CONF_MAX_CLASS, [SEC_WHEN] = CONF_MAX_SEC,
        [SEC_DOMAIN] = CONF_MAX_DOMAIN,
    };
    int n = conf_sec_index(cur, cfg), i;
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
            conf_perr(cur, s->line, "more than %u %s blocks", max[s->kind],
                      cfg->name);
        return 0;
    }
    /* The `when` blocks of a class follow it. */
    for ( i = s->parent + 1; i < n; i++ )
    {
        struct psec *o = &cur->sec[i];

        if ( o->kind != s->kind || o->parent != s->parent ||
             !o->title || !same_title(s->kind, o->title, s->title) )
            continue;
        if ( s->kind == SEC_WHEN )
            conf_perr(cur, s->line, "duplicate condition 'when %s' in class "
                      "'%s' (first at line %u)", s->title,
                      parent_title(cur, n), o->line);
        else if ( strcmp(o->title, s->title) )
            conf_perr(cur, s->line, "duplicate %s '%s' (first at line %u, "
                      "written '%s': the same UUID)", cfg->name, s->title,
                      o->line, o->title);
        else
            conf_perr(cur, s->line, "duplicate %s '%s' (first at line %u)",
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
    if ( !sec || conf_sec_index(cur, sec) != n )
        return 0;
    if ( k == SEC_CLASS )
        conf_class_values(cur, sec, &cls);
    else if ( k == SEC_WHEN )
        conf_build_cond(cur, sec, &cond);
    else
        conf_override_values(cur, sec, &ovr);
    cur->sec[n].checked = true;
    return 0;
}

/* ------------------------------------------------------------ parse */

/* The option tables, libconfuse's parse, and the build; cfg_t freed here. */
static int conf_parse(struct pctx *p, const char *text, struct conf *c)
{
    cfg_opt_t when_opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_STR("above", "", CFGF_NONE),
        CFG_STR("below", "", CFGF_NONE),
        CFG_STR("leave", "", CFGF_NONE),
        CFG_STR("missing", "fail", CFGF_NONE),
        CFG_END()
    };
    cfg_opt_t class_opts[] = {
        CFG_INT("__sec", -1, CFGF_NONE),
        CFG_STR("match", "all", CFGF_NONE),
        CFG_SEC("when", when_opts, CFGF_MULTI | CFGF_TITLE),
        CFG_STR("weight", "keep", CFGF_NONE),
        CFG_STR("share", "", CFGF_NONE),
        CFG_STR("cap", "keep", CFGF_NONE),
        CFG_STR("dwell", "", CFGF_NONE),
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
        CFG_STR("effect-check", "10", CFGF_NONE),
        CFG_STR("effect-min", "30%", CFGF_NONE),
        CFG_STR("hold-off", "5m", CFGF_NONE),
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
            conf_perr(p, 0, "cannot parse");
        rc = -EINVAL;
    }
    cur = NULL;
    cfg_free(cfg);
    return rc;
}

static int load_text(const char *name, const char *buf, size_t len,
                     bool system, struct conf **out, char **errors)
{
    struct pctx p = { .name = name, .cur = { -1, -1, -1, -1 },
                      .root_opts = -1, .system = system };
    struct conf *c = NULL;
    char *text = NULL;
    int rc = -EINVAL;

    *out = NULL;
    if ( errors )
        *errors = NULL;
    if ( len > CONF_MAX_SIZE )
    {
        conf_perr(&p, 0, "larger than %u bytes", CONF_MAX_SIZE);
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
        conf_perr(&p, 0, "%s", strerror(-rc));
    if ( rc && errors )
        *errors = conf_perr_text(&p);
    if ( !rc && p.nwarn && !(c->warnings = conf_perr_text(&p)) )
        rc = -ENOMEM;
    if ( rc )
        conf_free(c);
    else
        *out = c;
    free(text);
    conf_pctx_free(&p);
    return rc;
}

int conf_load_buffer(const char *name, const char *buf, size_t len,
                     struct conf **out, char **errors)
{
    return load_text(name, buf, len, false, out, errors);
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
    /* Not blocked by a FIFO or a device: they are refused below. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
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
    rc = load_text(path, buf, len, true, out, errors);

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
    free(c->warnings);
    free(c);
}
