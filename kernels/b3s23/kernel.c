/* B3/S23: the learned circuit resynthesised at -O3 as a stencil, 20 operations per
 * 64-cell word (5 in lifetui_row, 15 in lifetui_rows), depth 10, verified on all 512 neighbourhoods.
 *
 * The circuit's truth table depends only on the centre and the number of live neighbours: born with
 * 3; survives with 2, 3. lifetui_row adds a row's west and east cells (the pair) and its west,
 * centre and east cells (the sum), two bit planes each; the runtime calls it once per row and
 * shares them between the three rows that read them. lifetui_rows compresses the sums of the rows
 * above and below and the pair of the middle row, plane by plane, and decodes the count. */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_ROW_SUMS 1

static inline void lifetui_row(lifetui_word west, lifetui_word centre, lifetui_word east, lifetui_word *pair0, lifetui_word *pair1, lifetui_word *sum0, lifetui_word *sum1) {
    lifetui_word r0 = west ^ east; /* xor */
    lifetui_word r1 = west & east; /* and */
    lifetui_word r2 = r0 ^ centre; /* xor */
    lifetui_word r3 = r0 & centre; /* and */
    lifetui_word r4 = r1 | r3; /* or */
    *pair0 = r0;
    *pair1 = r1;
    *sum0 = r2;
    *sum1 = r4;
}

static inline lifetui_word lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1, lifetui_word down0, lifetui_word down1, lifetui_word centre) {
    lifetui_word g0 = up0 ^ mid0; /* xor */
    lifetui_word g1 = mid0 ^ down0; /* xor */
    lifetui_word g2 = down0 ^ g0; /* xor */
    lifetui_word g3 = g0 | g1; /* or */
    lifetui_word g4 = up1 ^ mid1; /* xor */
    lifetui_word g5 = mid1 ^ down1; /* xor */
    lifetui_word g6 = down1 ^ g4; /* xor */
    lifetui_word g7 = g4 | g5; /* or */
    lifetui_word g8 = g6 ^ g7; /* xor */
    lifetui_word g9 = g3 ^ g6; /* xor */
    lifetui_word g10 = centre & g9; /* and */
    lifetui_word g11 = centre | ~g9; /* a_or_not_b */
    lifetui_word g12 = g2 & g11; /* and */
    lifetui_word g13 = g10 ^ g12; /* xor */
    lifetui_word g14 = ~g8 & g13; /* not_a_and_b */
    return g14;
}
