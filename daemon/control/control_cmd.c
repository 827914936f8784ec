/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control_cmd.c - coopvmmd's control socket, the request half: the
 * dispatcher (check a request line against the command table and the
 * client's rights) and the commands, each building its JSON reply.
 *
 * A request is untrusted: it is parsed and the reply built with jansson
 * only, every argument is checked before use, and every string that goes
 * out is cleaned (jansson refuses invalid UTF-8).  State is changed only
 * through the daemon_* calls of daemon.h.  It must not do socket I/O or
 * block: control.c owns the connections.  status and metrics are built
 * by control_build.c from the pieces here (control_status_daemon(),
 * control_status_domain()), which also answers a request without a
 * connection (control_handle_request()).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "control_cmd.h"
#include "control_status.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "uuid.h"
#include "version.h"

#define TRACE_BATCH     256
#define TRACE_MAX_REPLY 4096    /* records per iotrace reply */

/* ---------------------------------------------------------- Requests */

/*
 * A JSON string of at most `max` bytes of `s`, cleaned: jansson refuses
 * invalid UTF-8, and names, config lines and parser messages may hold
 * anything.  Never NULL unless out of memory.
 */
static json_t *jtext(const char *s, size_t max)
{
    size_t n = strnlen(s, max);
    char *clean = malloc(n + 1);
    json_t *j;

    if ( !clean )
        return NULL;
    metrics_clean_text(clean, n + 1, s, n);
    j = json_string(clean);
    free(clean);
    return j;
}

/* Replies with "ok": false and a message; handlers return -1 through it. */
static int fail(json_t *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(json_t *rep, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_set_new(rep, "error", jtext(msg, sizeof(msg)));
    return -1;
}

/* A real, or null when not finite (JSON has no NaN). */
static json_t *jreal(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *class_name(const struct daemon *d, int cls)
{
    return policy_class_name(d->conf ? &d->conf->policy : NULL, cls);
}

static const char *unmanaged_name(enum policy_unmanaged u)
{
    switch ( u )
    {
    case POLICY_MANAGED: return NULL;
    case POLICY_EXCL_DOM0: return "dom0";
    case POLICY_EXCL_OVERRIDE: return "override";
    case POLICY_EXCL_SCHED: return "scheduler";
    case POLICY_EXCL_DYING: return "dying";
    }
    return "unknown";
}

static json_t *signal_list(uint32_t sig)
{
    json_t *a = json_array();

    if ( sig & POLICY_HAS_CPU )
        json_array_append_new(a, json_string("cpu"));
    if ( sig & POLICY_HAS_IOREQ )
        json_array_append_new(a, json_string("ioreq"));
    if ( sig & POLICY_HAS_VBD )
        json_array_append_new(a, json_string("vbd"));
    if ( sig & POLICY_HAS_NET )
        json_array_append_new(a, json_string("net"));
    if ( sig & POLICY_HAS_RUNSTATE )
        json_array_append_new(a, json_string("runstate"));
    if ( sig & POLICY_HAS_DM )
        json_array_append_new(a, json_string("dm"));
    return a;
}

/* A smoothed rate, or null if not known (first poll, missing signal). */
static json_t *rate(const struct policy_sample *s,
                    const struct policy_decision *dc, uint32_t sig,
                    enum policy_metric m)
{
    if ( !dc->rates_valid || !(s->signals & sig) )
        return json_null();
    return jreal(dc->metric[m]);
}

json_t *control_status_domain(const struct daemon *d, unsigned int i)
{
    const struct policy_sample *s = &d->samples[i];
    const struct policy_decision *dc = &d->decisions[i];
    const char *um = unmanaged_name(dc->unmanaged);
    json_t *o = json_object();
    json_t *share = json_null();
    char uuid[UUID_TEXT_LEN + 1];
    double age = 0;

    uuid_to_text(s->uuid, uuid);
    /* since_ns and last_poll_ns are both sample time (recorded on replay). */
    if ( d->stats.last_poll_ns >= dc->since_ns && dc->since_ns )
        age = (double)(d->stats.last_poll_ns - dc->since_ns) / 1e9;
    if ( dc->rates_valid && (s->signals & POLICY_HAS_IOREQ) &&
         dc->metric[M_IOREQ] > 0 )
    {
        json_decref(share);
        share = jreal(dc->metric[M_IOREQ_DM] / dc->metric[M_IOREQ]);
    }
    json_object_set_new(o, "domid", json_integer(s->domid));
    json_object_set_new(o, "name", jtext(s->name, sizeof(s->name)));
    json_object_set_new(o, "uuid", json_string(uuid));
    json_object_set_new(o, "pool", json_integer(s->cpupool));
    json_object_set_new(o, "sched", json_string(policy_sched_name(s->sched)));
    json_object_set_new(o, "vcpus", json_integer(s->vcpus));
    json_object_set_new(o, "managed", json_boolean(!um));
    json_object_set_new(o, "unmanaged", um ? json_string(um) : json_null());
    json_object_set_new(o, "class", json_string(class_name(d, dc->cls)));
    json_object_set_new(o, "class_age_s", jreal(age));
    json_object_set_new(o, "pinned", json_boolean(dc->pinned));
    json_object_set_new(o, "reason",
                        jtext(dc->reason, sizeof(dc->reason)));
    json_object_set_new(o, "signals", signal_list(s->signals));
    json_object_set_new(o, "ioreq_per_s",
                        rate(s, dc, POLICY_HAS_IOREQ, M_IOREQ));
    json_object_set_new(o, "ioreq_dm_share", share);
    json_object_set_new(o, "vbd_iops",
                        rate(s, dc, POLICY_HAS_VBD, M_VBD_IOPS));
    json_object_set_new(o, "net_pkts_per_s",
                        rate(s, dc, POLICY_HAS_NET, M_NET_PKTS));
    json_object_set_new(o, "cpu_pct", rate(s, dc, POLICY_HAS_CPU, M_CPU));
    json_object_set_new(o, "dm_pid", s->dm_pid > 0 ? json_integer(s->dm_pid)
                                                   : json_null());
    /* dm_cpu_pct, dm_runs_per_s: control_status.c, with the metrics. */
    json_object_set_new(o, "pool_cpus", json_integer(s->cpupool_cpus));
    json_object_set_new(o, "affinity_cpus", s->affinity_cpus ?
                        json_integer(s->affinity_cpus) : json_null());
    json_object_set_new(o, "hard_pinned",
                        json_boolean(s->flags & POLICY_DOM_PINNED));
    json_object_set_new(o, "weight", json_integer(s->weight));
    json_object_set_new(o, "base_weight", json_integer(s->base_weight));
    json_object_set_new(o, "target_weight", json_integer(dc->weight));
    json_object_set_new(o, "cap", json_integer(s->cap));
    json_object_set_new(o, "base_cap", json_integer(s->base_cap));
    json_object_set_new(o, "target_cap", json_integer(dc->cap));
    status_add_domain(o, d, i);
    return o;
}

json_t *control_status_daemon(const struct daemon *d)
{
    json_t *dm = json_object();
    unsigned int i, managed = 0;

    for ( i = 0; i < d->ndoms; i++ )
        managed += d->decisions[i].unmanaged == POLICY_MANAGED;
    json_object_set_new(dm, "version", json_string(daemon_version));
    json_object_set_new(dm, "backend", json_string(d->ops && d->ops->name ?
                                                   d->ops->name : "none"));
    json_object_set_new(dm, "schedulers",
                        jtext(d->info.scheds, sizeof(d->info.scheds)));
    json_object_set_new(dm, "detail",
                        jtext(d->info.detail, sizeof(d->info.detail)));
    json_object_set_new(dm, "policy", d->conf && d->conf->name ?
                        jtext(d->conf->name, POLICY_NAME_MAX * 4) :
                        json_null());
    json_object_set_new(dm, "interval_ms", json_integer(d->conf ?
                        (json_int_t)(d->conf->interval_ns / 1000000) : 0));
    json_object_set_new(dm, "dry_run", json_boolean(d->dry_run));
    json_object_set_new(dm, "paused", json_boolean(d->paused));
    /* What the samples carry, once there are some (see control_status.c). */
    json_object_set_new(dm, "signals", signal_list(d->stats.polls ?
                        d->sample_signals : d->info.signals));
    json_object_set_new(dm, "domains", json_integer(d->ndoms));
    json_object_set_new(dm, "managed", json_integer(managed));
    json_object_set_new(dm, "polls", json_integer((json_int_t)d->stats.polls));
    json_object_set_new(dm, "decisions",
                        json_integer((json_int_t)d->stats.decisions));
    json_object_set_new(dm, "scheduler_changes",
                        json_integer((json_int_t)d->stats.sets));
    json_object_set_new(dm, "failed_calls",
                        json_integer((json_int_t)d->stats.failed_calls));
    json_object_set_new(dm, "poll_duration_s",
                        jreal(d->stats.last_poll_dur_ns / 1e9));
    return dm;
}

static json_t *split_lines(const char *text)
{
    json_t *a = json_array();
    const char *p = text, *nl;

    while ( p && *p )
    {
        nl = strchr(p, '\n');
        if ( nl != p )
            json_array_append_new(a, jtext(p, nl ? (size_t)(nl - p) :
                                              strlen(p)));
        p = nl ? nl + 1 : NULL;
    }
    return a;
}

static int cmd_reload(struct ctx *x, json_t *req, json_t *rep)
{
    char *errors = NULL;
    int rc;

    (void)req;
    rc = daemon_reload(x->d, &errors);
    if ( errors )
    {
        json_object_set_new(rep, "errors", split_lines(errors));
        free(errors);
    }
    if ( rc < 0 )
        return fail(rep, "reload failed (%s); the old configuration stays "
                    "in force", strerror(-rc));
    if ( x->d->conf->warnings )
        json_object_set_new(rep, "warnings",
                            split_lines(x->d->conf->warnings));
    json_object_set_new(rep, "message",
                        json_string("configuration reloaded"));
    return 0;
}

/* The reply of a command that only switches the daemon's state. */
static int switched(json_t *rep, int rc, const char *what, const char *msg)
{
    if ( rc < 0 )
        return fail(rep, "%s failed: %s", what, strerror(-rc));
    json_object_set_new(rep, "message", json_string(msg));
    return 0;
}

static int cmd_pause(struct ctx *x, json_t *req, json_t *rep)
{
    (void)req;
    int rc = daemon_pause(x->d);

    return switched(rep, rc, "pause", rc == 1 ? "already paused: nothing "
                    "changed" : "paused: base values restored, observing "
                    "only");
}

static int cmd_resume(struct ctx *x, json_t *req, json_t *rep)
{
    (void)req;
    int rc = daemon_resume(x->d);

    return switched(rep, rc, "resume", rc == 1 ? "not paused: nothing "
                    "changed" : "resumed");
}

static int pin_common(struct ctx *x, json_t *req, json_t *rep, bool pin)
{
    const char *dom = json_string_value(json_object_get(req, "domain"));
    const char *cls = json_string_value(json_object_get(req, "class"));
    char err[256] = "";
    int rc;

    if ( !dom || !*dom || strlen(dom) >= POLICY_NAME_MAX )
        return fail(rep, "%s: \"domain\" must be a domain name or domid",
                    pin ? "pin" : "unpin");
    if ( pin && (!cls || !*cls || strlen(cls) >= POLICY_CLASS_MAX) )
        return fail(rep, "pin: \"class\" must be a class name");
    rc = daemon_pin(x->d, dom, pin ? cls : NULL, err, sizeof(err));
    if ( rc < 0 )
        return fail(rep, "%s", *err ? err : strerror(-rc));
    snprintf(err, sizeof(err), pin ? "pinned %s to class %s" :
             "unpinned %s", dom, cls);
    json_object_set_new(rep, "message", jtext(err, sizeof(err)));
    return 0;
}

static int cmd_pin(struct ctx *x, json_t *req, json_t *rep)
{
    return pin_common(x, req, rep, true);
}

static int cmd_unpin(struct ctx *x, json_t *req, json_t *rep)
{
    return pin_common(x, req, rep, false);
}

/* ----------------------------------------------------------- iotrace */

/*
 * One trace record.  Addresses, data and RIP are 64-bit unsigned, past
 * what a JSON integer holds everywhere (jansson's are signed): hex text.
 */
static json_t *trace_json(const struct backend_trace_rec *r)
{
    char addr[20], data[20], rip[20];

    snprintf(addr, sizeof(addr), "0x%" PRIx64, r->addr);
    snprintf(data, sizeof(data), "0x%" PRIx64, r->data);
    snprintf(rip, sizeof(rip), "0x%" PRIx64, r->rip);
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:s, "
                     "s:s}",
                     "ts_ns", (json_int_t)(r->ts_ns & INT64_MAX),
                     "vcpu", (json_int_t)r->vcpu,
                     "kind", r->mmio ? "mmio" : "pio",
                     "dir", r->write ? "write" : "read",
                     "addr", addr,
                     "size", (json_int_t)r->size,
                     "count", (json_int_t)r->count,
                     "data", data,
                     "data_is_ptr", r->data_is_ptr,
                     "rip", rip,
                     "handler", r->handler ? r->handler : "unknown");
}

static int trace_drain(struct ctx *x, json_t *rep)
{
    struct daemon *d = x->d;
    struct backend_trace_rec rec[TRACE_BATCH];
    json_t *a = json_array();
    uint64_t over, overruns = 0;
    size_t total = 0;
    int rc, i;

    json_object_set_new(rep, "records", a);
    do
    {
        over = 0;
        rc = daemon_iotrace(d, x->cl->trace_domid, TRACE_READ, rec,
                            TRACE_BATCH, &over);
        if ( rc < 0 )
            return fail(rep, "iotrace: reading the trace of domain %" PRIu32
                        " failed: %s", x->cl->trace_domid, strerror(-rc));
        overruns += over;
        for ( i = 0; i < rc && i < TRACE_BATCH; i++ )
            json_array_append_new(a, trace_json(&rec[i]));
        total += (size_t)rc;
    } while ( rc == TRACE_BATCH && total < TRACE_MAX_REPLY );
    json_object_set_new(rep, "overruns", json_integer((json_int_t)overruns));
    json_object_set_new(rep, "domid", json_integer(x->cl->trace_domid));
    return 0;
}

static int cmd_iotrace(struct ctx *x, json_t *req, json_t *rep)
{
    struct daemon *d = x->d;
    const char *dom = json_string_value(json_object_get(req, "domain"));
    const struct policy_sample *s;
    unsigned int i;
    int idx, rc;

    if ( !x->cl )
        return fail(rep, "iotrace: only over a control connection");
    if ( x->cl->tracing )
        return trace_drain(x, rep);
    if ( !dom || !*dom || strlen(dom) >= POLICY_NAME_MAX )
        return fail(rep, "iotrace: \"domain\" must be a domain name or "
                    "domid");
    if ( !daemon_has_iotrace(d) )
        return fail(rep, "iotrace: the %s backend has no trace support",
                    d->ops && d->ops->name ? d->ops->name : "current");
    idx = daemon_find_domain(d, dom);
    if ( idx < 0 || (unsigned int)idx >= d->ndoms )
        return fail(rep, "iotrace: no domain '%s'", dom);
    s = &d->samples[idx];
    for ( i = 0; i < CONTROL_MAX_CLIENTS; i++ )
        if ( x->c->cl[i] && x->c->cl[i]->tracing &&
             x->c->cl[i]->trace_domid == s->domid )
            return fail(rep, "iotrace: domain %" PRIu32 " is already traced "
                        "by another client", s->domid);
    rc = daemon_iotrace(d, s->domid, TRACE_ON, NULL, 0, NULL);
    if ( rc < 0 )
        return fail(rep, "iotrace: cannot trace domain %" PRIu32 ": %s",
                    s->domid, rc == -ENOSYS || rc == -EOPNOTSUPP ?
                    "the hypervisor has no trace support" : strerror(-rc));
    x->cl->tracing = true;
    x->cl->trace_domid = s->domid;
    log_info("iotrace: domain %" PRIu32 " traced for uid %u", s->domid,
             (unsigned int)x->cl->uid);
    json_object_set_new(rep, "name", jtext(s->name, sizeof(s->name)));
    return trace_drain(x, rep);
}

/* --------------------------------------------------------- dispatcher */

enum need { NEED_READ, NEED_WRITE };

/*
 * A command either has a handler, or its reply is the same for every
 * client of a daemon generation (`shared`): built once, between polls,
 * by control_build.c.
 */
static const struct command {
    const char *name;
    enum need need;
    const char *args[3];        /* allowed keys besides version, command */
    int (*fn)(struct ctx *x, json_t *req, json_t *rep);
    int shared;                 /* CONTROL_SHARED_* or CONTROL_SHARED_NONE */
} commands[] = {
    { "status",  NEED_READ,  { NULL }, NULL, CONTROL_SHARED_STATUS },
    { "metrics", NEED_READ,  { NULL }, NULL, CONTROL_SHARED_METRICS },
    { "reload",  NEED_WRITE, { NULL }, cmd_reload, CONTROL_SHARED_NONE },
    { "pause",   NEED_WRITE, { NULL }, cmd_pause, CONTROL_SHARED_NONE },
    { "resume",  NEED_WRITE, { NULL }, cmd_resume, CONTROL_SHARED_NONE },
    { "pin",     NEED_WRITE, { "domain", "class", NULL }, cmd_pin,
      CONTROL_SHARED_NONE },
    { "unpin",   NEED_WRITE, { "domain", NULL }, cmd_unpin,
      CONTROL_SHARED_NONE },
    /* Root only: it shows guests' I/O data and slows their I/O. */
    { "iotrace", NEED_WRITE, { "domain", NULL }, cmd_iotrace,
      CONTROL_SHARED_NONE },
};

static bool allowed_key(const struct command *cmd, const char *key)
{
    unsigned int i;

    if ( !strcmp(key, "version") || !strcmp(key, "command") )
        return true;
    for ( i = 0; cmd->args[i]; i++ )
        if ( !strcmp(key, cmd->args[i]) )
            return true;
    return false;
}

/* Check a parsed request; returns its command or NULL (reply filled). */
static const struct command *check(json_t *req, json_t *rep,
                                   bool may_read, bool may_write)
{
    const struct command *cmd = NULL;
    json_t *v = json_object_get(req, "version");
    const char *name, *key;
    json_t *val;
    unsigned int i;

    if ( !json_is_object(req) )
        return fail(rep, "request is not a JSON object"), NULL;
    if ( !json_is_integer(v) )
        return fail(rep, "request has no protocol \"version\""), NULL;
    if ( json_integer_value(v) != CONTROL_PROTO_VERSION )
        return fail(rep, "protocol version %" JSON_INTEGER_FORMAT " not "
                    "supported (coopvmmd speaks %d): update coopctl",
                    json_integer_value(v), CONTROL_PROTO_VERSION), NULL;
    name = json_string_value(json_object_get(req, "command"));
    if ( !name )
        return fail(rep, "request has no \"command\""), NULL;
    for ( i = 0; i < sizeof(commands) / sizeof(commands[0]); i++ )
        if ( !strcmp(name, commands[i].name) )
            cmd = &commands[i];
    if ( !cmd )
        return fail(rep, "unknown command"), NULL;
    json_object_foreach(req, key, val)
        if ( !allowed_key(cmd, key) )
            return fail(rep, "%s: unknown argument \"%.64s\"", cmd->name,
                        key), NULL;
    if ( cmd->need == NEED_WRITE && !may_write )
        return fail(rep, "permission denied: %s is for root only",
                    cmd->name), NULL;
    if ( !may_read )
        return fail(rep, "permission denied: %s is for root and the "
                    "socket's group", cmd->name), NULL;
    return cmd;
}

char *control_dispatch(struct ctx *x, const char *line, size_t len,
                       bool may_read, bool may_write, bool *close_after,
                       int *shared)
{
    const struct command *cmd;
    json_error_t jerr;
    json_t *req, *rep;
    char *out;
    int rc = -1;

    *shared = CONTROL_SHARED_NONE;
    if ( len && line[len - 1] == '\n' )
        len--;
    rep = json_object();
    if ( !rep )
        return NULL;
    json_object_set_new(rep, "version", json_integer(CONTROL_PROTO_VERSION));
    json_object_set_new(rep, "ok", json_false());
    *close_after = true;
    if ( len >= CONTROL_REQ_MAX )
    {
        fail(rep, "request too long (limit %d bytes)", CONTROL_REQ_MAX);
        goto out;
    }
    req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if ( !req )
    {
        fail(rep, "malformed request: %s", jerr.text);
        goto out;
    }
    cmd = check(req, rep, may_read, may_write);
    if ( cmd && cmd->shared != CONTROL_SHARED_NONE )
    {
        *close_after = false;
        *shared = cmd->shared;
        json_decref(req);
        json_decref(rep);
        return NULL;
    }
    if ( cmd )
    {
        /* A refused or failed command is well-formed: keep the link. */
        *close_after = false;
        json_object_set_new(rep, "command", json_string(cmd->name));
        rc = cmd->fn(x, req, rep);
    }
    else if ( json_object_get(rep, "error") &&
              !strncmp(json_string_value(json_object_get(rep, "error")),
                       "permission denied", 17) )
        *close_after = false;
    json_decref(req);
    if ( !rc )
        json_object_set_new(rep, "ok", json_true());

 out:
    out = json_dumps(rep, JSON_COMPACT | JSON_REAL_PRECISION(9));
    json_decref(rep);
    return out;
}
