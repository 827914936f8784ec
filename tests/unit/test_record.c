/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_record.c - the recording writer (record.c) and reader (replay.c)
 * agree: what coopvmmd --record writes on a real host replays, names
 * and counters as they were, including a domain xenstore has not named
 * yet (reports/11) and a name that holds a line break.  And the reader
 * never blocks on a FIFO.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backend.h"
#include "log.h"
#include "record.h"
#include "replay.h"

#define POLLS   5

static char dir[64], path[128];

static int setup(void **state)
{
    (void)state;
    log_init(true, 0);
    strcpy(dir, "/tmp/coopvmm-rec-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/r.rec", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd);
}

static void dom(struct policy_sample *s, uint32_t domid, const char *name)
{
    memset(s, 0, sizeof(*s));
    s->domid = domid;
    s->uuid[0] = 0x77;
    s->uuid[15] = (uint8_t)domid;
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->vcpus = 1;
    s->cpupool_cpus = 2;
    s->sched = POLICY_SCHED_CREDIT;
    s->signals = POLICY_HAS_CPU;
    s->stub_of = -1;
    s->weight = 256;
}

static void test_round_trip(void **state)
{
    struct backend_info bi = { .signals = POLICY_HAS_CPU,
                               .scheds = "credit" };
    struct backend_args a = { .replay_path = path, .speed = 0,
                              .max_domains = 8 };
    struct policy_sample s[3], got[8];
    struct recorder *r;
    struct backend *b;
    uint64_t now;
    unsigned int t;
    int n;

    (void)state;
    dom(&s[0], 0, "Domain-0");
    dom(&s[1], 7, "");                  /* being built: no name yet */
    dom(&s[2], 9, "two\nlines");
    r = record_open(path, &bi);
    assert_non_null(r);
    for ( t = 0; t < POLLS; t++ )
    {
        if ( t == 2 )
            snprintf(s[1].name, sizeof(s[1].name), "newvm");
        s[0].c.cpu_ns += 10000000;
        s[1].c.cpu_ns += 20000000;
        s[2].c.cpu_ns += 30000000;
        assert_int_equal(record_poll(r, t * 1000000000ull, s, 3), 0);
    }
    record_close(r);

    assert_int_equal(backend_replay.open(&b, &a), 0);
    for ( t = 0; t < POLLS; t++ )
    {
        n = backend_replay.sample(b, got, 8, &now);
        assert_int_equal(n, 3);
        assert_int_equal(now, t * 1000000000ull);
        assert_string_equal(got[1].name, t < 2 ? "" : "newvm");
        assert_string_equal(got[2].name, "two?lines");
        assert_int_equal(got[1].c.cpu_ns, (t + 1) * 20000000ull);
        assert_int_equal(got[2].c.cpu_ns, (t + 1) * 30000000ull);
    }
    assert_int_equal(backend_replay.sample(b, got, 8, &now), -ENODATA);
    backend_replay.close(b);
}

/* A recording is private, and never written through a planted link. */
static void test_private_no_link(void **state)
{
    struct backend_info bi = { .signals = POLICY_HAS_CPU };
    char victim[160];
    struct recorder *r;
    struct stat st;
    int fd;

    (void)state;
    r = record_open(path, &bi);
    assert_non_null(r);
    record_close(r);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0077, 0);
    unlink(path);
    snprintf(victim, sizeof(victim), "%s/victim", dir);
    fd = open(victim, O_CREAT | O_WRONLY, 0600);
    close(fd);
    assert_int_equal(symlink(victim, path), 0);
    assert_null(record_open(path, &bi));
    assert_int_equal(stat(victim, &st), 0);
    assert_int_equal(st.st_size, 0);
}

/* A FIFO in the recording's place: refused at once (G12). */
static void test_fifo(void **state)
{
    struct backend_args a = { .replay_path = path, .speed = 0,
                              .max_domains = 8 };
    struct backend *b;

    (void)state;
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(backend_replay.open(&b, &a), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_private_no_link, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
