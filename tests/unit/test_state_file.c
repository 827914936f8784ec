/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_state_file.c - unit tests of the state file (daemon/core/
 * state_file.c): every damaged line reported with its number and
 * skipped, intact ones kept (shared cases K4, K5); files that others
 * could have written not trusted (F6); every failing write (ENOSPC,
 * EMFILE, EIO, EROFS, a directory that is gone) refused, said once and
 * once on recovery (K3); leftovers removed; a file that cannot be read
 * never written over.
 *
 * Real files in a temporary directory; failures injected with faults.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pwd.h>

#include "logcap.h"
#include "faults.h"
#include "state_fixture.h"
#include "state_file.h"

#define U1 UUID_TEXT(01)
#define U2 UUID_TEXT(02)
#define GOOD1 U1 " 1 256 0 512 - - -\n"

static unsigned int count_entries(struct state *st)
{
    unsigned int idx = 0, n = 0;

    while ( state_next(st, &idx) )
        n++;
    return n;
}

/* Open the file as written, expect `n` entries. */
static struct state *open_expect(unsigned int n)
{
    struct state *st = state_open(tpath);

    assert_non_null(st);
    assert_int_equal(count_entries(st), n);
    return st;
}

#define NUL_LINE U2 " 2\0 256 0 - - - -"

/* Each kind of damage, alone between two intact entries. */
static void test_damaged_lines(void **ctx)
{
    static const struct {
        const char *line, *why;
        size_t len;
    } bad[] = {
        { "x 1 256 0 - - - -", "not a UUID", 0 },
        { U2 " 32752 256 0 - - - -", "not a domid", 0 },
        { U2 " -1 256 0 - - - -", "not a domid", 0 },
        { U2 " +1 256 0 - - - -", "not a domid", 0 },
        { U2 " 2 0 0 - - - -", "base weight out of 1..65535", 0 },
        { U2 " 2 65536 0 - - - -", "base weight out of 1..65535", 0 },
        { U2 " 2 0x100 0 - - - -", "base weight out of 1..65535", 0 },
        { U2 " 2 256 65535 - - - -", "base cap out of 0..65534", 0 },
        { U2 " 2 256 99999999999 - - - -", "base cap out of 0..65534", 0 },
        { U2 " 2 256 0 0 - - -", "a value set by coopvmm out of range", 0 },
        { U2 " 2 256 0 - - 70000 -", "a value set by coopvmm out of range", 0 },
        { U2 " 2 256 0 - - - - x", "too many fields", 0 },
        { U2 " 2 256 0 - -", "too few fields", 0 },
        { U2 " 2  256 0 - - - -", "stray spaces", 0 },
        { U2 " 2 256 0 - - - - ", "stray spaces", 0 },
        { "", "empty line", 0 },
        { U1 " 1 300 0 - - - -", "the same guest and domid as an earlier line", 0 },
        { NUL_LINE, "NUL byte", sizeof(NUL_LINE) - 1 },
    };
    char text[1024], want[160];
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        struct policy_sample s = mk(1, 1, 512, 0);
        size_t len = snprintf(text, sizeof(text), "coopvmm-state 2\n" GOOD1);
        size_t ll = bad[i].len ? bad[i].len : strlen(bad[i].line);
        struct state *st;

        memcpy(text + len, bad[i].line, ll);
        len += ll;
        len += snprintf(text + len, sizeof(text) - len,
                        "\n" U2 " 3 100 5 - - - -\n");
        logcap_reset();
        put_file("state", text, len);
        st = open_expect(2);
        snprintf(want, sizeof(want), "state:3: damaged entry skipped: %s",
                 bad[i].why);
        if ( logcap_count(want) != 1 || logcap_count("damaged") != 1 )
            fail_msg("case %u: no \"%s\" in the log", i, want);
        assert_int_equal(logcap_count("2 intact entries kept"), 1);
        /* The damaged file is kept for the administrator, as it was. */
        assert_memory_equal(get_file("state.bad"), text, len);
        /* The intact entry works: 512 is known as coopvmm's. */
        assert_int_equal(state_bases(st, &s, 1, true), 0);
        assert_int_equal(s.base_weight, 256);
        state_close(st);
    }
}

/* Many damaged lines: ten said one by one, the rest counted. */
static void test_damaged_many(void **ctx)
{
    char text[8192];
    size_t len;
    unsigned int i;
    struct state *st;

    (void)ctx;
    len = snprintf(text, sizeof(text), "coopvmm-state 2\n");
    for ( i = 0; i < 30; i++ )
        len += snprintf(text + len, sizeof(text) - len, "%s\n",
                        i == 15 ? U1 " 1 256 0 512 - - -" : "damaged");
    memset(text + len, '7', 300);
    len += 300;
    text[len++] = '\n';
    put_file("state", text, len);
    st = open_expect(1);
    assert_int_equal(logcap_count("damaged entry skipped"), 10);
    assert_int_equal(logcap_count("state: 20 more damaged entries skipped"), 1);
    state_close(st);
}

/* The shared cases K4/K5: a file cut inside a number. */
static void test_cut_short(void **ctx)
{
    static const char *const cases[] = {
        "coopvmm-state 1\n" U1 " 1 256 0 512 -\n" U2 " 2 256 0 12",
        "coopvmm-state 1\n" U1 " 1 256 0 512 -\n" U2 " 2 256 0 128 8",
    };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < 2; i++ )
    {
        struct policy_sample s[2] = { mk(1, 1, 512, 0), mk(2, 2, 128, 80) };
        struct state *st;

        logcap_reset();
        put_text("state", cases[i]);
        st = open_expect(1);
        assert_int_equal(logcap_count("state:3: damaged entry skipped: cut "
                                      "short (no newline at the end)"), 1);
        assert_int_equal(state_bases(st, s, 2, true), 0);
        assert_int_equal(s[0].base_weight, 256);        /* kept */
        /* d2's base is not known: its values are taken, never a cut 8. */
        assert_int_equal(s[1].base_weight, 128);
        assert_int_equal(s[1].base_cap, 80);
        state_close(st);
    }
}

static void test_not_a_state_file(void **ctx)
{
    static const struct {
        const char *text;
        size_t len;
    } cases[] = {
        { "coopvmm-state 1\r\n" U1 " 1 300 0 - -\r\n", 0 },
        { "", 0 },
        { "coopvmm-state 3\n" GOOD1, 0 },
        { "coopvmm-state 2", 0 },
        { "\x7f" "ELF\x02\x01\x01", 7 },
    };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        struct state *st;

        logcap_reset();
        put_file("state", cases[i].text,
                 cases[i].len ? cases[i].len : strlen(cases[i].text));
        st = open_expect(0);
        assert_int_equal(logcap_count("not a coopvmm state file"), 1);
        state_close(st);
    }
}

static void test_trailing_fields(void **ctx)
{
    struct state *st;

    (void)ctx;
    put_text("state", "coopvmm-state 1\n" U1 " 1 300 0 - - extra fields here\n");
    st = open_expect(0);
    assert_int_equal(logcap_count("state:2: damaged entry skipped: too many "
                                  "fields"), 1);
    state_close(st);
}

static void test_version1_upgraded(void **ctx)
{
    struct state *st;

    (void)ctx;
    put_text("state", "coopvmm-state 1\n" U1 " 1 256 10 512 80\n");
    st = open_expect(1);
    assert_int_equal(logcap_count("damaged"), 0);
    {
        struct policy_sample s = mk(1, 1, 256, 10);

        poll1(st, &s);
    }
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(get_file("state"), "coopvmm-state 2\n" U1
                                           " 1 256 10 - - - -\n");
    state_close(st);
}

/* Files someone else could have written are not believed (F6). */
static void test_untrusted(void **ctx)
{
    struct passwd *nobody = getpwnam("nobody");
    struct state *st;
    struct stat sb;

    (void)ctx;
    put_text("state", "coopvmm-state 2\n" U1 " 1 1 1 - - - -\n");
    chmod(tpath, 0666);
    st = open_expect(0);
    assert_int_equal(logcap_count("writable by group or others (mode 0666"), 1);
    assert_string_not_equal(get_file("state.bad"), "");
    /* The next write replaces it with a private file. */
    {
        struct policy_sample s = mk(1, 1, 256, 0);

        assert_int_equal(poll1(st, &s), 256);
    }
    assert_int_equal(state_flush(st), 0);
    assert_int_equal(stat(tpath, &sb), 0);
    assert_int_equal(sb.st_mode & 07777, 0600);
    state_close(st);

    if ( nobody && !geteuid() )
    {
        logcap_reset();
        chmod(tpath, 0600);
        assert_int_equal(chown(tpath, nobody->pw_uid, nobody->pw_gid), 0);
        st = open_expect(0);
        assert_int_equal(logcap_count("owned by another user"), 1);
        state_close(st);
    }

    logcap_reset();
    unlink(tpath);
    put_text("elsewhere", "coopvmm-state 2\n" U1 " 1 1 1 - - - -\n");
    assert_int_equal(symlink("elsewhere", tpath), 0);
    st = open_expect(0);
    assert_int_equal(logcap_count("a symlink: not trusted"), 1);
    state_close(st);

    logcap_reset();
    unlink(tpath);
    assert_int_equal(mkdir(tpath, 0700), 0);
    st = open_expect(0);
    assert_int_equal(logcap_count("not a regular file"), 1);
    state_close(st);
}

static void test_too_large(void **ctx)
{
    struct state *st;
    FILE *f;

    (void)ctx;
    put_text("state", "coopvmm-state 2\n" GOOD1);
    f = fopen(tpath, "r+");
    assert_int_equal(ftruncate(fileno(f), STATE_FILE_MAX + 1), 0);
    fclose(f);
    st = open_expect(0);
    assert_int_equal(logcap_count("too large for a state file"), 1);
    state_close(st);
}

/* A file that cannot be read yet is never written over. */
static void test_unreadable_then_read(void **ctx)
{
    struct policy_sample s = mk(1, 1, 512, 0);
    struct state *st;
    struct state_ent *e;

    (void)ctx;
    put_text("state", "coopvmm-state 2\n" GOOD1);
    f_openat = (struct fault){ .err = EIO, .times = 2, .match = "state" };
    st = state_open(tpath);
    assert_non_null(st);
    assert_int_equal(logcap_count("cannot read the state file"), 1);
    assert_false(state_writable(st));
    /* Meanwhile 512 looks like a base, and nothing may be written. */
    assert_int_equal(state_bases(st, &s, 1, true), 0);
    assert_int_equal(state_save(st), -EIO);
    assert_string_equal(get_file("state"), "coopvmm-state 2\n" GOOD1);
    /* Readable again: read, not written; act from the next poll. */
    e = state_entry(st, &s);
    assert_true(state_intend(st, e, &s, POLICY_SET_WEIGHT, 1024, 0));
    assert_int_equal(state_sync(st), -EAGAIN);
    assert_true(state_writable(st));
    assert_int_equal(state_bases(st, &s, 1, false), 0);
    assert_int_equal(s.base_weight, 256);
    assert_int_equal(logcap_count("were set by a previous run"), 1);
    state_close(st);
}

static void test_write_failures(void **ctx)
{
    static const struct {
        struct fault *f;
        int err;
        const char *match;
    } cases[] = {
        { &f_openat, EMFILE, ".tmp-" },
        { &f_write, ENOSPC, NULL },
        { &f_fsync, EIO, NULL },
        { &f_renameat, EROFS, NULL },
    };
    unsigned int i;

    (void)ctx;
    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        struct policy_sample s = mk(1, 1, 256, 0);
        struct state *st = state_open(tpath);
        struct state_ent *e;
        char want[512];

        logcap_reset();
        poll1(st, &s);
        assert_int_equal(state_flush(st), 0);
        e = state_entry(st, &s);
        *cases[i].f = (struct fault){ .err = cases[i].err, .times = 2,
                                      .match = cases[i].match };
        assert_true(state_intend(st, e, &s, POLICY_SET_WEIGHT, 512, 0));
        assert_int_equal(state_sync(st), -cases[i].err);
        assert_false(state_writable(st));
        assert_int_equal(state_sync(st), -cases[i].err);
        snprintf(want, sizeof(want), "cannot write the state file %s; until "
                 "it can be written, no weight or cap is moved away from its "
                 "base: %s", tpath, strerror(cases[i].err));
        assert_int_equal(logcap_count(want), 1);        /* once */
        /* The file as it was, and no temporary file left. */
        assert_string_equal(line_of(1), "1 256 0 - - - -");
        snprintf(want, sizeof(want), "ls -a %s | grep -q tmp-", tdir);
        assert_int_equal(system(want), 256);
        /* It works again: said once, and the change is written. */
        assert_int_equal(state_sync(st), 0);
        assert_true(state_writable(st));
        assert_int_equal(logcap_count("written again: scheduler changes "
                                      "resume"), 1);
        assert_string_equal(line_of(1), "1 256 0 - - 512 -");
        state_close(st);
        unlink(tpath);
        faults_reset();
    }
}

/* Another errno is news. */
static void test_failure_changes(void **ctx)
{
    struct policy_sample s = mk(1, 1, 256, 0);
    struct state *st = state_open(tpath);

    (void)ctx;
    poll1(st, &s);
    f_fsync = (struct fault){ .err = EIO, .times = 1 };
    assert_int_equal(state_flush(st), -EIO);
    f_write = (struct fault){ .err = ENOSPC, .times = 1 };
    assert_int_equal(state_flush(st), -ENOSPC);
    assert_int_equal(logcap_count("cannot write the state file"), 2);
    state_close(st);
}

static void test_short_writes(void **ctx)
{
    struct policy_sample s[2] = { mk(1, 1, 256, 0), mk(2, 2, 333, 90) };
    struct state *st = state_open(tpath);

    (void)ctx;
    f_write.short_len = 7;
    assert_int_equal(state_bases(st, s, 2, false), 0);
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(get_file("state"), "coopvmm-state 2\n"
                        U1 " 1 256 0 - - - -\n" U2 " 2 333 90 - - - -\n");
    state_close(st);
}

static void test_directory_gone(void **ctx)
{
    struct policy_sample s = mk(1, 1, 256, 0);
    struct state *st = state_open(tpath);
    char cmd[128];

    (void)ctx;
    poll1(st, &s);
    assert_int_equal(state_flush(st), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tdir);
    assert_int_equal(system(cmd), 0);
    s.weight = 300;
    poll1(st, &s);
    assert_int_equal(state_flush(st), -ENOENT);
    /* Opened again (and made again) by path on the next write. */
    assert_int_equal(state_flush(st), 0);
    assert_string_equal(line_of(1), "1 300 0 - - - -");
    state_close(st);
}

static void test_directory_unusable(void **ctx)
{
    struct policy_sample s = mk(1, 1, 256, 0);
    struct state *st;

    (void)ctx;
    /* reports row 06: a file where the directory should be. */
    put_text("afile", "x");
    snprintf(tpath, sizeof(tpath), "%s/afile/state", tdir);
    st = state_open(tpath);
    assert_non_null(st);
    assert_false(state_writable(st));
    poll1(st, &s);
    assert_true(state_intend(st, state_entry(st, &s), &s, POLICY_SET_WEIGHT,
                             512, 0));
    assert_int_equal(state_sync(st), -ENOTDIR);
    assert_int_equal(state_sync(st), -ENOTDIR);
    assert_int_equal(logcap_count("cannot write the state file"), 1);
    state_close(st);
    snprintf(tpath, sizeof(tpath), "%s/state", tdir);
}

static void test_leftovers_removed(void **ctx)
{
    struct state *st;

    (void)ctx;
    put_text("state.tmp-0123456789abcdef", "half a file");
    put_text("state.other", "kept");
    put_text("state", "coopvmm-state 2\n" GOOD1);
    st = open_expect(1);
    assert_string_equal(get_file("state.tmp-0123456789abcdef"), "");
    assert_string_equal(get_file("state.other"), "kept");
    assert_int_equal(logcap_count("removed (left by a killed run)"), 1);
    state_close(st);
}

static void test_read_errors(void **ctx)
{
    struct state *st;

    (void)ctx;
    put_text("state", "coopvmm-state 2\n" GOOD1 GOOD1);
    /* Interrupted and short reads are read on. */
    f_read = (struct fault){ .err = EINTR, .times = 1, .short_len = 5 };
    st = open_expect(1);
    assert_int_equal(logcap_count("the same guest and domid"), 1);
    state_close(st);
    logcap_reset();
    f_read = (struct fault){ .err = EIO, .times = 1 };
    st = open_expect(0);
    assert_false(state_writable(st));
    assert_int_equal(logcap_count("cannot read the state file"), 1);
    state_close(st);
}

static void test_no_file_name(void **ctx)
{
    struct state *st;

    (void)ctx;
    snprintf(tpath, sizeof(tpath), "%s/", tdir);
    st = state_open(tpath);
    assert_non_null(st);
    assert_int_equal(logcap_count("no file name"), 1);
    state_close(st);
    snprintf(tpath, sizeof(tpath), "%s/state", tdir);
}

static void test_too_many_entries(void **ctx)
{
    size_t max = 2 * POLICY_DOMID_LIMIT + 1, len = 0, cap = max * 64 + 32;
    char *text = malloc(cap);
    struct state *st = state_open(NULL);
    unsigned int i;

    (void)ctx;
    len = snprintf(text, cap, "coopvmm-state 2\n");
    for ( i = 0; i < max; i++ )
        len += snprintf(text + len, cap - len,
                        "c0000000-0000-4000-8000-%012x %u 1 0 - - - -\n",
                        i % 3, i / 3);
    assert_int_equal(state_parse(st, text, len, "big"), 1);
    assert_int_equal(count_entries(st), max - 1);
    assert_int_equal(logcap_count("too many entries"), 1);
    free(text);
    state_close(st);
}

static void test_keep_bad_fails(void **ctx)
{
    struct state *st;
    char p[160];

    (void)ctx;
    snprintf(p, sizeof(p), "%s/state.bad", tdir);
    assert_int_equal(mkdir(p, 0700), 0);
    put_text("state", "coopvmm-state 2\n" GOOD1 "junk\n");
    st = open_expect(1);
    assert_int_equal(logcap_count("cannot keep a copy as state.bad"), 1);
    state_close(st);
}

static void test_parse_direct(void **ctx)
{
    static const char text[] = "coopvmm-state 2\n" GOOD1 "junk\n";
    struct state *st = state_open(NULL);

    (void)ctx;
    assert_int_equal(state_parse(st, text, strlen(text), "mem"), 1);
    assert_int_equal(count_entries(st), 1);
    assert_int_equal(logcap_count("mem:3: damaged entry skipped"), 1);
    state_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, fix_setup, fix_teardown)
        T(test_damaged_lines),
        T(test_damaged_many),
        T(test_cut_short),
        T(test_not_a_state_file),
        T(test_trailing_fields),
        T(test_version1_upgraded),
        T(test_untrusted),
        T(test_too_large),
        T(test_unreadable_then_read),
        T(test_write_failures),
        T(test_failure_changes),
        T(test_short_writes),
        T(test_directory_gone),
        T(test_directory_unusable),
        T(test_leftovers_removed),
        T(test_read_errors),
        T(test_no_file_name),
        T(test_too_many_entries),
        T(test_keep_bad_fails),
        T(test_parse_direct),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
