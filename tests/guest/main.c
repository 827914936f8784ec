/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coopvmm test guest: runs the workload phases given on its xl `cmdline`
 * (see README.md for the syntax), reports one COOPGUEST line per phase on
 * port 0xe9 and powers the domain off.  The only emulated I/O it performs is
 * what the phases ask for plus its own console bytes, which every line counts.
 */
#include "console.h"
#include "lib.h"
#include "serve.h"
#include "xen.h"

#define MAX_PHASES      32
#define MAX_SAMPLES     65536
#define NS_PER_SEC      1000000000ULL
#define CHECK_EVERY     64      /* I/O ops between two clock reads */

/* PVH guests have no HPET: the page is unmapped, so Xen's null handler gets it. */
#define DEFAULT_MMIO    0xfed00000U

enum kind {
    K_PIO_WRITE, K_PIO_READ, K_MMIO, K_SPIN, K_IDLE, K_PINGPONG, K_LOOP,
    K_POWEROFF, K_HOLD, K_SERVE,
};

static const char *const kind_names[] = {
    [K_PIO_WRITE] = "pio-write", [K_PIO_READ] = "pio-read", [K_MMIO] = "mmio",
    [K_SPIN] = "spin", [K_IDLE] = "idle", [K_PINGPONG] = "ping-pong",
    [K_LOOP] = "loop", [K_POWEROFF] = "poweroff", [K_HOLD] = "hold",
    [K_SERVE] = "serve",
};

struct phase {
    enum kind kind;
    uint32_t port, size, addr, write, repeat, gap_us;
    uint64_t n;                 /* operations; 0: run for duration_ns */
    uint64_t duration_ns;
    struct serve_params serve;  /* K_SERVE only */
};

struct result {
    uint64_t ops, ns, sum;
    uint32_t wakeups;
    uint32_t nsamples;
    struct serve_result serve;  /* K_SERVE only */
};

static struct phase phases[MAX_PHASES];
static uint32_t nr_phases;
static uint32_t samples[MAX_SAMPLES];
static uint32_t wake_samples[MAX_SAMPLES];

static void fail(const char *msg, const char *at)
{
    con_begin("COOPGUEST error msg=");
    con_str(msg);
    if ( at )
    {
        con_str(" at=");
        con_strn(at, 24);
    }
    con_end();
    xen_shutdown(SHUTDOWN_crash);
    for ( ;; )
        ;
}

static const char *skip_spaces(const char *p)
{
    while ( *p == ' ' || *p == '\t' )
        p++;
    return p;
}

static uint32_t word_len(const char *p)
{
    uint32_t n = 0;

    while ( p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != ';' &&
            p[n] != '=' )
        n++;
    return n;
}

static int word_is(const char *p, uint32_t len, const char *w)
{
    return len == str_len(w) && str_eq_n(p, w, len);
}

/* Decimal or 0x-hex number; *end is set past it. */
static uint64_t parse_num(const char *p, const char **end)
{
    uint64_t v = 0;
    int hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    const char *start;

    if ( hex )
        p += 2;
    start = p;
    for ( ;; p++ )
    {
        char c = *p;
        uint32_t d;

        if ( c >= '0' && c <= '9' )
            d = c - '0';
        else if ( hex && c >= 'a' && c <= 'f' )
            d = c - 'a' + 10;
        else if ( hex && c >= 'A' && c <= 'F' )
            d = c - 'A' + 10;
        else
            break;
        v = v * (hex ? 16 : 10) + d;
    }
    if ( p == start || (*p && *p != ' ' && *p != '\t' && *p != ';') )
        fail("bad-number", start);
    *end = p;
    return v;
}

static void phase_defaults(struct phase *ph)
{
    ph->repeat = 1;
    ph->size = 1;
    switch ( ph->kind )
    {
    case K_PIO_WRITE:
        ph->port = 0x511;
        ph->n = 1000;
        break;
    case K_PIO_READ:
    case K_PINGPONG:
        ph->port = 0x512;
        ph->n = 1000;
        break;
    case K_MMIO:
        ph->addr = DEFAULT_MMIO;
        ph->n = 1000;
        break;
    case K_SPIN:
    case K_IDLE:
        ph->duration_ns = NS_PER_SEC;
        break;
    case K_SERVE:
        ph->port = 0x512;
        ph->duration_ns = 10 * NS_PER_SEC;
        ph->serve.period_us = 20000;
        ph->serve.work_us = 8000;
        ph->serve.io = 20;
        break;
    default:
        break;
    }
}

/*
 * The serve phase's keys (README.md); 0 if KEY is not one of them or V is
 * out of range.  Its window is `requests=` periods, or a duration.
 */
static int parse_serve_key(struct phase *ph, const char *key, uint32_t len,
                           uint64_t v)
{
    struct serve_params *sp = &ph->serve;

    if ( word_is(key, len, "period-ms") && v >= 1 && v <= 60000 )
        sp->period_us = (uint32_t)v * 1000;
    else if ( word_is(key, len, "period-us") && v >= 1 && v <= 60000000 )
        sp->period_us = (uint32_t)v;
    else if ( word_is(key, len, "work-ms") && v <= 1000 )
        sp->work_us = (uint32_t)v * 1000;
    else if ( word_is(key, len, "work-us") && v <= 1000000 )
        sp->work_us = (uint32_t)v;
    else if ( word_is(key, len, "io") && v <= 1000000 )
        sp->io = (uint32_t)v;
    else if ( word_is(key, len, "requests") && v >= 1 && v <= 1000000 )
        sp->requests = v;
    else if ( word_is(key, len, "warmup-ms") && v <= 3600000 )
        sp->warmup_ns = v * 1000000ULL;
    else if ( word_is(key, len, "ipms") && v >= 1 && v <= 0xffffffffULL )
        sp->ipms = (uint32_t)v;
    else
        return 0;
    return 1;
}

static const char *parse_phase(const char *p, struct phase *ph)
{
    uint32_t len = word_len(p), k;

    for ( k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++ )
        if ( word_is(p, len, kind_names[k]) )
            break;
    if ( k == sizeof(kind_names) / sizeof(kind_names[0]) )
        fail("unknown-phase", p);
    ph->kind = k;
    phase_defaults(ph);
    p = skip_spaces(p + len);

    while ( *p && *p != ';' )
    {
        const char *key = p, *val;
        uint64_t v;

        len = word_len(p);
        if ( p[len] != '=' )
        {
            /* The only bare words: op=read|write may be written "read"/"write". */
            if ( word_is(p, len, "write") || word_is(p, len, "read") )
            {
                ph->write = word_is(p, len, "write");
                p = skip_spaces(p + len);
                continue;
            }
            fail("expected-key=value", p);
        }
        val = p + len + 1;
        if ( word_is(key, len, "op") )
        {
            uint32_t vl = word_len(val);

            if ( !word_is(val, vl, "read") && !word_is(val, vl, "write") )
                fail("bad-op", val);
            ph->write = word_is(val, vl, "write");
            p = skip_spaces(val + vl);
            continue;
        }
        v = parse_num(val, &p);
        p = skip_spaces(p);
        if ( word_is(key, len, "n") )
        {
            ph->n = v;
            ph->duration_ns = 0;
        }
        else if ( word_is(key, len, "seconds") )
        {
            ph->duration_ns = v * NS_PER_SEC;
            ph->n = 0;
        }
        else if ( word_is(key, len, "ms") )
        {
            ph->duration_ns = v * 1000000ULL;
            ph->n = 0;
        }
        else if ( word_is(key, len, "port") && v <= 0xffff )
            ph->port = (uint32_t)v;
        else if ( word_is(key, len, "addr") && v <= 0xfffffffcULL )
            ph->addr = (uint32_t)v;
        else if ( word_is(key, len, "size") && (v == 1 || v == 2 || v == 4) )
            ph->size = (uint32_t)v;
        else if ( word_is(key, len, "repeat") && v >= 1 && v < 0x10000 )
            ph->repeat = (uint32_t)v;
        else if ( word_is(key, len, "gap-us") && v < 0x10000000 )
            ph->gap_us = (uint32_t)v;
        else if ( !parse_serve_key(ph, key, len, v) )
            fail("bad-key-or-value", key);
    }
    if ( ph->kind == K_MMIO && (ph->addr & 3) )
        fail("mmio-addr-unaligned", NULL);
    if ( ph->kind == K_SERVE && !ph->serve.requests && !ph->duration_ns )
        fail("serve-without-window", NULL);
    return p;
}

static void parse_cmdline(const char *p)
{
    while ( *p )
    {
        p = skip_spaces(p);
        if ( *p == ';' )
        {
            p++;
            continue;
        }
        if ( !*p )
            break;
        if ( nr_phases == MAX_PHASES )
            fail("too-many-phases", p);
        p = parse_phase(p, &phases[nr_phases++]);
    }
}

/* Run an I/O body n times, or until the deadline when n == 0. */
#define IO_LOOP(ph, res, body)                                          \
    do {                                                                \
        uint64_t deadline_ = (res)->ns + (ph)->duration_ns;             \
        uint32_t i_ = 0;                                                \
        if ( (ph)->n )                                                  \
            for ( ; (res)->ops < (ph)->n; (res)->ops++, i_++ )          \
                body;                                                   \
        else                                                            \
            for ( ;; (res)->ops++, i_++ )                               \
            {                                                           \
                if ( (i_ % CHECK_EVERY) == 0 &&                         \
                     xen_now_ns() >= deadline_ )                        \
                    break;                                              \
                body;                                                   \
            }                                                           \
    } while ( 0 )

static void pio_write_one(const struct phase *ph, uint32_t v)
{
    if ( ph->size == 1 )
        outb(ph->port, (uint8_t)v);
    else if ( ph->size == 2 )
        outw(ph->port, (uint16_t)v);
    else
        outl(ph->port, v);
}

static uint32_t pio_read_one(const struct phase *ph)
{
    if ( ph->size == 1 )
        return inb(ph->port);
    if ( ph->size == 2 )
        return inw(ph->port);
    return inl(ph->port);
}

static void run_pingpong(const struct phase *ph, struct result *res)
{
    uint64_t deadline = res->ns + ph->duration_ns;

    for ( ; ph->n ? res->ops < ph->n : xen_now_ns() < deadline; res->ops++ )
    {
        uint64_t t0, t1;

        if ( ph->gap_us )
        {
            uint64_t due = xen_now_ns() + ph->gap_us * 1000ULL, late;

            xen_sleep_until(due, &res->wakeups);
            late = xen_now_ns() - due;
            if ( res->nsamples < MAX_SAMPLES )
                wake_samples[res->nsamples] = late > ~0U ? ~0U : (uint32_t)late;
        }
        t0 = rdtsc();
        res->sum += pio_read_one(ph);
        t1 = rdtsc();
        if ( res->nsamples < MAX_SAMPLES )
        {
            uint64_t ns = xen_tsc_to_ns(t1 - t0);

            samples[res->nsamples++] = ns > ~0U ? ~0U : (uint32_t)ns;
        }
    }
}

static void run_phase(const struct phase *ph, int first, struct result *res)
{
    uint64_t start = xen_now_ns();

    res->ns = start;            /* IO_LOOP's deadline base */
    switch ( ph->kind )
    {
    case K_PIO_WRITE:
        IO_LOOP(ph, res, pio_write_one(ph, i_));
        break;
    case K_PIO_READ:
        IO_LOOP(ph, res, res->sum += pio_read_one(ph));
        break;
    case K_MMIO:
        if ( ph->write )
            IO_LOOP(ph, res, mmio_write32(ph->addr, i_));
        else
            IO_LOOP(ph, res, res->sum += mmio_read32(ph->addr));
        break;
    case K_SPIN:
    {
        /* n counts blocks of 2^20 empty iterations; no exits inside a block. */
        uint64_t deadline = start + ph->duration_ns;

        for ( ; ph->n ? res->ops < ph->n : xen_now_ns() < deadline;
              res->ops++ )
        {
            volatile uint32_t k;

            for ( k = 0; k < (1U << 20); k++ )
                ;
        }
        break;
    }
    case K_IDLE:
        xen_sleep_until(start + ph->duration_ns, &res->wakeups);
        break;
    case K_PINGPONG:
        run_pingpong(ph, res);
        break;
    case K_SERVE:
    {
        struct serve_params sp = ph->serve;

        sp.window_ns = ph->duration_ns;
        serve_run(&sp, first, &res->serve);
        res->ops = res->serve.done;
        res->ns = res->serve.ns;        /* the window, not the warm-up */
        return;
    }
    default:
        break;
    }
    res->ns = xen_now_ns() - start;
}

static void report(uint32_t idx, uint32_t rep, const struct phase *ph,
                   struct result *res)
{
    con_begin("COOPGUEST phase=");
    con_u64(idx);
    con_kv("rep", rep);
    con_str(" kind=");
    con_str(kind_names[ph->kind]);
    if ( ph->kind == K_MMIO )
    {
        con_kx("addr", ph->addr);
        con_str(ph->write ? " op=write" : " op=read");
    }
    else if ( ph->kind == K_PIO_WRITE || ph->kind == K_PIO_READ ||
              ph->kind == K_PINGPONG )
    {
        con_kx("port", ph->port);
        con_kv("size", ph->size);
    }
    con_kv("ops", res->ops);
    con_kv("ns", res->ns);
    con_kv("rate", mul_div64(res->ops, NS_PER_SEC, res->ns ? res->ns : 1));
    if ( ph->kind == K_PIO_READ || (ph->kind == K_MMIO && !ph->write) )
        con_kv("sum", res->sum);
    if ( ph->kind == K_IDLE || ph->gap_us )
        con_kv("wakeups", res->wakeups);
    if ( ph->kind == K_SERVE )
        serve_report_fields(&res->serve);
    if ( ph->kind == K_PINGPONG )
    {
        sort_u32(samples, res->nsamples);
        con_kv("median_ns", percentile_u32(samples, res->nsamples, 50));
        con_kv("p99_ns", percentile_u32(samples, res->nsamples, 99));
        con_kv("max_ns", res->nsamples ? samples[res->nsamples - 1] : 0);
    }
    con_end();
    if ( ph->kind == K_SERVE )
        serve_report(idx, rep, &ph->serve, &res->serve);
    if ( ph->kind == K_PINGPONG && ph->gap_us )
    {
        /* A line of its own: the phase line has no room left. */
        sort_u32(wake_samples, res->nsamples);
        con_begin("COOPGUEST wake phase=");
        con_u64(idx);
        con_kv("rep", rep);
        con_kv("gap_us", ph->gap_us);
        con_kv("median_ns", percentile_u32(wake_samples, res->nsamples, 50));
        con_kv("p99_ns", percentile_u32(wake_samples, res->nsamples, 99));
        con_kv("max_ns", res->nsamples ? wake_samples[res->nsamples - 1] : 0);
        con_end();
    }
}

void guest_main(const struct hvm_start_info *si);
void guest_main(const struct hvm_start_info *si)
{
    const char *cmdline = "";
    uint64_t t_start;
    uint32_t i, loops_done = 0, rc;

    if ( si->magic == HVM_START_MAGIC_VALUE && si->cmdline_paddr &&
         si->cmdline_paddr < 0xffffffffULL )
        cmdline = (const char *)(uintptr_t)si->cmdline_paddr;
    rc = xen_init();
    if ( rc )
        fail(rc == (uint32_t)-1 ? "no-xen-cpuid" : "no-shared-info", NULL);
    t_start = xen_now_ns();
    parse_cmdline(cmdline);

    con_begin("COOPGUEST start");
    con_kv("tsc_khz", xen_tsc_khz());
    con_kv("phases", nr_phases);
    con_str(" cmdline=");
    con_str(cmdline);
    con_end();

    for ( i = 0; i < nr_phases; i++ )
    {
        const struct phase *ph = &phases[i];
        uint32_t rep;

        if ( ph->kind == K_LOOP )
        {
            /* loop n=K: the phases before it run K times in all; no n: forever. */
            if ( !ph->n || ++loops_done < ph->n )
                i = (uint32_t)-1;
            else
                loops_done = 0;
            continue;
        }
        if ( ph->kind == K_POWEROFF )
            break;
        if ( ph->kind == K_HOLD )
        {
            con_begin("COOPGUEST hold");
            con_end();
            for ( ;; )
                xen_sleep_until(xen_now_ns() + 3600 * NS_PER_SEC, NULL);
        }
        for ( rep = 0; rep < ph->repeat; rep++ )
        {
            struct result res = { 0 };

            run_phase(ph, rep == 0, &res);
            report(i, rep, ph, &res);
        }
    }

    con_begin("COOPGUEST done");
    con_kv("phases", nr_phases);
    con_kv("ns", xen_now_ns() - t_start);
    con_end();
    xen_shutdown(SHUTDOWN_poweroff);
}
