/* B3/S23: the learned circuit resynthesised at -O3 as a stencil, 24 operations per
 * 64-cell word (5 in lifetui_row, 19 in lifetui_rows), depth 12, verified on all 512 neighbourhoods.
 *
 * The circuit's truth table depends only on the centre and the number of live neighbours: born
 * with 3; survives with 2, 3. lifetui_row adds a row's west, centre and east cells into
 * two bit planes; the runtime calls it once per row and shares the sums between the three rows
 * that read them. lifetui_rows adds the sums of the rows above, at and below into the 3x3 block's
 * count (centre included) and decodes it. */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_ROW_SUMS 1

static inline void lifetui_row(lifetui_word west, lifetui_word centre, lifetui_word east, lifetui_word *sum0, lifetui_word *sum1) {
    lifetui_word r0 = west ^ centre; /* xor */
    lifetui_word r1 = r0 ^ east; /* xor */
    lifetui_word r2 = west & centre; /* and */
    lifetui_word r3 = r0 & east; /* and */
    lifetui_word r4 = r2 | r3; /* or */
    *sum0 = r1;
    *sum1 = r4;
}

static inline lifetui_word lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1, lifetui_word down0, lifetui_word down1, lifetui_word centre) {
    lifetui_word g0 = up0 ^ mid0; /* xor */
    lifetui_word g1 = down0 ^ g0; /* xor */
    lifetui_word g2 = up0 & mid0; /* and */
    lifetui_word g3 = down0 & g0; /* and */
    lifetui_word g4 = g2 | g3; /* or */
    lifetui_word g5 = up1 ^ mid1; /* xor */
    lifetui_word g6 = down1 ^ g5; /* xor */
    lifetui_word g7 = up1 & mid1; /* and */
    lifetui_word g8 = down1 & g5; /* and */
    lifetui_word g9 = g7 | g8; /* or */
    lifetui_word g10 = g4 ^ g6; /* xor */
    lifetui_word g11 = g4 & g6; /* and */
    lifetui_word g12 = g9 ^ g11; /* xor */
    lifetui_word g13 = centre & g12; /* and */
    lifetui_word g14 = ~g10 & g13; /* not_a_and_b */
    lifetui_word g15 = g10 & ~g12; /* a_and_not_b */
    lifetui_word g16 = g14 ^ g15; /* xor */
    lifetui_word g17 = g1 & g16; /* and */
    lifetui_word g18 = g14 ^ g17; /* xor */
    return g18;
}
