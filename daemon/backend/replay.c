/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay.c - the replay backend: plays a recording (see record.h) through
 * the same policy and actuator code as a live host.
 *
 * The file is read as a stream, one poll at a time, plain or gzip'd.
 * Scheduler changes go into the replay's model of the host, so the next
 * sample shows them, as a real hypervisor would; with --replay-host the
 * model is kept in a file across runs (replay_host.c).  Any malformed
 * line stops the replay with the file name and line number; nothing is
 * guessed.  Whatever record.c writes, it reads (a domain xenstore has
 * not named yet has an empty name).
 *
 * The model is sized by what the recording holds, not by the domid
 * range: its domains live in pages of DOM_PAGE domids allocated when a
 * domid first appears, so that opening a recording costs little (the
 * fuzz target opens one per input).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "backend.h"
#include "log.h"
#include "record.h"
#include "replay.h"
#include "replay_host.h"
#include "uuid.h"

#define LINE_MAX_LEN 1024
#define DOM_PAGE     32
#define DOM_PAGES    ((POLICY_DOMID_LIMIT + DOM_PAGE - 1) / DOM_PAGE)

struct rdom {
    struct policy_sample s;
    bool present;
};

struct backend {
    gzFile f;                   /* plain text or gzip, zlib tells */
    char *path;
    unsigned int lineno;
    double speed;
    uint64_t now_ns;
    int64_t next_delta;         /* of the next t line; -1 at the end */
    bool have_next;
    bool pending;               /* poll read but not yet handed out */
    struct backend_info info;
    struct rdom *page[DOM_PAGES];   /* by domid / DOM_PAGE, or NULL */
    uint32_t *order;            /* present domids, in order of arrival */
    unsigned int norder, order_max;
    unsigned int ncounters;     /* counters a c line may hold (version) */
    struct replay_host *host;   /* --replay-host: kept across runs */
    char line[LINE_MAX_LEN];
};

static int bad(struct backend *b, const char *what)
{
    log_warnx("%s:%u: %s", b->path, b->lineno, what);
    return -EINVAL;
}

/* Next line into b->line (no newline); 0, 1 at EOF, or -EINVAL. */
static int next_line(struct backend *b)
{
    size_t len;

    do {
        if ( !gzgets(b->f, b->line, sizeof(b->line)) )
        {
            int zerr;
            const char *msg = gzerror(b->f, &zerr);

            if ( zerr != Z_OK )     /* Z_BUF_ERROR: cut short */
                return bad(b, msg);
            if ( !gzeof(b->f) )
                return bad(b, "read error");
            return 1;
        }
        b->lineno++;
        len = strlen(b->line);
        if ( len && b->line[len - 1] == '\n' )
            b->line[--len] = '\0';
        else if ( !gzeof(b->f) )
            return bad(b, "line too long");
        else
            return bad(b, "truncated recording (last line is incomplete)");
        if ( strlen(b->line) != len )
            return bad(b, "NUL byte in a line");
    } while ( b->line[0] == '#' || !b->line[0] );
    return 0;
}

static int parse_u32(const char *tok, uint32_t *v)
{
    char *end;
    unsigned long long x;

    if ( !tok || *tok == '-' )
        return -1;
    errno = 0;
    x = strtoull(tok, &end, 0);
    if ( errno || *end || x > UINT32_MAX )
        return -1;
    *v = x;
    return 0;
}

/* Domain `id` of the model; its page made if `make` (NULL: no memory). */
static struct rdom *dom_at(struct backend *b, uint32_t id, bool make)
{
    struct rdom **pg = &b->page[id / DOM_PAGE];

    if ( !*pg && make )
        *pg = calloc(DOM_PAGE, sizeof(**pg));
    return *pg ? &(*pg)[id % DOM_PAGE] : NULL;
}

/* The domain a token names; NULL if malformed or not known (!make). */
static struct rdom *dom_of(struct backend *b, const char *tok, bool make,
                           uint32_t *domid)
{
    struct rdom *d;
    uint32_t id;

    if ( parse_u32(tok, &id) || id >= POLICY_DOMID_LIMIT )
        return NULL;
    d = dom_at(b, id, make);
    if ( !d || (!make && !d->present) )
        return NULL;
    *domid = id;
    return d;
}

static void drop(struct backend *b, uint32_t id)
{
    unsigned int i;

    dom_at(b, id, false)->present = false;
    for ( i = 0; i < b->norder; i++ )
        if ( b->order[i] == id )
        {
            memmove(&b->order[i], &b->order[i + 1],
                    (b->norder - i - 1) * sizeof(b->order[0]));
            b->norder--;
            return;
        }
}

static int line_meta(struct backend *b, char *args)
{
    char *tok[10], *save = NULL, *name;
    struct policy_sample ns = { 0 };
    struct rdom *d;
    int i, sched;
    uint32_t stub, id = 0;

    for ( i = 0; i < 9; i++ )
        tok[i] = strtok_r(i ? NULL : args, " ", &save);
    /* The rest of the line; empty for a domain not named yet. */
    name = strtok_r(NULL, "", &save);
    if ( !name )
        name = "";
    d = dom_of(b, tok[0], true, &id);
    if ( !d || !tok[8] || uuid_from_text(tok[1], ns.uuid) ||
         parse_u32(tok[2], &ns.vcpus) || parse_u32(tok[3], &ns.cpupool) ||
         parse_u32(tok[4], &ns.cpupool_cpus) ||
         (sched = policy_sched_lookup(tok[5])) < 0 ||
         parse_u32(tok[6], &ns.signals) || parse_u32(tok[7], &ns.flags) ||
         (strcmp(tok[8], "-1") && parse_u32(tok[8], &stub)) ||
         strlen(name) >= sizeof(ns.name) )
        return bad(b, "malformed m line");
    ns.domid = id;
    ns.sched = sched;
    ns.stub_of = strcmp(tok[8], "-1") ? (int32_t)stub : -1;
    snprintf(ns.name, sizeof(ns.name), "%s", name);
    if ( d->present && !memcmp(d->s.uuid, ns.uuid, 16) )
    {
        /* metadata change: keep counters and scheduler values */
        ns.c = d->s.c;
        ns.weight = d->s.weight;
        ns.cap = d->s.cap;
        d->s = ns;
        return 0;
    }
    if ( d->present )
        drop(b, ns.domid);
    if ( b->norder == b->order_max )
    {
        unsigned int nmax = b->order_max ? b->order_max * 2 : 64;
        uint32_t *no = realloc(b->order, nmax * sizeof(*no));

        if ( !no )
            return bad(b, "out of memory");
        b->order = no;
        b->order_max = nmax;
    }
    d->s = ns;
    d->present = true;
    b->order[b->norder++] = ns.domid;
    return 0;
}

static int line_weight(struct backend *b, char *args)
{
    char *save = NULL;
    uint32_t w, c, id;
    struct rdom *d = dom_of(b, strtok_r(args, " ", &save), false, &id);

    if ( !d || parse_u32(strtok_r(NULL, " ", &save), &w) ||
         parse_u32(strtok_r(NULL, " ", &save), &c) ||
         strtok_r(NULL, " ", &save) )
        return bad(b, "malformed w line, or unknown domain");
    if ( b->host && replay_host_recorded(b->host, d->s.uuid, &w, &c) )
        return -ENOMEM;
    d->s.weight = w;
    d->s.cap = c;
    return 0;
}

static int line_counters(struct backend *b, char *args)
{
    char *save = NULL, *tok, *end;
    uint32_t id;
    struct rdom *d = dom_of(b, strtok_r(args, " ", &save), false, &id);
    unsigned int i = 0;

    if ( !d )
        return bad(b, "c line for an unknown domain");
    while ( (tok = strtok_r(NULL, " ", &save)) )
    {
        long long v;

        errno = 0;
        v = strtoll(tok, &end, 10);
        if ( errno || *end || i == b->ncounters )
            return bad(b, "malformed c line");
        *record_counter(&d->s.c, i++) += (uint64_t)v;
    }
    return 0;
}

static int line_gone(struct backend *b, char *args)
{
    uint32_t id;

    if ( !dom_of(b, args, false, &id) )
        return bad(b, "x line for an unknown domain");
    drop(b, id);
    return 0;
}

static int line_host(struct backend *b, char *args)
{
    char *scheds = strstr(args, "scheds=");
    unsigned int sig;

    if ( sscanf(args, "signals=%x", &sig) != 1 || !scheds )
        return bad(b, "malformed h line");
    b->info.signals = sig;
    snprintf(b->info.scheds, sizeof(b->info.scheds), "%s", scheds + 7);
    return 0;
}

static int parse_delta(struct backend *b)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(b->line + 2, &end, 10);
    if ( errno || *end || b->line[2] == '-' || !b->line[2] ||
         v > INT64_MAX )
        return bad(b, "malformed t line");
    b->next_delta = v;
    b->have_next = true;
    return 0;
}

/* Read lines up to the next t line (kept as next_delta) or EOF. */
static int read_poll(struct backend *b)
{
    int rc;

    b->have_next = false;
    while ( (rc = next_line(b)) == 0 )
    {
        char *args = b->line + 2;

        if ( !strcmp(b->line, RECORD_MAGIC) ||
             !strcmp(b->line, RECORD_MAGIC_V1) )
        {
            b->ncounters = b->line[strlen(b->line) - 1] == '1'
                           ? RECORD_NCOUNTERS_V1 : RECORD_NCOUNTERS;
            while ( b->norder )
                drop(b, b->order[0]);
            continue;
        }
        if ( b->line[1] != ' ' && b->line[0] != 't' )
            return bad(b, "unknown record");
        switch ( b->line[0] )
        {
        case 't': return b->line[1] == ' ' ? parse_delta(b)
                                           : bad(b, "malformed t line");
        case 'h': rc = line_host(b, args); break;
        case 'm': rc = line_meta(b, args); break;
        case 'w': rc = line_weight(b, args); break;
        case 'c': rc = line_counters(b, args); break;
        case 'x': rc = line_gone(b, args); break;
        default: rc = bad(b, "unknown record");
        }
        if ( rc )
            return rc;
    }
    return rc < 0 ? rc : 0;
}

static void replay_close(struct backend *b)
{
    unsigned int i;

    if ( !b )
        return;
    if ( b->f )
        gzclose(b->f);
    for ( i = 0; i < DOM_PAGES; i++ )
        free(b->page[i]);
    replay_host_close(b->host);
    free(b->order);
    free(b->path);
    free(b);
}

/* The recording: a regular file (a FIFO would block the start), plain or gzip. */
static int open_file(struct backend *b)
{
    int fd = open(b->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    int rc;

    if ( fd < 0 || fstat(fd, &st) < 0 )
    {
        rc = -errno;
        log_errx("cannot open the recording %s: %s", b->path,
                 strerror(-rc));
        if ( fd >= 0 )
            close(fd);
        return rc;
    }
    if ( !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) < 0 ||
         !(b->f = gzdopen(fd, "rb")) )
    {
        log_errx("cannot open the recording %s: %s", b->path,
                 S_ISREG(st.st_mode) ? "out of memory" :
                 "not a regular file");
        close(fd);
        return S_ISREG(st.st_mode) ? -ENOMEM : -EINVAL;
    }
    return 0;
}

static int replay_open(struct backend **out, const struct backend_args *a)
{
    struct backend *b = calloc(1, sizeof(*b));
    int rc;

    if ( !b )
        return -ENOMEM;
    b->speed = a->speed;
    b->path = strdup(a->replay_path ? a->replay_path : "");
    if ( !b->path )
    {
        replay_close(b);
        return -ENOMEM;
    }
    if ( a->replay_host && (rc = replay_host_open(&b->host, a->replay_host)) )
    {
        replay_close(b);
        return rc;
    }
    rc = open_file(b);
    if ( rc )
    {
        replay_close(b);
        return rc;
    }
    rc = next_line(b);
    if ( !rc && !strcmp(b->line, RECORD_MAGIC_V1) )
        b->ncounters = RECORD_NCOUNTERS_V1;
    else if ( !rc && !strcmp(b->line, RECORD_MAGIC) )
        b->ncounters = RECORD_NCOUNTERS;
    else
    {
        rc = bad(b, "not a coopvmm recording (no \"" RECORD_MAGIC
                    "\" header)");
        replay_close(b);
        return rc;
    }
    /* Everything before the first poll: host line, first domains. */
    rc = read_poll(b);
    if ( rc || !b->have_next )
    {
        rc = rc ? rc : bad(b, "recording holds no poll");
        replay_close(b);
        return rc;
    }
    snprintf(b->info.detail, sizeof(b->info.detail), "replaying %s",
             b->path);
    *out = b;
    return 0;
}

static int replay_sample(struct backend *b, struct policy_sample *s,
                         unsigned int max, uint64_t *now_ns)
{
    unsigned int i;
    int rc;

    if ( !b->pending )
    {
        if ( !b->have_next )
            return -ENODATA;
        b->now_ns += b->next_delta;
        rc = read_poll(b);
        if ( rc )
            return rc;
    }
    /* Too many for the caller: keep this poll for its next, larger call. */
    b->pending = b->norder > max;
    if ( b->pending )
        return -ENOSPC;
    for ( i = 0; i < b->norder; i++ )
        s[i] = dom_at(b, b->order[i], false)->s;
    *now_ns = b->now_ns;
    return b->norder;
}

/* The modelled domain a sample stands for, or NULL (-ESRCH). */
static struct rdom *sampled(struct backend *b, const struct policy_sample *s)
{
    struct rdom *d = s->domid < POLICY_DOMID_LIMIT ?
                     dom_at(b, s->domid, false) : NULL;

    if ( !d || !d->present || memcmp(d->s.uuid, s->uuid, 16) )
        return NULL;
    return d;
}

static int replay_get(struct backend *b, const struct policy_sample *s,
                      uint32_t *weight, uint32_t *cap)
{
    struct rdom *d = sampled(b, s);

    if ( !d )
        return -ESRCH;
    *weight = d->s.weight;
    *cap = d->s.cap;
    return 0;
}

static int replay_set(struct backend *b, const struct policy_sample *s,
                      unsigned int mask, uint32_t weight, uint32_t cap)
{
    struct rdom *d = sampled(b, s);

    if ( !d )
        return -ESRCH;
    if ( d->s.sched == POLICY_SCHED_OTHER )
        return -EINVAL;
    if ( mask & POLICY_SET_WEIGHT )
        d->s.weight = weight;
    if ( mask & POLICY_SET_CAP )
        d->s.cap = cap;
    /* As a hypervisor would, the host keeps it whatever becomes of us. */
    if ( b->host )
        replay_host_set(b->host, d->s.uuid, d->s.weight, d->s.cap);
    return 0;
}

static void replay_info(struct backend *b, struct backend_info *out)
{
    *out = b->info;
}

static int replay_progress(struct backend *b, uint64_t *done,
                           uint64_t *total)
{
    z_off_t off = gzoffset(b->f);
    struct stat st;

    if ( off < 0 || stat(b->path, &st) < 0 )
        return -EIO;
    *done = (uint64_t)off;
    *total = (uint64_t)st.st_size;
    return 0;
}

static int64_t replay_next_delay(struct backend *b)
{
    double ns;

    if ( !b->have_next || b->speed <= 0 )
        return 0;
    /* A day at most: a huge t line at a slow pace stays a number. */
    ns = b->next_delta / b->speed;
    return ns < 86400e9 ? (int64_t)ns : (int64_t)86400e9;
}

const struct backend_ops backend_replay = {
    .name = "replay",
    .finite = true,
    .open = replay_open,
    .sample = replay_sample,
    .get = replay_get,
    .set = replay_set,
    .info = replay_info,
    .next_delay = replay_next_delay,
    .progress = replay_progress,
    .close = replay_close,
};
