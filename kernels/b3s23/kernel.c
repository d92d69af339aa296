/* B3/S23: the learned circuit resynthesised at -O3 as a stencil, 24 operations per
 * 64-cell word (5 in lifetui_row, 19 in lifetui_rows), depth 12, verified on all 512 neighbourhoods.
 *
 * The circuit's truth table depends only on the centre and the number of live neighbours: born
 * with 3; survives with 2, 3. lifetui_row adds a row's west, centre and east cells into
 * two bit planes; the runtime calls it once per row and shares the sums between the three rows
 * that read them. lifetui_rows adds the sums of the rows above, at and below into the 3x3 block's
 * count (centre included) and decodes it. */
#include <stdint.h>
#define LIFETUI_ROW_SUMS 1

static inline void lifetui_row(uint64_t west, uint64_t centre, uint64_t east, uint64_t *sum0, uint64_t *sum1) {
    uint64_t r0 = west ^ centre; /* xor */
    uint64_t r1 = r0 ^ east; /* xor */
    uint64_t r2 = west & centre; /* and */
    uint64_t r3 = r0 & east; /* and */
    uint64_t r4 = r2 | r3; /* or */
    *sum0 = r1;
    *sum1 = r4;
}

static inline uint64_t lifetui_rows(uint64_t up0, uint64_t up1, uint64_t mid0, uint64_t mid1, uint64_t down0, uint64_t down1, uint64_t centre) {
    uint64_t g0 = up0 ^ mid0; /* xor */
    uint64_t g1 = down0 ^ g0; /* xor */
    uint64_t g2 = up0 & mid0; /* and */
    uint64_t g3 = down0 & g0; /* and */
    uint64_t g4 = g2 | g3; /* or */
    uint64_t g5 = up1 ^ mid1; /* xor */
    uint64_t g6 = down1 ^ g5; /* xor */
    uint64_t g7 = up1 & mid1; /* and */
    uint64_t g8 = down1 & g5; /* and */
    uint64_t g9 = g7 | g8; /* or */
    uint64_t g10 = g4 ^ g6; /* xor */
    uint64_t g11 = g4 & g6; /* and */
    uint64_t g12 = g9 ^ g11; /* xor */
    uint64_t g13 = centre & g12; /* and */
    uint64_t g14 = ~g10 & g13; /* not_a_and_b */
    uint64_t g15 = g10 & ~g12; /* a_and_not_b */
    uint64_t g16 = g14 ^ g15; /* xor */
    uint64_t g17 = g1 & g16; /* and */
    uint64_t g18 = g14 ^ g17; /* xor */
    return g18;
}
