/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.c - the recording writer (coopvmmd --record FILE).
 *
 * It writes only what changed: metadata when it changes, counter deltas
 * when they are not zero, scheduler values when someone other than this
 * daemon changed them.  Memory per domain is allocated when a domain
 * appears, never per poll.  Every line it writes, the reader (replay.c)
 * reads back: a real host's recording always replays.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "file.h"
#include "log.h"
#include "record.h"
#include "uuid.h"

struct rec_dom {
    struct policy_sample last;  /* metadata and counters last written */
    uint32_t exp_w, exp_c;      /* scheduler values we expect to see */
    uint32_t gen;
};

struct recorder {
    gzFile f;                   /* gzip if the name ends in .gz */
    char *path;
    uint64_t last_ns;
    bool started;
    uint32_t gen;
    struct rec_dom **dom;       /* by domid */
    uint32_t *present;          /* domids present, for the sweep */
    unsigned int npresent, npresent_max;
};

uint64_t *record_counter(struct policy_counters *c, unsigned int i)
{
    uint64_t *const f[RECORD_NCOUNTERS] = {
        &c->cpu_ns, &c->pio_read, &c->pio_write, &c->mmio_read,
        &c->mmio_write, &c->ioreq_reps, &c->ioreq_bytes, &c->ioreq_xen,
        &c->ioreq_dm, &c->ioreq_buffered, &c->ioreq_none, &c->vbd_rd_req,
        &c->vbd_wr_req, &c->vbd_rd_sect, &c->vbd_wr_sect, &c->net_rx_pkts,
        &c->net_tx_pkts, &c->net_rx_bytes, &c->net_tx_bytes,
        /* version 2 */
        &c->rs_running_ns, &c->rs_runnable_ns, &c->rs_blocked_ns,
        &c->rs_offline_ns, &c->dm_cpu_ns, &c->dm_runs,
    };

    return f[i];
}

/*
 * The file, for appending: never through a link planted in its
 * directory, never a FIFO, private (a recording shows every guest's
 * load).
 */
static int open_file(const char *path)
{
    const char *base;
    int dirfd = file_dir_open(path, &base), fd;

    if ( dirfd < 0 )
    {
        log_errx("cannot open the recording %s: its directory: %s", path,
                 strerror(-dirfd));
        return dirfd;
    }
    fd = file_open_own(dirfd, base, O_WRONLY | O_APPEND | O_CREAT, 0600);
    close(dirfd);
    if ( fd < 0 )
        log_errx("cannot open the recording %s: %s", path,
                 file_strerror(fd));
    return fd;
}

struct recorder *record_open(const char *path,
                             const struct backend_info *info)
{
    struct recorder *r = calloc(1, sizeof(*r));
    size_t len = strlen(path);
    int fd;

    if ( !r )
        return NULL;
    r->dom = calloc(POLICY_DOMID_LIMIT, sizeof(*r->dom));
    r->path = strdup(path);
    if ( !r->dom || !r->path || (fd = open_file(path)) < 0 )
    {
        record_close(r);
        return NULL;
    }
    /* "T": written as plain text unless the name asks for gzip. */
    r->f = gzdopen(fd, len > 3 && !strcmp(path + len - 3, ".gz") ? "ab"
                                                                  : "abT");
    if ( !r->f )
    {
        close(fd);
        log_errx("cannot open the recording %s: out of memory", path);
        record_close(r);
        return NULL;
    }
    gzprintf(r->f, "%s\nh signals=%#x scheds=%s\n", RECORD_MAGIC,
            info->signals, info->scheds[0] ? info->scheds : "-");
    return r;
}

static bool meta_differs(const struct policy_sample *a,
                         const struct policy_sample *b)
{
    return a->vcpus != b->vcpus || a->cpupool != b->cpupool ||
           a->cpupool_cpus != b->cpupool_cpus || a->sched != b->sched ||
           a->signals != b->signals || a->flags != b->flags ||
           a->stub_of != b->stub_of || strcmp(a->name, b->name);
}

/*
 * The name as the reader takes it back: the rest of the line, possibly
 * empty (a domain xenstore has not named yet), without a byte that
 * would end or break the line.
 */
static void line_safe(char *dst, const char *src, size_t len)
{
    size_t i;

    for ( i = 0; i + 1 < len && src[i]; i++ )
        dst[i] = src[i] == '\n' || src[i] == '\r' ? '?' : src[i];
    dst[i] = '\0';
}

static void write_meta(gzFile f, const struct policy_sample *s)
{
    char uuid[UUID_TEXT_LEN + 1], name[sizeof(s->name)];

    uuid_to_text(s->uuid, uuid);
    line_safe(name, s->name, sizeof(name));
    gzprintf(f, "m %u %s %u %u %u %s %#x %#x %d %s\n", s->domid, uuid,
            s->vcpus, s->cpupool, s->cpupool_cpus, policy_sched_name(s->sched),
            s->signals, s->flags, s->stub_of, name);
}

static void write_counters(gzFile f, struct rec_dom *d,
                           const struct policy_sample *s)
{
    struct policy_counters cur = s->c;
    int64_t delta[RECORD_NCOUNTERS];
    unsigned int i, last = 0;

    for ( i = 0; i < RECORD_NCOUNTERS; i++ )
    {
        delta[i] = (int64_t)(*record_counter(&cur, i) -
                             *record_counter(&d->last.c, i));
        if ( delta[i] )
            last = i + 1;
    }
    if ( !last )
        return;
    gzprintf(f, "c %u", s->domid);
    for ( i = 0; i < last; i++ )
        gzprintf(f, " %" PRId64, delta[i]);
    gzputc(f, '\n');
}

static int track(struct recorder *r, uint32_t domid)
{
    if ( r->npresent == r->npresent_max )
    {
        unsigned int nmax = r->npresent_max ? r->npresent_max * 2 : 256;
        uint32_t *np = realloc(r->present, nmax * sizeof(*np));

        if ( !np )
            return -ENOMEM;
        r->present = np;
        r->npresent_max = nmax;
    }
    r->present[r->npresent++] = domid;
    return 0;
}

/* Domains not seen this poll get their x line. */
static void sweep(struct recorder *r)
{
    unsigned int i, j;

    for ( i = j = 0; i < r->npresent; i++ )
    {
        uint32_t id = r->present[i];

        if ( r->dom[id] && r->dom[id]->gen == r->gen )
        {
            r->present[j++] = id;
            continue;
        }
        gzprintf(r->f, "x %u\n", id);
        free(r->dom[id]);
        r->dom[id] = NULL;
    }
    r->npresent = j;
}

int record_poll(struct recorder *r, uint64_t now_ns,
                const struct policy_sample *s, unsigned int n)
{
    unsigned int i;

    gzprintf(r->f, "t %" PRIu64 "\n",
            r->started ? now_ns - r->last_ns : (uint64_t)0);
    r->started = true;
    r->last_ns = now_ns;
    r->gen++;
    for ( i = 0; i < n; i++ )
    {
        struct rec_dom *d;

        if ( s[i].domid >= POLICY_DOMID_LIMIT )
            continue;
        d = r->dom[s[i].domid];
        if ( d && memcmp(d->last.uuid, s[i].uuid, 16) )
        {
            /* domid reused: the old domain is gone, a new one came */
            gzprintf(r->f, "x %u\n", s[i].domid);
            memset(d, 0, sizeof(*d));
            write_meta(r->f, &s[i]);
            d->exp_w = ~s[i].weight;    /* force a w line */
        }
        else if ( !d )
        {
            d = r->dom[s[i].domid] = calloc(1, sizeof(*d));
            if ( !d || track(r, s[i].domid) )
                return -ENOMEM;
            write_meta(r->f, &s[i]);
            d->exp_w = ~s[i].weight;
        }
        else if ( meta_differs(&d->last, &s[i]) )
            write_meta(r->f, &s[i]);
        if ( s[i].weight != d->exp_w || s[i].cap != d->exp_c )
            gzprintf(r->f, "w %u %u %u\n", s[i].domid, s[i].weight,
                    s[i].cap);
        d->exp_w = s[i].weight;
        d->exp_c = s[i].cap;
        write_counters(r->f, d, &s[i]);
        d->last = s[i];
        d->gen = r->gen;
    }
    sweep(r);
    /* Every poll reaches the file: a crash loses at most this one. */
    if ( gzflush(r->f, Z_SYNC_FLUSH) != Z_OK )
    {
        int zerr;

        log_warnx("write to the recording %s: %s", r->path,
                  gzerror(r->f, &zerr));
        return -EIO;
    }
    return 0;
}

void record_set(struct recorder *r, uint32_t domid, unsigned int mask,
                uint32_t weight, uint32_t cap)
{
    struct rec_dom *d = domid < POLICY_DOMID_LIMIT ? r->dom[domid] : NULL;

    if ( !d )
        return;
    if ( mask & POLICY_SET_WEIGHT )
        d->exp_w = weight;
    if ( mask & POLICY_SET_CAP )
        d->exp_c = cap;
}

void record_close(struct recorder *r)
{
    unsigned int i;

    if ( !r )
        return;
    if ( r->f )
        gzclose(r->f);
    if ( r->dom )
        for ( i = 0; i < r->npresent; i++ )
            free(r->dom[r->present[i]]);
    free(r->dom);
    free(r->present);
    free(r->path);
    free(r);
}
