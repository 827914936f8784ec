/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arithmetic and string helpers for the freestanding test guest.  A -m32
 * -nostdlib build has no libgcc, so 64-bit division is done here by hand.
 */
#include "lib.h"

/* Shift-and-subtract division; d == 0 gives ~0 rather than a fault. */
uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint64_t q = 0, r = 0;
    int i;

    if ( d == 0 )
    {
        if ( rem )
            *rem = 0;
        return ~(uint64_t)0;
    }
    if ( (d >> 32) == 0 && (n >> 32) == 0 )
    {
        if ( rem )
            *rem = (uint32_t)n % (uint32_t)d;
        return (uint32_t)n / (uint32_t)d;
    }
    for ( i = 63; i >= 0; i-- )
    {
        r = (r << 1) | ((n >> i) & 1);
        if ( r >= d )
        {
            r -= d;
            q |= (uint64_t)1 << i;
        }
    }
    if ( rem )
        *rem = r;
    return q;
}

/* a * b / d, saturating instead of overflowing in the product. */
uint64_t mul_div64(uint64_t a, uint32_t b, uint64_t d)
{
    uint64_t q, r;

    /* a * b = (q * d + r) * b = q * b * d + r * b */
    q = udivmod64(a, d, &r);
    if ( b && q > ~(uint64_t)0 / b )
        return ~(uint64_t)0;
    return q * b + udivmod64(r * b, d, NULL);
}

static void sift_down(uint32_t *v, uint32_t root, uint32_t n)
{
    for ( ;; )
    {
        uint32_t child = 2 * root + 1, tmp;

        if ( child >= n )
            return;
        if ( child + 1 < n && v[child + 1] > v[child] )
            child++;
        if ( v[root] >= v[child] )
            return;
        tmp = v[root];
        v[root] = v[child];
        v[child] = tmp;
        root = child;
    }
}

/* Heapsort: O(n log n) without recursion or extra memory. */
void sort_u32(uint32_t *v, uint32_t n)
{
    uint32_t i, tmp;

    if ( n < 2 )
        return;
    for ( i = n / 2; i-- > 0; )
        sift_down(v, i, n);
    for ( i = n - 1; i > 0; i-- )
    {
        tmp = v[0];
        v[0] = v[i];
        v[i] = tmp;
        sift_down(v, 0, i);
    }
}

/* Nearest rank in a sorted array: the smallest value with at least pct% at or below it. */
uint32_t percentile_u32(const uint32_t *v, uint32_t n, uint32_t pct)
{
    uint32_t i;

    if ( !n )
        return 0;
    i = (n * pct + 99) / 100;
    return v[i ? i - 1 : 0];
}

size_t str_len(const char *s)
{
    size_t n = 0;

    while ( s[n] )
        n++;
    return n;
}

int str_eq_n(const char *a, const char *b, size_t n)
{
    size_t i;

    for ( i = 0; i < n; i++ )
        if ( a[i] != b[i] )
            return 0;
    return 1;
}
