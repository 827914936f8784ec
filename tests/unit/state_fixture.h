/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state_fixture.h - what the state and actuator tests share: a temporary
 * directory per test, samples of made-up guests, and reading back the
 * state file.  Include it in exactly one file, after cmocka.h.
 */
#ifndef COOPVMM_TEST_STATE_FIXTURE_H
#define COOPVMM_TEST_STATE_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "state.h"

static char tdir[64], tpath[128];

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(p);
}

static int fix_setup(void **ctx)
{
    (void)ctx;
    snprintf(tdir, sizeof(tdir), "/tmp/coopvmm-unit.XXXXXX");
    assert_non_null(mkdtemp(tdir));
    snprintf(tpath, sizeof(tpath), "%s/state", tdir);
    logcap_reset();
    faults_reset();
    return 0;
}

static int fix_teardown(void **ctx)
{
    (void)ctx;
    faults_reset();
    nftw(tdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* A file of the test directory, written whole. */
static inline void put_file(const char *name, const char *text, size_t len)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", tdir, name);
    f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}
#define put_text(name, text) put_file(name, text, strlen(text))

/* A file of the test directory, or "" if it does not exist. */
static inline const char *get_file(const char *name)
{
    static char buf[1 << 16];
    char p[256];
    size_t n;
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", tdir, name);
    buf[0] = '\0';
    if ( !(f = fopen(p, "r")) )
        return buf;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The guest numbered n: UUID c0000000-0000-4000-8000-0000000000nn. */
static void uuid_n(uint8_t u[16], unsigned int n)
{
    memset(u, 0, 16);
    u[0] = 0xc0;
    u[6] = 0x40;
    u[8] = 0x80;
    u[15] = n;
}
#define UUID_TEXT(n) "c0000000-0000-4000-8000-0000000000" #n

static struct policy_sample mk(uint32_t domid, unsigned int guest,
                               uint32_t w, uint32_t c)
{
    struct policy_sample s;

    memset(&s, 0, sizeof(s));
    s.domid = domid;
    uuid_n(s.uuid, guest);
    snprintf(s.name, sizeof(s.name), "g%u", guest);
    s.sched = POLICY_SCHED_CREDIT;
    s.weight = w;
    s.cap = c;
    s.vcpus = 1;
    s.c.cpu_ns = 1000000;       /* it has run: its values are final */
    return s;
}

/* One poll of a single domain; returns its base weight. */
static inline uint32_t poll1(struct state *st, struct policy_sample *s)
{
    assert_int_equal(state_bases(st, s, 1, false), 0);
    return s->base_weight;
}

/* The state file's line of a domid, without the UUID, or "". */
static inline const char *line_of(uint32_t domid)
{
    static char out[128];
    const char *p = get_file("state");
    char want[16];

    out[0] = '\0';
    snprintf(want, sizeof(want), " %u ", domid);
    while ( (p = strchr(p, '\n')) )
    {
        const char *q = p + 1 + 36, *e = strchr(p + 1, '\n');

        p++;
        if ( !e || e - p < 37 || strncmp(q, want, strlen(want)) )
            continue;
        snprintf(out, sizeof(out), "%.*s", (int)(e - q - 1), q + 1);
        break;
    }
    return out;
}

#endif /* COOPVMM_TEST_STATE_FIXTURE_H */
