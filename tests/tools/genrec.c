/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * genrec.c - generate SYNTHETIC recordings for tests and benchmarks.
 *
 * It drives the real recording writer (daemon/backend/record.c) with made-up
 * loads, so the files are in exactly the format coopvmmd --record writes.
 * The loads are deterministic.  Scenarios:
 *
 *   genrec demo FILE [SECS]     a small host whose domains change phase
 *                               (90 s unless SECS says longer)
 *   genrec scale N POLLS FILE   N domains, mixed steady loads
 *   genrec churn EVENTS FILE    domains created and destroyed, domids reused
 *   genrec step DWELL FILE      one domain idle -> heavy I/O -> idle, plus
 *                               one hovering around the io threshold
 *   genrec effect FILE          runstate, and two pools: where a
 *                               favoured server's wait falls (helped) and
 *                               where it does not (undone); long names
 *   genrec day N POLLS FILE     N domains in pools of 10, phases of I/O
 *                               and CPU that come and go, waits from a
 *                               model of each pool's contention (the
 *                               replay report's benchmark: a day at 1 s)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "log.h"
#include "record.h"

#define SEC 1000000000ull

struct load {
    double cpu;                 /* fraction of each vCPU */
    double pio, mmio, vbd, net; /* per second */
};

static void advance(struct policy_sample *s, const struct load *l,
                    double dt)
{
    uint64_t pio = l->pio * dt, mmio = l->mmio * dt;

    s->c.cpu_ns += (uint64_t)(l->cpu * s->vcpus * dt * 1e9);
    s->c.pio_write += pio / 2;
    s->c.pio_read += pio - pio / 2;
    s->c.mmio_read += mmio;
    s->c.ioreq_bytes += 2 * pio + 4 * mmio;
    s->c.ioreq_none += pio;
    s->c.ioreq_xen += mmio;
    s->c.vbd_rd_req += (uint64_t)(l->vbd * dt);
    s->c.vbd_rd_sect += (uint64_t)(l->vbd * dt * 8);
    s->c.net_rx_pkts += (uint64_t)(l->net * dt);
    s->c.net_rx_bytes += (uint64_t)(l->net * dt * 600);
}

static void dom(struct policy_sample *s, uint32_t domid, uint32_t gen,
                const char *name, uint32_t vcpus)
{
    memset(s, 0, sizeof(*s));
    s->domid = domid;
    s->uuid[0] = 0xc0;
    s->uuid[1] = domid >> 8;
    s->uuid[2] = domid;
    s->uuid[3] = gen;
    s->uuid[4] = gen >> 8;
    s->uuid[15] = 0x01;
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->vcpus = vcpus;
    s->cpupool_cpus = 2;
    s->sched = POLICY_SCHED_CREDIT;
    s->signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ | POLICY_HAS_VBD |
                 POLICY_HAS_NET;
    s->stub_of = -1;
    s->weight = 256;
}

static struct recorder *open_rec_sig(const char *path, uint32_t extra)
{
    struct backend_info bi = { .signals = POLICY_HAS_CPU | POLICY_HAS_IOREQ |
                                          POLICY_HAS_VBD | POLICY_HAS_NET |
                                          extra,
                               .scheds = "credit" };
    /* Start afresh; a .gz file gets its comment as a gzip member too. */
    gzFile f = gzopen(path, strlen(path) > 3 &&
                      !strcmp(path + strlen(path) - 3, ".gz") ? "wb" : "wT");

    if ( !f )
    {
        perror(path);
        exit(1);
    }
    gzputs(f, "# SYNTHETIC recording made by tests/tools/genrec; not "
              "measured on a real host\n");
    gzclose(f);
    return record_open(path, &bi);
}

static struct recorder *open_rec(const char *path)
{
    return open_rec_sig(path, 0);
}

/*
 * demo: Domain-0; web (emulated I/O heavy), batch (CPU hog), idle, db (PV
 * block heavy), and phase (idle, then I/O for 40 s, then idle).  The
 * administrator raises idle's weight by hand at 30 s.
 */
static int gen_demo(const char *path, unsigned int secs)
{
    static const char *names[] = { "Domain-0", "web", "batch", "idle",
                                   "db", "phase" };
    struct policy_sample s[6];
    struct recorder *r = open_rec(path);
    unsigned int t, i;

    for ( i = 0; i < 6; i++ )
        dom(&s[i], i, 1, names[i], i == 2 ? 2 : 1);
    s[2].cap = 0;
    s[4].weight = 512;
    for ( t = 0; t <= secs; t++ )
    {
        struct load l[6] = {
            { .cpu = 0.05, .net = 10 },
            { .cpu = 0.30, .pio = 3000, .mmio = 500, .net = 800 },
            { .cpu = 0.98, .pio = 5 },
            { .cpu = 0.01 },
            { .cpu = 0.20, .vbd = 900 },
            { .cpu = 0.02 },
        };

        if ( t >= 20 && t < 60 )
            l[5] = (struct load){ .cpu = 0.25, .pio = 4000 };
        if ( t == 30 )
            s[3].weight = 300;          /* the administrator's change */
        if ( t )
            for ( i = 0; i < 6; i++ )
                advance(&s[i], &l[i], 1.0);
        if ( record_poll(r, t * SEC, s, 6) )
            return 1;
    }
    record_close(r);
    return 0;
}

static int gen_scale(unsigned int n, unsigned int polls, const char *path)
{
    struct policy_sample *s = calloc(n, sizeof(*s));
    struct recorder *r = open_rec(path);
    unsigned int t, i;
    char name[32];

    if ( !s || !r )
        return 1;
    for ( i = 0; i < n; i++ )
    {
        snprintf(name, sizeof(name), "vm%u", i + 1);
        dom(&s[i], i + 1, 1, name, 1 + i % 4);
    }
    for ( t = 0; t < polls; t++ )
    {
        for ( i = 0; t && i < n; i++ )
        {
            struct load l = { .cpu = (i % 7) / 7.0,
                              .pio = (i % 3 == 0) ? 2000 + i : 10,
                              .vbd = (i % 5 == 0) ? 300 : 0,
                              .net = (i % 11 == 0) ? 3000 : 5 };

            advance(&s[i], &l, 1.0);
        }
        if ( record_poll(r, t * SEC, s, n) )
            return 1;
    }
    record_close(r);
    free(s);
    return 0;
}

/* Up to 64 domains alive; each event destroys one and creates another. */
static int gen_churn(unsigned int events, const char *path)
{
    struct policy_sample s[64];
    struct recorder *r = open_rec(path);
    unsigned int e, i, n = 64, gen = 1;
    uint32_t next_id = 1;
    char name[32];

    for ( i = 0; i < n; i++ )
    {
        snprintf(name, sizeof(name), "churn%u", next_id);
        dom(&s[i], next_id, gen, name, 1);
        next_id++;
    }
    for ( e = 0; e <= events; e++ )
    {
        struct load l = { .cpu = 0.5, .pio = 1500 };

        for ( i = 0; e && i < n; i++ )
            advance(&s[i], &l, 0.1);
        if ( e )
        {
            /* Replace one domain; every 8th event reuses its domid. */
            i = e % n;
            gen++;
            if ( e % 8 )
                next_id = next_id % 30000 + 1;
            snprintf(name, sizeof(name), "churn%u-%u", next_id, gen);
            dom(&s[i], e % 8 ? next_id : s[i].domid, gen, name, 1);
        }
        if ( record_poll(r, e * SEC / 10, s, n) )
            return 1;
    }
    record_close(r);
    return 0;
}

/* "step": d1 idle 10 s, heavy I/O 20 s, idle 20 s; d2 hovers at 1000/s. */
static int gen_step(const char *path)
{
    struct policy_sample s[2];
    struct recorder *r = open_rec(path);
    unsigned int t;

    dom(&s[0], 1, 1, "step", 1);
    dom(&s[1], 2, 1, "hover", 1);
    for ( t = 0; t <= 50; t++ )
    {
        struct load l0 = { .cpu = 0.01 };
        struct load l1 = { .cpu = 0.1, .pio = t % 2 ? 1100 : 900 };

        if ( t > 10 && t <= 30 )
            l0 = (struct load){ .cpu = 0.3, .pio = 5000 };
        if ( t )
        {
            advance(&s[0], &l0, 1.0);
            advance(&s[1], &l1, 1.0);
        }
        if ( record_poll(r, t * SEC, s, 2) )
            return 1;
    }
    record_close(r);
    return 0;
}

/* One second of runstate: run and wait in ms per vCPU-second summed. */
static void runstate(struct policy_sample *s, double run, double wait)
{
    double all = 1000.0 * s->vcpus, blk = all - run - wait;

    s->c.cpu_ns += (uint64_t)(run * 1e6);
    s->c.rs_running_ns += (uint64_t)(run * 1e6);
    s->c.rs_runnable_ns += (uint64_t)(wait * 1e6);
    s->c.rs_blocked_ns += (uint64_t)((blk > 0 ? blk : 0) * 1e6);
}

/*
 * effect: pool 1 (one pCPU): a server whose wait falls soon after it is
 * favoured (as if its weight helped) beside a spinner; pool 2 (two
 * pCPUs, as if both were hard-pinned to one): a server whose wait stays,
 * beside its spinner.  Two idle domains whose long names differ only in
 * the middle.  I/O of the first server stops at 60 s.
 */
static int gen_effect(const char *path)
{
    static const char *names[] = {
        "Domain-0", "web-frontend-production-01", "batch",
        "web-frontend-production-02", "pinned-hog",
        "backup-very-long-name-of-a-domain-x",
        "backup-very-long-name-of-b-domain-x" };
    static const uint32_t pool[] = { 0, 1, 1, 2, 2, 1, 1 };
    struct policy_sample s[7];
    struct recorder *r = open_rec_sig(path, POLICY_HAS_RUNSTATE);
    unsigned int t, i;

    for ( i = 0; i < 7; i++ )
    {
        dom(&s[i], i, 1, names[i], 1);
        s[i].signals |= POLICY_HAS_RUNSTATE;
        s[i].cpupool = pool[i];
        s[i].cpupool_cpus = pool[i] == 2 ? 2 : 1;
    }
    for ( t = 0; t <= 120; t++ )
    {
        bool io1 = t >= 5 && t < 60;
        struct load io = { .pio = 300 };

        for ( i = 0; t && i < 7; i++ )
        {
            if ( (i == 1 && io1) || (i == 3 && t >= 5) )
                advance(&s[i], &io, 1.0);
            switch ( i )
            {
            case 1:
                runstate(&s[i], io1 ? 400 : 20, io1 ? (t < 10 ? 400 : 30)
                                                    : 0);
                break;
            case 2: runstate(&s[i], io1 ? 550 : 950, io1 ? 450 : 50); break;
            case 3: runstate(&s[i], 400, t >= 5 ? 400 : 0); break;
            case 4: runstate(&s[i], 600, 400); break;
            default: runstate(&s[i], 10, 0); break;
            }
        }
        if ( record_poll(r, t * SEC, s, 7) )
            return 1;
    }
    record_close(r);
    return 0;
}

/* A small deterministic generator (LCG): the same file every time. */
static uint32_t rnd(uint64_t *st, uint32_t n)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(*st >> 33) % n;
}

struct phase {
    uint32_t kind;              /* 0 idle, 1 server, 2 batch */
    uint32_t until;             /* s */
    double demand, io;
};

static void next_phase(struct phase *p, uint64_t *st, uint32_t now,
                       uint32_t i)
{
    p->until = now + 600 + rnd(st, 5400);
    p->kind = (i % 10 < 4) ? (rnd(st, 3) ? 1 : 0) :
              (i % 10 < 7) ? (rnd(st, 2) ? 2 : 0) : 0;
    p->demand = p->kind == 2 ? 1.0 : p->kind == 1 ? 0.2 + rnd(st, 30) / 100.0
                                                  : 0.02;
    p->io = p->kind == 1 ? 200 + rnd(st, 1800) : rnd(st, 5);
}

/*
 * day: pools of 10 domains on 2 pCPUs.  Each second a pool's demand D
 * is shared out: if D exceeds its pCPUs, every domain runs its part of
 * them and waits the rest.  Weights do not feed back (a recording).
 */
static int gen_day(unsigned int n, unsigned int polls, const char *path)
{
    struct policy_sample *s = calloc(n, sizeof(*s));
    struct phase *ph = calloc(n, sizeof(*ph));
    struct recorder *r = open_rec_sig(path, POLICY_HAS_RUNSTATE);
    uint64_t st = 42;
    unsigned int t, i, p;
    char name[40];

    if ( !s || !ph || !r )
        return 1;
    for ( i = 0; i < n; i++ )
    {
        snprintf(name, sizeof(name), "%s-%03u", i % 10 < 4 ? "web" :
                 i % 10 < 7 ? "batch" : "idle", i + 1);
        dom(&s[i], i + 1, 1, name, 1);
        s[i].signals |= POLICY_HAS_RUNSTATE;
        s[i].cpupool = i / 10;
        s[i].cpupool_cpus = 2;
        next_phase(&ph[i], &st, 0, i);
    }
    for ( t = 0; t < polls; t++ )
    {
        for ( p = 0; t && p * 10 < n; p++ )
        {
            unsigned int lo = p * 10, hi = lo + 10 < n ? lo + 10 : n;
            double demand = 0, share;

            for ( i = lo; i < hi; i++ )
            {
                if ( t >= ph[i].until )
                    next_phase(&ph[i], &st, t, i);
                demand += ph[i].demand;
            }
            share = demand > 2.0 ? 2.0 / demand : 1.0;
            for ( i = lo; i < hi; i++ )
            {
                /* +-10 % of noise a second, as a real load has. */
                double jit = 0.9 + rnd(&st, 21) / 100.0;
                struct load l = { .pio = ph[i].io * jit };
                double want = fmin(ph[i].demand * jit, 1.0) * 1000;
                double run = want * share;

                advance(&s[i], &l, 1.0);
                runstate(&s[i], run, want - run);
            }
        }
        if ( record_poll(r, (uint64_t)t * SEC, s, n) )
            return 1;
    }
    record_close(r);
    free(s);
    free(ph);
    return 0;
}

int main(int argc, char **argv)
{
    log_init(true, 3);
    if ( (argc == 3 || argc == 4) && !strcmp(argv[1], "demo") )
        return gen_demo(argv[2], argc == 4 ? atoi(argv[3]) : 90);
    if ( argc == 5 && !strcmp(argv[1], "scale") )
        return gen_scale(atoi(argv[2]), atoi(argv[3]), argv[4]);
    if ( argc == 4 && !strcmp(argv[1], "churn") )
        return gen_churn(atoi(argv[2]), argv[3]);
    if ( argc == 3 && !strcmp(argv[1], "step") )
        return gen_step(argv[2]);
    if ( argc == 3 && !strcmp(argv[1], "effect") )
        return gen_effect(argv[2]);
    if ( argc == 5 && !strcmp(argv[1], "day") )
        return gen_day(atoi(argv[2]), atoi(argv[3]), argv[4]);
    fprintf(stderr, "usage: genrec demo FILE [SECS] | scale N POLLS FILE | "
                    "churn EVENTS FILE | step FILE | effect FILE | "
                    "day N POLLS FILE\n");
    return 1;
}
