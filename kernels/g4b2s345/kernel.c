/* 345/2/4: the learned circuits resynthesised at -O3 as a stencil over an on plane, 29 operations
 * per 64-cell word (1 in lifetui_on, 5 in lifetui_row, 23 in lifetui_rows), depth 13, verified on
 * every neighbourhood that can occur.
 *
 * Every bit of the next state depends only on the centre's state and how many of its neighbours are
 * in the on states (1: the on plane, which lifetui_on computes from a word's state bits).
 * lifetui_row adds a row's west and east cells of that plane (the pair) and its west, centre and
 * east cells (the sum), two bit planes each; the runtime calls it once per row and shares them
 * between the three rows that read them. lifetui_rows compresses the sums of the rows above and
 * below and the pair of the middle row and decodes each bit of the next state from the count, the
 * centre's on plane and its state bits. */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_PLANES 2
#define LIFETUI_ROW_SUMS 1

static inline lifetui_word lifetui_on(const lifetui_word *state) {
    lifetui_word o0 = state[0] & ~state[1]; /* a_and_not_b */
    return o0;
}

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

static inline void lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1, lifetui_word down0, lifetui_word down1, lifetui_word on, const lifetui_word *state, lifetui_word *out) {
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
    lifetui_word g10 = ~g8 & g9; /* not_a_and_b */
    lifetui_word g11 = ~g2 & g10; /* not_a_and_b */
    lifetui_word g12 = g2 ^ g3; /* xor */
    lifetui_word g13 = g6 | g12; /* or */
    lifetui_word g14 = g8 ^ g13; /* xor */
    lifetui_word g15 = on & g14; /* and */
    lifetui_word g16 = g11 ^ g15; /* xor */
    lifetui_word g17 = ~state[0] & state[1]; /* not_a_and_b */
    lifetui_word g18 = ~state[1] & g16; /* not_a_and_b */
    lifetui_word g19 = g17 ^ g18; /* xor */
    lifetui_word g20 = state[1] | ~g16; /* a_or_not_b */
    lifetui_word g21 = state[0] & g20; /* and */
    lifetui_word g22 = state[1] ^ g21; /* xor */
    out[0] = g19;
    out[1] = g22;
}
