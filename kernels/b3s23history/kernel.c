/* LifeHistory: the learned parts resynthesised at -O3 as a stencil over an on plane and a boundary
 * plane, 45 operations per 64-cell word (0 in lifetui_on, 5 in lifetui_row, 1 in lifetui_near, 4
 * for its OR over the neighbourhood in the runtime, 35 in lifetui_rows), depth 14, verified on
 * every neighbourhood that can occur.
 *
 * Every bit of the next state depends only on the centre's state, how many of its neighbours are in
 * the on states (1, 3, 5: the on plane, which lifetui_on computes from a word's state bits) and
 * whether any of the nine cells is the boundary (the boundary plane, which lifetui_near computes).
 * lifetui_row adds a row's west and east cells of the on plane (the pair) and its west, centre and
 * east cells (the sum), two bit planes each; the runtime calls it once per row, ORs the row's west,
 * centre and east cells of the boundary plane, and shares both between the three rows that read
 * them. lifetui_rows compresses the sums of the rows above and below and the pair of the middle row
 * and decodes each bit of the next state from the count, the centre's on plane, its state bits and
 * the OR of the three rows' boundary (near). */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_PLANES 3
#define LIFETUI_ROW_SUMS 1
#define LIFETUI_NEAR 1

static inline lifetui_word lifetui_near(const lifetui_word *state) {
    lifetui_word b0 = state[1] & state[2]; /* and */
    return b0;
}

static inline lifetui_word lifetui_on(const lifetui_word *state) {
    return state[0];
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

static inline void lifetui_rows(lifetui_word up0, lifetui_word up1, lifetui_word mid0, lifetui_word mid1, lifetui_word down0, lifetui_word down1, lifetui_word on, const lifetui_word *state, lifetui_word near, lifetui_word *out) {
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
    lifetui_word g10 = on & g9; /* and */
    lifetui_word g11 = on | ~g9; /* a_or_not_b */
    lifetui_word g12 = g2 & g11; /* and */
    lifetui_word g13 = g10 ^ g12; /* xor */
    lifetui_word g14 = ~g8 & g13; /* not_a_and_b */
    lifetui_word g15 = ~(state[1] & state[2]); /* nand */
    lifetui_word g16 = state[0] & near; /* and */
    lifetui_word g17 = g15 ^ g16; /* xor */
    lifetui_word g18 = g14 & g17; /* and */
    lifetui_word g19 = state[0] & ~state[2]; /* a_and_not_b */
    lifetui_word g20 = state[1] ^ g19; /* xor */
    lifetui_word g21 = state[1] ^ state[2]; /* xor */
    lifetui_word g22 = state[2] | ~near; /* a_or_not_b */
    lifetui_word g23 = state[1] ^ g22; /* xor */
    lifetui_word g24 = state[0] & g23; /* and */
    lifetui_word g25 = g21 ^ g24; /* xor */
    lifetui_word g26 = g14 & g25; /* and */
    lifetui_word g27 = g20 ^ g26; /* xor */
    lifetui_word g28 = near | ~g14; /* a_or_not_b */
    lifetui_word g29 = state[1] & g28; /* and */
    lifetui_word g30 = state[0] & g29; /* and */
    lifetui_word g31 = state[0] | state[1]; /* or */
    lifetui_word g32 = ~g14 | g31; /* not_a_or_b */
    lifetui_word g33 = state[2] & g32; /* and */
    lifetui_word g34 = g30 ^ g33; /* xor */
    out[0] = g18;
    out[1] = g27;
    out[2] = g34;
}
