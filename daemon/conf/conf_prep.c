/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conf_prep.c - prepare coopvmm.conf's text for libconfuse (step 1 of the
 * parse, see conf.c): drop comments, keeping every newline so that
 * libconfuse's line numbers stay right (libconfuse 3.3 miscounts lines
 * after `#` comments); quote bare words libconfuse would split (`web*`);
 * inject `__sec=N` after the opening brace of each section, recording the
 * line it starts on.  Two things libconfuse would take silently are
 * errors here: `${NAME}` in a double-quoted or bare value (libconfuse
 * puts the environment variable there, or nothing; coopvmmd reads no
 * environment), and a block still open at the end of the file (a file
 * cut short).
 *
 * It works on the text alone: it must not know the options or judge a
 * value, and must not change what a well-formed file means.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_prep.h"

struct buf {
    char *p;
    size_t n, a;
};

static int put(struct buf *b, const char *s, size_t n)
{
    if ( b->n + n + 1 > b->a )
    {
        size_t na = (b->a ? b->a : 256);
        char *q;

        while ( na < b->n + n + 1 )
            na *= 2;
        q = realloc(b->p, na);
        if ( !q )
            return -ENOMEM;
        b->p = q;
        b->a = na;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return 0;
}

#define CONF_MAX_DEPTH  8       /* blocks nest 2 deep; the rest is noise */

#define WORD_END    " \t\r\n{}=,()\"'#"
#define WORD_SAFE   "_.-/%:@"

bool conf_word_safe(const char *s, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( !isalnum((unsigned char)s[i]) && !strchr(WORD_SAFE, s[i]) )
            return false;
    return true;
}

/* Copy a bare word, quoted if libconfuse would not take it whole. */
static int put_word(struct buf *b, const char *s, size_t n)
{
    size_t i;
    int rc = 0;

    if ( conf_word_safe(s, n) )
        return put(b, s, n);
    rc |= put(b, "\"", 1);
    for ( i = 0; i < n; i++ )
    {
        if ( s[i] == '\\' )
            rc |= put(b, "\\", 1);
        rc |= put(b, s + i, 1);
    }
    return rc | put(b, "\"", 1);
}

/* Length of the quoted string at s (up to the closing quote, included). */
static size_t quoted_len(const char *s, size_t len, unsigned int *lines)
{
    size_t i;

    for ( i = 1; i < len && s[i] != s[0]; i++ )
    {
        if ( s[i] == '\n' )
            (*lines)++;
        if ( s[i] == '\\' && i + 1 < len )
        {
            i++;
            if ( s[i] == '\n' )
                (*lines)++;
        }
    }
    return i < len ? i + 1 : len;
}

/*
 * `${` where libconfuse would expand it: in a double-quoted string (not
 * after a backslash, which makes the `$` literal) or in a bare word.
 */
static bool env_ref(const char *s, size_t n)
{
    size_t i;

    if ( s[0] == '\'' )
        return false;
    for ( i = 0; i + 1 < n; i++ )
    {
        if ( s[0] == '"' && s[i] == '\\' )
            i++;
        else if ( s[i] == '$' && s[i + 1] == '{' )
            return true;
    }
    return false;
}

static void env_error(struct pctx *p, unsigned int line, const char *s,
                      size_t n)
{
    conf_perr(p, line, "%.*s: coopvmmd does not expand environment "
              "variables; write the value itself (or \\$ for a '$')",
              (int)(n > 60 ? 60 : n), s);
}

/* Comment length at s, or 0 if s does not start a comment. */
static size_t comment_len(const char *s, size_t len, unsigned int *lines,
                          bool *open)
{
    size_t i = 0;

    *open = false;
    if ( s[0] == '#' || (len > 1 && s[0] == '/' && s[1] == '/') )
    {
        while ( i < len && s[i] != '\n' )
            i++;
        return i;
    }
    if ( len < 2 || s[0] != '/' || s[1] != '*' )
        return 0;
    for ( i = 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++ )
        if ( s[i] == '\n' )
            (*lines)++;
    if ( i + 1 < len )
        return i + 2;
    *open = true;
    if ( i < len && s[i] == '\n' )
        (*lines)++;
    return len;
}

static int add_sec(struct pctx *p, unsigned int line)
{
    if ( p->nsec >= CONF_MAX_SEC )
    {
        conf_perr(p, line, "more than %u blocks", CONF_MAX_SEC);
        return -E2BIG;
    }
    if ( GROW(p->sec, p->nsec, p->asec) )
    {
        p->oom = true;
        return -ENOMEM;
    }
    p->sec[p->nsec].line = line;
    p->sec[p->nsec].kind = SEC_NONE;
    p->sec[p->nsec].parent = -1;
    p->sec[p->nsec].title = NULL;
    p->sec[p->nsec].checked = false;
    p->sec[p->nsec].opts = -1;
    return p->nsec++;
}

/*
 * The text libconfuse parses.  Tokens are tracked only to recognise a
 * section header, `KEYWORD TITLE {`, and a value or title position.
 */
char *conf_prep(struct pctx *p, const char *in, size_t len)
{
    struct buf b = { 0 };
    unsigned int line = 1, l1 = 0, l2 = 0, depth = 0;
    unsigned int open_line[CONF_MAX_DEPTH];
    char k1 = 0, k2 = 0;        /* last two tokens: 'w'ord, or the char */
    size_t i = 0, n;
    int rc = put(&b, "", 0);
    const char *nul = memchr(in, '\0', len);

    if ( nul )
    {
        for ( ; in < nul; in++ )
            line += *in == '\n';
        conf_perr(p, line, "NUL byte in the file");
        free(b.p);
        return NULL;
    }
    while ( !rc && i < len )
    {
        unsigned int start = line;
        char c = in[i];
        bool open;

        if ( strchr(" \t\r\n", c) )
        {
            line += c == '\n';
            rc = put(&b, in + i++, 1);
            continue;
        }
        n = comment_len(in + i, len - i, &line, &open);
        if ( n )
        {
            unsigned int k;

            if ( open )
                conf_perr(p, start, "unterminated comment");
            rc = put(&b, " ", 1);
            for ( k = start; !rc && k < line; k++ )
                rc = put(&b, "\n", 1);
            i += n;
            continue;
        }
        if ( c == '"' || c == '\'' )
        {
            n = quoted_len(in + i, len - i, &line);
            if ( env_ref(in + i, n) )
                env_error(p, start, in + i, n);
            rc = put(&b, in + i, n);
            i += n;
            c = 'w';
        }
        else if ( strchr("{}=,()", c) )
        {
            if ( c == '{' && depth < CONF_MAX_DEPTH )
                open_line[depth] = line;
            depth += c == '{';
            if ( c == '}' && depth > 0 )
                depth--;
            if ( c == '{' && k1 == 'w' && k2 == 'w' )
            {
                int s = add_sec(p, l2);
                char inj[32];

                if ( s < 0 )
                {
                    free(b.p);
                    return NULL;
                }
                rc = put(&b, inj, snprintf(inj, sizeof(inj),
                                            "{__sec=%d ", s));
            }
            else
                rc = put(&b, in + i, 1);
            i++;
        }
        else
        {
            for ( n = 0; i + n < len && in[i + n] &&
                         !strchr(WORD_END, in[i + n]); n++ )
            {
                size_t m = n + 2;

                /* ${NAME} is one word to libconfuse: to us too. */
                if ( in[i + n] != '$' || i + n + 1 >= len ||
                     in[i + n + 1] != '{' )
                    continue;
                while ( i + m < len && in[i + m] != '}' && in[i + m] != '\n' )
                    m++;
                if ( i + m < len && in[i + m] == '}' )
                    n = m;
            }
            if ( n == 5 && !memcmp(in + i, "__sec", 5) )
                conf_perr(p, line, "no such option '__sec'");
            if ( env_ref(in + i, n) )
                env_error(p, line, in + i, n);
            if ( k1 == '=' || k1 == 'w' )
                rc = put_word(&b, in + i, n);
            else
                rc = put(&b, in + i, n);
            i += n;
            c = 'w';
        }
        k2 = k1;
        l2 = l1;
        k1 = c;
        l1 = start;
    }
    if ( rc || i < len )
    {
        p->oom = true;
        free(b.p);
        return NULL;
    }
    /* libconfuse closes what is open at the end without a word. */
    if ( depth )
        conf_perr(p, open_line[(depth > CONF_MAX_DEPTH ? CONF_MAX_DEPTH
                                                        : depth) - 1],
                  "this block is not closed: the file ends at line %u "
                  "inside it (cut short?)", line);
    return b.p;
}
