/* LifeHistory: the learned circuits at -O3, composed from the network's parts, one per bit of the state, 64 operations per word in all, verified on every neighbourhood that can occur. */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_PLANES 3

static inline void lifetui_next(const lifetui_word *in, lifetui_word *out) {
    lifetui_word g0 = in[9] & in[18]; /* and */
    lifetui_word g1 = in[10] & in[19]; /* and */
    lifetui_word g2 = in[11] & in[20]; /* and */
    lifetui_word g3 = in[12] & in[21]; /* and */
    lifetui_word g4 = in[13] & in[22]; /* and */
    lifetui_word g5 = in[14] & in[23]; /* and */
    lifetui_word g6 = in[15] & in[24]; /* and */
    lifetui_word g7 = in[16] & in[25]; /* and */
    lifetui_word g8 = in[17] & in[26]; /* and */
    lifetui_word g9 = in[0] ^ in[2]; /* xor */
    lifetui_word g10 = in[0] & in[2]; /* and */
    lifetui_word g11 = in[1] ^ g9; /* xor */
    lifetui_word g12 = in[1] & g9; /* and */
    lifetui_word g13 = g10 | g12; /* or */
    lifetui_word g14 = in[3] ^ in[5]; /* xor */
    lifetui_word g15 = in[3] & in[5]; /* and */
    lifetui_word g16 = in[6] ^ in[8]; /* xor */
    lifetui_word g17 = in[6] & in[8]; /* and */
    lifetui_word g18 = in[7] ^ g16; /* xor */
    lifetui_word g19 = in[7] & g16; /* and */
    lifetui_word g20 = g17 | g19; /* or */
    lifetui_word g21 = g11 ^ g14; /* xor */
    lifetui_word g22 = g14 ^ g18; /* xor */
    lifetui_word g23 = g18 ^ g21; /* xor */
    lifetui_word g24 = g21 | g22; /* or */
    lifetui_word g25 = g13 ^ g15; /* xor */
    lifetui_word g26 = g15 ^ g20; /* xor */
    lifetui_word g27 = g20 ^ g25; /* xor */
    lifetui_word g28 = g25 | g26; /* or */
    lifetui_word g29 = g27 ^ g28; /* xor */
    lifetui_word g30 = g24 ^ g27; /* xor */
    lifetui_word g31 = in[4] & g30; /* and */
    lifetui_word g32 = in[4] | ~g30; /* a_or_not_b */
    lifetui_word g33 = g23 & g32; /* and */
    lifetui_word g34 = g31 ^ g33; /* xor */
    lifetui_word g35 = ~g29 & g34; /* not_a_and_b */
    lifetui_word g36 = g7 | g8; /* or */
    lifetui_word g37 = g6 | g36; /* or */
    lifetui_word g38 = g5 | g37; /* or */
    lifetui_word g39 = g4 | g38; /* or */
    lifetui_word g40 = g3 | g39; /* or */
    lifetui_word g41 = g2 | g40; /* or */
    lifetui_word g42 = g1 | g41; /* or */
    lifetui_word g43 = g0 | g42; /* or */
    lifetui_word g44 = ~(in[13] & in[22]); /* nand */
    lifetui_word g45 = in[4] & g43; /* and */
    lifetui_word g46 = g44 ^ g45; /* xor */
    lifetui_word g47 = g35 & g46; /* and */
    lifetui_word g48 = in[22] & g35; /* and */
    lifetui_word g49 = in[13] & ~g35; /* a_and_not_b */
    lifetui_word g50 = g48 ^ g49; /* xor */
    lifetui_word g51 = in[22] | ~g43; /* a_or_not_b */
    lifetui_word g52 = in[13] ^ g51; /* xor */
    lifetui_word g53 = g35 & g52; /* and */
    lifetui_word g54 = ~(in[22] ^ g53); /* xnor */
    lifetui_word g55 = in[4] & g54; /* and */
    lifetui_word g56 = g50 ^ g55; /* xor */
    lifetui_word g57 = ~g35 | g43; /* not_a_or_b */
    lifetui_word g58 = in[13] & g57; /* and */
    lifetui_word g59 = in[4] & g58; /* and */
    lifetui_word g60 = in[13] | ~g35; /* a_or_not_b */
    lifetui_word g61 = in[4] | g60; /* or */
    lifetui_word g62 = in[22] & g61; /* and */
    lifetui_word g63 = g59 ^ g62; /* xor */
    out[0] = g47;
    out[1] = g56;
    out[2] = g63;
}
