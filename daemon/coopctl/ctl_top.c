/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl_top.c - `coopctl top`: the status as xentop shows a host.  On a
 * terminal (ncurses): the header stays, the rows scroll, any column
 * sorts, the columns fit the width (80 at least), names are cut visibly
 * and never read alike.  CPU% and CAP are in xentop's unit: 100 = one
 * physical CPU.  Elsewhere (a pipe, TERM=dumb, -j) the status is simply
 * printed again each interval.
 */
#include <curses.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "ctl_conn.h"
#include "ctl_status.h"
#include "ctl_top.h"

#define CELL        CTL_FIT_MAX
#define HEAD_ROWS   5           /* title, signals, pools, keys, header */

struct row {
    json_t *o;                  /* the domain's status object (borrowed) */
    long long domid;
    double num[16];             /* sort keys of the numeric columns */
    char name[CELL];            /* fitted */
};

enum col_id { C_ID, C_NAME, C_CLASS, C_AGE, C_CPU, C_CAP, C_WAIT, C_DEMAND,
              C_IO, C_WEIGHT, C_POOL, C_IOREQ, C_VBD, C_NET, C_EFFECT,
              C__COUNT };

struct col {
    const char *head;
    int width;                  /* the EFFECT column takes what is left */
    bool numeric;
    const char *key;            /* JSON member for numeric columns */
    double scale;
};

static const struct col cols[C__COUNT] = {
    [C_ID] = { "DOMID", 5, true, "domid", 1 },
    [C_NAME] = { "NAME", 16, false, NULL, 0 },
    [C_CLASS] = { "CLASS", 10, false, NULL, 0 },
    [C_AGE] = { "SINCE", 6, true, "class_age_s", 1 },
    [C_CPU] = { "CPU%", 6, true, "cpu_pcpu_pct", 1 },
    [C_CAP] = { "CAP%", 5, true, "cap", 1 },
    [C_WAIT] = { "WAIT%", 5, true, "cpu_wait_pct", 1 },
    [C_DEMAND] = { "DEMAND%", 7, true, "cpu_demand_pct", 1 },
    [C_IO] = { "IO/s", 7, true, "io_per_s", 1 },
    [C_WEIGHT] = { "WEIGHT", 10, true, "weight", 1 },
    [C_POOL] = { "POOL", 4, true, "pool", 1 },
    [C_IOREQ] = { "IOREQ/s", 8, true, "ioreq_per_s", 1 },
    [C_VBD] = { "VBD/s", 7, true, "vbd_iops", 1 },
    [C_NET] = { "NETpkt/s", 8, true, "net_pkts_per_s", 1 },
    [C_EFFECT] = { "EFFECT", 14, false, NULL, 0 },
};

/* Always shown (80 columns), then added in this order while they fit. */
static const enum col_id base_cols[] = { C_ID, C_NAME, C_CLASS, C_CPU, C_CAP,
                                         C_WAIT, C_IO, C_WEIGHT };
static const enum col_id extra_cols[] = { C_AGE, C_DEMAND, C_POOL, C_IOREQ,
                                          C_VBD, C_NET };

struct top {
    enum col_id shown[C__COUNT];
    unsigned int nshown;
    int effect_w;
    enum col_id sort;
    bool reverse;
    unsigned int first;         /* first row shown (scroll) */
    struct row *rows;
    unsigned int nrows;
    json_t *rep;
};

static bool curses_on;

static void curses_end(void)
{
    if ( curses_on )
        endwin();
    curses_on = false;
}

/* Columns for a width: the base set, extras that fit, EFFECT the rest. */
static void layout(struct top *t, int width)
{
    unsigned int i;
    int used = 0;

    t->nshown = 0;
    for ( i = 0; i < sizeof(base_cols) / sizeof(base_cols[0]); i++ )
    {
        t->shown[t->nshown++] = base_cols[i];
        used += cols[base_cols[i]].width + 1;
    }
    for ( i = 0; i < sizeof(extra_cols) / sizeof(extra_cols[0]); i++ )
    {
        if ( used + cols[extra_cols[i]].width + 1 + 40 > width )
            break;
        t->shown[t->nshown++] = extra_cols[i];
        used += cols[extra_cols[i]].width + 1;
    }
    t->shown[t->nshown++] = C_EFFECT;
    t->effect_w = width - used > cols[C_EFFECT].width ? width - used
                                                      : cols[C_EFFECT].width;
}

static const struct top *sort_ctx;

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    const struct top *t = sort_ctx;
    enum col_id c = t->sort;
    char cx[CELL], cy[CELL];
    int r;

    if ( cols[c].numeric )
    {
        /* Unknown values sort last whichever the direction. */
        if ( isnan(x->num[c]) || isnan(y->num[c]) )
            return isnan(x->num[c]) - isnan(y->num[c]);
        r = x->num[c] < y->num[c] ? -1 : x->num[c] > y->num[c];
    }
    else if ( c == C_NAME )
        r = strcmp(ctl_jstr(x->o, "name"), ctl_jstr(y->o, "name"));
    else if ( c == C_CLASS )
    {
        ctl_fmt_class(cx, sizeof(cx), x->o, false);
        ctl_fmt_class(cy, sizeof(cy), y->o, false);
        r = strcmp(cx, cy);
    }
    else
    {
        ctl_fmt_effect(cx, sizeof(cx), x->o);
        ctl_fmt_effect(cy, sizeof(cy), y->o);
        r = strcmp(cx, cy);
    }
    if ( !r )
        r = x->domid < y->domid ? -1 : x->domid > y->domid;
    return t->reverse ? -r : r;
}

/* Rows from a status reply, names fitted to the NAME column, sorted. */
static void load_rows(struct top *t, json_t *rep)
{
    json_t *doms = json_object_get(rep, "domains"), *o, *v;
    const char **names;
    long long *ids;
    char (*fitted)[CELL];
    unsigned int n = (unsigned int)json_array_size(doms), i, c;

    free(t->rows);
    t->rows = calloc(n ? n : 1, sizeof(*t->rows));
    names = calloc(n ? n : 1, sizeof(*names));
    ids = calloc(n ? n : 1, sizeof(*ids));
    fitted = calloc(n ? n : 1, sizeof(*fitted));
    if ( !t->rows || !names || !ids || !fitted )
        ctl_die("out of memory");
    for ( i = 0; i < n; i++ )
    {
        o = json_array_get(doms, i);
        t->rows[i].o = o;
        t->rows[i].domid = ctl_jint(o, "domid");
        names[i] = ctl_jstr(o, "name");
        ids[i] = t->rows[i].domid;
        for ( c = 0; c < C__COUNT; c++ )
        {
            v = cols[c].key ? json_object_get(o, cols[c].key) : NULL;
            t->rows[i].num[c] = json_is_number(v) ? json_number_value(v)
                                                  : NAN;
        }
    }
    ctl_fit_names(fitted, names, ids, n, cols[C_NAME].width);
    for ( i = 0; i < n; i++ )
        memcpy(t->rows[i].name, fitted[i], CELL);
    t->nrows = n;
    sort_ctx = t;
    qsort(t->rows, n, sizeof(*t->rows), row_cmp);
    free(names);
    free(ids);
    free(fitted);
}

/* A short effect for a narrow column: "38->4% helped", "38->20% 4/10". */
static void effect_cell(char *b, size_t n, json_t *o, int width)
{
    json_t *e = json_object_get(o, "effect");
    const char *st = ctl_jstr(e, "state");
    char age[32];

    if ( width >= 36 || !json_is_object(e) )
    {
        ctl_fmt_effect(b, n, o);
        return;
    }
    if ( !strcmp(st, "undone") )
    {
        ctl_fmt_age(age, sizeof(age), json_number_value(
                        json_object_get(e, "hold_off_left_s")));
        snprintf(b, n, "undone %s", age);
        return;
    }
    snprintf(b, n, "%.0f->%.0f%% ", json_number_value(
                 json_object_get(e, "before_pct")),
             json_number_value(json_object_get(e, "after_pct")));
    if ( !strcmp(st, "pending") )
        snprintf(b + strlen(b), n - strlen(b), "%lld/%lld",
                 ctl_jint(e, "polls"), ctl_jint(e, "polls_needed"));
    else
        snprintf(b + strlen(b), n - strlen(b), "%s", st);
}

static void cell(char *b, size_t n, const struct top *t, const struct row *r,
                 enum col_id c)
{
    json_t *o = r->o;

    switch ( c )
    {
    case C_ID: snprintf(b, n, "%lld", r->domid); break;
    case C_NAME: snprintf(b, n, "%s", r->name); break;
    case C_CLASS: ctl_fmt_class(b, n, o, false); break;
    case C_AGE:
        if ( json_is_true(json_object_get(o, "managed")) )
            ctl_fmt_age(b, n, json_number_value(json_object_get(o,
                                                   "class_age_s")));
        else
            snprintf(b, n, "-");
        break;
    case C_CAP: snprintf(b, n, "%lld", ctl_jint(o, "cap")); break;
    case C_WEIGHT: ctl_fmt_weight(b, n, o); break;
    case C_POOL: snprintf(b, n, "%lld", ctl_jint(o, "pool")); break;
    case C_EFFECT: effect_cell(b, n, o, t->effect_w); break;
    default: ctl_fmt_num(b, n, json_object_get(o, cols[c].key)); break;
    }
}

/* Text cut to `w` terminal columns (names are fitted already). */
static void put_cell(int y, int x, const char *s, int w, bool right)
{
    int len = (int)ctl_display_width(s);

    if ( len > w )
    {
        mvaddnstr(y, x, s, w);      /* ASCII cells only get here */
        return;
    }
    mvaddstr(y, x + (right ? w - len : 0), s);
}

static int col_width(const struct top *t, enum col_id c)
{
    return c == C_EFFECT ? t->effect_w : cols[c].width;
}

static void pool_pct(char *b, size_t n, json_t *v)
{
    if ( json_is_number(v) )
        snprintf(b, n, "%.0f%%", json_number_value(v));
    else
        snprintf(b, n, "-");
}

static void draw_head(const struct top *t)
{
    json_t *dm = json_object_get(t->rep, "daemon"), *p;
    char line[512], miss[160], num[2][24], tm[16];
    size_t i, off;
    time_t now = time(NULL);
    int x = 0;
    unsigned int k;

    strftime(tm, sizeof(tm), "%H:%M:%S", localtime(&now));
    snprintf(line, sizeof(line), "coopctl top %s  %s %s%s  %lld/%lld "
             "managed  effect: %lld helped, %lld undone", tm,
             ctl_jstr(dm, "backend"),
             json_is_true(json_object_get(dm, "paused")) ? "paused" : "active",
             json_is_true(json_object_get(dm, "dry_run")) ? " dry-run" : "",
             ctl_jint(dm, "managed"), ctl_jint(dm, "domains"),
             ctl_jint(dm, "effects_helped"), ctl_jint(dm, "effects_undone"));
    mvaddnstr(0, 0, line, COLS);
    ctl_fmt_missing(miss, sizeof(miss), dm, true);
    off = (size_t)snprintf(line, sizeof(line), "signals");
    json_array_foreach(json_object_get(dm, "signals"), i, p)
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
                                i ? "," : " ", json_string_value(p));
    snprintf(line + off, sizeof(line) - off, "%s%s%s", *miss ? " (" : "",
             miss, *miss ? ")" : "");
    mvaddnstr(1, 0, line, COLS);
    off = 0;
    line[0] = '\0';
    json_array_foreach(json_object_get(t->rep, "cpupools"), i, p)
    {
        pool_pct(num[0], sizeof(num[0]), json_object_get(p, "busy_pct"));
        pool_pct(num[1], sizeof(num[1]), json_object_get(p, "wait_pct"));
        if ( off < sizeof(line) )
            off += (size_t)snprintf(line + off, sizeof(line) - off,
                                    "%spool %lld %s %lld pCPU busy %s "
                                    "wait %s", i ? " | " : "",
                                    ctl_jint(p, "id"), ctl_jstr(p, "sched"),
                                    ctl_jint(p, "cpus"), num[0], num[1]);
    }
    mvaddnstr(2, 0, line, COLS);
    mvaddnstr(3, 0, "CPU%,CAP%: 100 = one pCPU (xentop); WAIT%: of its "
              "vCPUs' time | </>:sort r:reverse q:quit", COLS);
    attron(A_REVERSE);
    mvhline(4, 0, ' ', COLS);
    for ( k = 0; k < t->nshown; k++ )
    {
        enum col_id c = t->shown[k];

        snprintf(line, sizeof(line), "%s%s", cols[c].head,
                 c == t->sort ? (t->reverse ? "v" : "^") : "");
        if ( c == t->sort )
            attron(A_BOLD);
        put_cell(4, x, line, col_width(t, c), cols[c].numeric &&
                 c != C_WEIGHT);
        attroff(A_BOLD);
        x += col_width(t, c) + 1;
    }
    attroff(A_REVERSE);
}

static void draw(struct top *t)
{
    unsigned int k, i, rows = LINES > HEAD_ROWS ? LINES - HEAD_ROWS : 0;
    char b[CELL];
    int x;

    erase();
    layout(t, COLS);
    draw_head(t);
    if ( t->nrows <= rows )
        t->first = 0;
    else if ( t->first > t->nrows - rows )
        t->first = t->nrows - rows;
    for ( i = 0; i < rows && t->first + i < t->nrows; i++ )
    {
        const struct row *r = &t->rows[t->first + i];

        for ( k = 0, x = 0; k < t->nshown; k++ )
        {
            enum col_id c = t->shown[k];

            cell(b, sizeof(b), t, r, c);
            put_cell(HEAD_ROWS + (int)i, x, b, col_width(t, c),
                     cols[c].numeric && c != C_WEIGHT);
            x += col_width(t, c) + 1;
        }
    }
    if ( t->nrows > rows && rows )
    {
        snprintf(b, sizeof(b), " rows %u-%u of %u ", t->first + 1,
                 t->first + i, t->nrows);
        mvaddstr(LINES - 1, COLS - (int)strlen(b) > 0 ?
                 COLS - (int)strlen(b) : 0, b);
    }
    refresh();
}

/* A key: true to quit. */
static bool key(struct top *t, int ch)
{
    unsigned int k, rows = LINES > HEAD_ROWS ? LINES - HEAD_ROWS : 1;

    for ( k = 0; k < t->nshown && t->shown[k] != t->sort; k++ )
        ;
    switch ( ch )
    {
    case 'q': case 'Q': return true;
    case '<': case KEY_LEFT:
        t->sort = t->shown[k ? k - 1 : 0];
        break;
    case '>': case KEY_RIGHT:
        t->sort = t->shown[k + 1 < t->nshown ? k + 1 : k];
        break;
    case 'r': t->reverse = !t->reverse; break;
    case KEY_UP: case 'k': t->first -= t->first > 0; return false;
    case KEY_DOWN: case 'j': t->first++; return false;
    case KEY_PPAGE:
        t->first = t->first > rows ? t->first - rows : 0;
        return false;
    case KEY_NPAGE: t->first += rows; return false;
    case KEY_HOME: case 'g': t->first = 0; return false;
    case KEY_END: case 'G': t->first = t->nrows; return false;
    default: return false;
    }
    /* A new order: show it from its first row. */
    t->first = 0;
    sort_ctx = t;
    qsort(t->rows, t->nrows, sizeof(*t->rows), row_cmp);
    return false;
}

static int curses_loop(long count)
{
    struct top t = { .sort = C_ID };
    uint64_t next = 0, now;
    long done = 0;
    long long ms = 1000;
    int ch;

    for ( ;; )
    {
        now = clock_mono_ns();
        if ( now >= next )
        {
            if ( count && done >= count )
                break;
            json_decref(t.rep);
            t.rep = ctl_status_request();
            ms = ctl_jint(json_object_get(t.rep, "daemon"), "interval_ms");
            ms = ms < 200 ? 200 : ms > 60000 ? 60000 : ms;
            next = now + (uint64_t)ms * 1000000;
            load_rows(&t, t.rep);
            done++;
        }
        draw(&t);
        if ( count && done >= count )
            break;
        timeout((int)((next - now) / 1000000) + 1);
        ch = getch();
        if ( ctl_stopped() || (ch != ERR && key(&t, ch)) )
            break;
    }
    curses_end();
    json_decref(t.rep);
    free(t.rows);
    return EXIT_SUCCESS;
}

static int reprint_loop(long count, bool json)
{
    long done = 0;
    long long ms;
    json_t *rep;

    for ( ;; )
    {
        rep = ctl_status_request();
        ms = ctl_jint(json_object_get(rep, "daemon"), "interval_ms");
        if ( json )
            ctl_print_json(rep, JSON_COMPACT);
        else
        {
            ctl_status_print(stdout, rep);
            putchar('\n');
        }
        fflush(stdout);
        json_decref(rep);
        if ( count && ++done >= count )
            break;
        if ( ctl_sleep((int)(ms < 200 ? 200 : ms > 60000 ? 60000 : ms)) )
            break;
    }
    return EXIT_SUCCESS;
}

int ctl_top(long count, bool json)
{
    const char *term = getenv("TERM");

    ctl_catch_signals();
    if ( json || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || !term ||
         !*term || !strcmp(term, "dumb") ||
         !newterm(NULL, stdout, stdin) )
        return reprint_loop(count, json);
    curses_on = true;
    atexit(curses_end);
    ctl_on_fatal(curses_end);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    return curses_loop(count);
}
