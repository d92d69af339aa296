/* 234/34678/24: the learned circuits resynthesised at -O3 as a stencil over an on plane, 50
 * operations per 64-cell word (4 in lifetui_on, 5 in lifetui_row, 41 in lifetui_rows), depth 20,
 * verified on every neighbourhood that can occur.
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

#define LIFETUI_PLANES 5
#define LIFETUI_ROW_SUMS 1

static inline lifetui_word lifetui_on(const lifetui_word *state) {
    lifetui_word o0 = ~(state[3] | state[4]); /* nor */
    lifetui_word o1 = ~state[2] & o0; /* not_a_and_b */
    lifetui_word o2 = ~state[1] & o1; /* not_a_and_b */
    lifetui_word o3 = state[0] & o2; /* and */
    return o3;
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
    lifetui_word g8 = ~on & g6; /* not_a_and_b */
    lifetui_word g9 = g7 ^ g8; /* xor */
    lifetui_word g10 = on | ~g7; /* a_or_not_b */
    lifetui_word g11 = g2 & g10; /* and */
    lifetui_word g12 = g9 ^ g11; /* xor */
    lifetui_word g13 = on ^ g7; /* xor */
    lifetui_word g14 = ~g2 & g13; /* not_a_and_b */
    lifetui_word g15 = ~on | g7; /* not_a_or_b */
    lifetui_word g16 = g14 ^ g15; /* xor */
    lifetui_word g17 = g6 & g16; /* and */
    lifetui_word g18 = g14 ^ g17; /* xor */
    lifetui_word g19 = g12 ^ g18; /* xor */
    lifetui_word g20 = g3 & g19; /* and */
    lifetui_word g21 = g12 ^ g20; /* xor */
    lifetui_word g22 = state[3] | state[4]; /* or */
    lifetui_word g23 = state[2] | g22; /* or */
    lifetui_word g24 = state[1] | g23; /* or */
    lifetui_word g25 = ~state[0] & g24; /* not_a_and_b */
    lifetui_word g26 = g21 & ~g24; /* a_and_not_b */
    lifetui_word g27 = g25 ^ g26; /* xor */
    lifetui_word g28 = ~g21 | g24; /* not_a_or_b */
    lifetui_word g29 = state[0] & g28; /* and */
    lifetui_word g30 = state[1] ^ g29; /* xor */
    lifetui_word g31 = state[0] & state[1]; /* and */
    lifetui_word g32 = state[2] ^ g31; /* xor */
    lifetui_word g33 = state[2] & ~state[4]; /* a_and_not_b */
    lifetui_word g34 = state[1] & g33; /* and */
    lifetui_word g35 = state[0] & g34; /* and */
    lifetui_word g36 = state[3] ^ g35; /* xor */
    lifetui_word g37 = state[2] & g22; /* and */
    lifetui_word g38 = state[1] & g37; /* and */
    lifetui_word g39 = state[0] & g38; /* and */
    lifetui_word g40 = state[4] ^ g39; /* xor */
    out[0] = g27;
    out[1] = g30;
    out[2] = g32;
    out[3] = g36;
    out[4] = g40;
}
