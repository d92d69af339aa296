/* B3/S23: the learned circuit at -O2, 202 operations, depth 16, verified on all 512 neighbourhoods. */
#include <stdint.h>

static inline uint64_t lifetui_kernel(uint64_t nw, uint64_t n, uint64_t ne, uint64_t w, uint64_t c, uint64_t e, uint64_t sw, uint64_t s, uint64_t se) {
    uint64_t g0 = nw & e; /* and */
    uint64_t g1 = sw | se; /* or */
    uint64_t g2 = e | sw; /* or */
    uint64_t g3 = w | c; /* or */
    uint64_t g4 = c | s; /* or */
    uint64_t g5 = n ^ w; /* xor */
    uint64_t g6 = nw & s; /* and */
    uint64_t g7 = ne & s; /* and */
    uint64_t g8 = ~w & sw; /* not_a_and_b */
    uint64_t g9 = n | sw; /* or */
    uint64_t g10 = ~(n ^ s); /* xnor */
    uint64_t g11 = n | se; /* or */
    uint64_t g12 = e ^ se; /* xor */
    uint64_t g13 = c | sw; /* or */
    uint64_t g14 = n & ne; /* and */
    uint64_t g15 = nw ^ se; /* xor */
    uint64_t g16 = ~(nw ^ sw); /* xnor */
    uint64_t g17 = nw | e; /* or */
    uint64_t g18 = e & s; /* and */
    uint64_t g19 = n & w; /* and */
    uint64_t g20 = ne | se; /* or */
    uint64_t g21 = ne | sw; /* or */
    uint64_t g22 = w | s; /* or */
    uint64_t g23 = w & se; /* and */
    uint64_t g24 = ~c | e; /* not_a_or_b */
    uint64_t g25 = s | se; /* or */
    uint64_t g26 = c | se; /* or */
    uint64_t g27 = n & c; /* and */
    uint64_t g28 = n | e; /* or */
    uint64_t g29 = n | ne; /* or */
    uint64_t g30 = nw ^ e; /* xor */
    uint64_t g31 = ne & c; /* and */
    uint64_t g32 = ne & se; /* and */
    uint64_t g33 = w ^ sw; /* xor */
    uint64_t g34 = nw & se; /* and */
    uint64_t g35 = ne | w; /* or */
    uint64_t g36 = n | s; /* or */
    uint64_t g37 = ne ^ g2; /* xor */
    uint64_t g38 = sw | g5; /* or */
    uint64_t g39 = se | g18; /* or */
    uint64_t g40 = w | g15; /* or */
    uint64_t g41 = se & g30; /* and */
    uint64_t g42 = s | g17; /* or */
    uint64_t g43 = n & g10; /* and */
    uint64_t g44 = w | g0; /* or */
    uint64_t g45 = nw ^ g23; /* xor */
    uint64_t g46 = sw & g27; /* and */
    uint64_t g47 = ~s & se; /* not_a_and_b */
    uint64_t g48 = ne & w; /* and */
    uint64_t g49 = n ^ g1; /* xor */
    uint64_t g50 = g1 & g25; /* and */
    uint64_t g51 = se ^ g22; /* xor */
    uint64_t g52 = nw ^ g12; /* xor */
    uint64_t g53 = g24 | g27; /* or */
    uint64_t g54 = g18 & ~g23; /* a_and_not_b */
    uint64_t g55 = se | ~g16; /* a_or_not_b */
    uint64_t g56 = n | g31; /* or */
    uint64_t g57 = w & g9; /* and */
    uint64_t g58 = sw & ~g30; /* a_and_not_b */
    uint64_t g59 = w & sw; /* and */
    uint64_t g60 = nw & g9; /* and */
    uint64_t g61 = g16 & g20; /* and */
    uint64_t g62 = g17 & g21; /* and */
    uint64_t g63 = sw | g3; /* or */
    uint64_t g64 = g11 & g35; /* and */
    uint64_t g65 = g29 & g50; /* and */
    uint64_t g66 = g33 & g50; /* and */
    uint64_t g67 = g26 | g29; /* or */
    uint64_t g68 = w & g36; /* and */
    uint64_t g69 = ne | g0; /* or */
    uint64_t g70 = g11 | ~g28; /* a_or_not_b */
    uint64_t g71 = g40 | g52; /* or */
    uint64_t g72 = s | g46; /* or */
    uint64_t g73 = g20 & g35; /* and */
    uint64_t g74 = e | g6; /* or */
    uint64_t g75 = sw & g28; /* and */
    uint64_t g76 = g0 | g62; /* or */
    uint64_t g77 = nw ^ g19; /* xor */
    uint64_t g78 = s | g57; /* or */
    uint64_t g79 = g36 | g41; /* or */
    uint64_t g80 = g47 ^ g59; /* xor */
    uint64_t g81 = g2 | g60; /* or */
    uint64_t g82 = ~ne | g58; /* not_a_or_b */
    uint64_t g83 = nw | g48; /* or */
    uint64_t g84 = g8 | g56; /* or */
    uint64_t g85 = g13 & g51; /* and */
    uint64_t g86 = g20 & g53; /* and */
    uint64_t g87 = nw ^ w; /* xor */
    uint64_t g88 = g34 ^ g48; /* xor */
    uint64_t g89 = ~(g3 ^ g84); /* xnor */
    uint64_t g90 = sw | g88; /* or */
    uint64_t g91 = g15 & g37; /* and */
    uint64_t g92 = s | g82; /* or */
    uint64_t g93 = n | g4; /* or */
    uint64_t g94 = g66 | g87; /* or */
    uint64_t g95 = g2 & g65; /* and */
    uint64_t g96 = g39 & g78; /* and */
    uint64_t g97 = nw | g64; /* or */
    uint64_t g98 = g60 ^ g80; /* xor */
    uint64_t g99 = g61 & g70; /* and */
    uint64_t g100 = g39 | g86; /* or */
    uint64_t g101 = g42 & g73; /* and */
    uint64_t g102 = g76 | g85; /* or */
    uint64_t g103 = w ^ g0; /* xor */
    uint64_t g104 = g63 | g65; /* or */
    uint64_t g105 = w & g2; /* and */
    uint64_t g106 = c | g20; /* or */
    uint64_t g107 = se | g80; /* or */
    uint64_t g108 = g44 | g84; /* or */
    uint64_t g109 = s & g77; /* and */
    uint64_t g110 = g0 & g49; /* and */
    uint64_t g111 = g81 | g83; /* or */
    uint64_t g112 = g11 & g86; /* and */
    uint64_t g113 = nw | g41; /* or */
    uint64_t g114 = ne & g74; /* and */
    uint64_t g115 = g54 | g68; /* or */
    uint64_t g116 = g29 | g44; /* or */
    uint64_t g117 = g69 & g105; /* and */
    uint64_t g118 = g75 & g99; /* and */
    uint64_t g119 = w & g79; /* and */
    uint64_t g120 = e | g72; /* or */
    uint64_t g121 = nw | g95; /* or */
    uint64_t g122 = g35 & g97; /* and */
    uint64_t g123 = n ^ g7; /* xor */
    uint64_t g124 = g104 & g111; /* and */
    uint64_t g125 = g45 | g96; /* or */
    uint64_t g126 = g14 | g38; /* or */
    uint64_t g127 = g100 | g109; /* or */
    uint64_t g128 = ne & g103; /* and */
    uint64_t g129 = g67 & g102; /* and */
    uint64_t g130 = g38 | g98; /* or */
    uint64_t g131 = g66 ^ g110; /* xor */
    uint64_t g132 = g68 & g125; /* and */
    uint64_t g133 = g112 & g124; /* and */
    uint64_t g134 = ne & g126; /* and */
    uint64_t g135 = sw | g128; /* or */
    uint64_t g136 = g127 | g129; /* or */
    uint64_t g137 = nw | g120; /* or */
    uint64_t g138 = g116 & g124; /* and */
    uint64_t g139 = ~(g45 | g114); /* nor */
    uint64_t g140 = nw & g114; /* and */
    uint64_t g141 = g94 & g123; /* and */
    uint64_t g142 = g14 & g92; /* and */
    uint64_t g143 = g115 | ~g139; /* a_or_not_b */
    uint64_t g144 = g101 | g123; /* or */
    uint64_t g145 = g93 | g117; /* or */
    uint64_t g146 = nw | g125; /* or */
    uint64_t g147 = g95 | g133; /* or */
    uint64_t g148 = g78 & g95; /* and */
    uint64_t g149 = g119 | g121; /* or */
    uint64_t g150 = c & g107; /* and */
    uint64_t g151 = g136 | g138; /* or */
    uint64_t g152 = g78 & g113; /* and */
    uint64_t g153 = g90 | g91; /* or */
    uint64_t g154 = e & g90; /* and */
    uint64_t g155 = e | g135; /* or */
    uint64_t g156 = nw | g115; /* or */
    uint64_t g157 = g131 & g140; /* and */
    uint64_t g158 = ~nw & g75; /* not_a_and_b */
    uint64_t g159 = ~(g118 ^ g151); /* xnor */
    uint64_t g160 = g138 & g147; /* and */
    uint64_t g161 = nw & g131; /* and */
    uint64_t g162 = g130 | g144; /* or */
    uint64_t g163 = g122 | g141; /* or */
    uint64_t g164 = g35 ^ g137; /* xor */
    uint64_t g165 = g106 & g143; /* and */
    uint64_t g166 = g145 | g147; /* or */
    uint64_t g167 = ~(g55 | g150); /* nor */
    uint64_t g168 = g107 & g134; /* and */
    uint64_t g169 = g32 | g108; /* or */
    uint64_t g170 = g43 | g153; /* or */
    uint64_t g171 = g71 & g148; /* and */
    uint64_t g172 = g142 ^ g152; /* xor */
    uint64_t g173 = ~g164 | g167; /* not_a_or_b */
    uint64_t g174 = g146 & g155; /* and */
    uint64_t g175 = g137 | g160; /* or */
    uint64_t g176 = g152 | g163; /* or */
    uint64_t g177 = g158 ^ g174; /* xor */
    uint64_t g178 = g142 & g149; /* and */
    uint64_t g179 = g161 | g166; /* or */
    uint64_t g180 = g165 | g169; /* or */
    uint64_t g181 = g96 & g172; /* and */
    uint64_t g182 = g154 & g176; /* and */
    uint64_t g183 = g159 | g178; /* or */
    uint64_t g184 = g150 | g180; /* or */
    uint64_t g185 = g132 & g170; /* and */
    uint64_t g186 = g156 | g175; /* or */
    uint64_t g187 = ~(g171 ^ g184); /* xnor */
    uint64_t g188 = g162 & g181; /* and */
    uint64_t g189 = g182 | g183; /* or */
    uint64_t g190 = g89 | g186; /* or */
    uint64_t g191 = g177 | g179; /* or */
    uint64_t g192 = g187 | ~g191; /* a_or_not_b */
    uint64_t g193 = ~(g168 ^ g190); /* xnor */
    uint64_t g194 = g173 | g185; /* or */
    uint64_t g195 = g157 | g189; /* or */
    uint64_t g196 = g188 | g195; /* or */
    uint64_t g197 = g192 | g196; /* or */
    uint64_t g198 = g185 | g197; /* or */
    uint64_t g199 = g193 & g194; /* and */
    uint64_t g200 = g198 | g199; /* or */
    uint64_t g201 = ~g200; /* not_a */
    return g201;
}
/* lifetui's C runtime: a packed torus of 64-cell words and the generation loop around one kernel.
 *
 * The part before this file defines the kernel, either
 *   lifetui_kernel(nw, n, ne, w, c, e, sw, s, se): the next state of 64 cells from their nine
 *     neighbourhood words (the c engine: a compiled circuit), or, with LIFETUI_ROW_SUMS defined,
 *   lifetui_rows(up0, up1, mid0, mid1, down0, down1, centre): the next state from each row's
 *     horizontal three-cell sums as two bit planes (the bitsliced engine: the sums of a row are
 *     computed once and shared by the three rows that read them).
 *
 * Board layout: `height` rows of `words` uint64 each; cell x of a row is bit x % 64 of word x / 64.
 * Bits past `width` in a row's last word are always zero. The torus wraps in both directions, for
 * any width: the last, partial word's top cell is the west neighbour of cell 0 and vice versa.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint64_t *west; /* each cell's west neighbour, word-aligned with the row */
    uint64_t *east;
#ifdef LIFETUI_ROW_SUMS
    uint64_t *sum0; /* bit planes of west + centre + east */
    uint64_t *sum1;
#endif
} shifted_row;

static void shift_row(const uint64_t *row, shifted_row *out, long words, int last_bits) {
    uint64_t wrap_west = (row[words - 1] >> (last_bits - 1)) & 1; /* cell width-1 */
    uint64_t wrap_east = row[0] & 1;                              /* cell 0 */
    for (long i = 0; i < words; i++) {
        uint64_t carry_west = i > 0 ? row[i - 1] >> 63 : wrap_west;
        out->west[i] = (row[i] << 1) | carry_west;
        if (i < words - 1) {
            out->east[i] = (row[i] >> 1) | (row[i + 1] << 63);
        } else {
            out->east[i] = (row[i] >> 1) | (wrap_east << (last_bits - 1));
        }
    }
#ifdef LIFETUI_ROW_SUMS
    for (long i = 0; i < words; i++) {
        uint64_t w = out->west[i], c = row[i], e = out->east[i];
        uint64_t half = w ^ c;
        out->sum0[i] = half ^ e;
        out->sum1[i] = (w & c) | (half & e);
    }
#endif
}

/* Advance the board `generations` steps; `scratch` is a second board of the same size.
 * Returns 0, or -1 when memory for the row buffers cannot be had. */
int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations) {
    long words = (width + 63) / 64;
    int last_bits = (int)(width - 64 * (words - 1));
    uint64_t last_mask = last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << last_bits) - 1);
#ifdef LIFETUI_ROW_SUMS
    const int planes = 4;
#else
    const int planes = 2;
#endif
    uint64_t *buffer = malloc(sizeof(uint64_t) * (size_t)(3 * planes * words));
    if (!buffer) return -1;
    shifted_row rows[3];
    for (int k = 0; k < 3; k++) {
        rows[k].west = buffer + (size_t)(k * planes + 0) * words;
        rows[k].east = buffer + (size_t)(k * planes + 1) * words;
#ifdef LIFETUI_ROW_SUMS
        rows[k].sum0 = buffer + (size_t)(k * planes + 2) * words;
        rows[k].sum1 = buffer + (size_t)(k * planes + 3) * words;
#endif
    }
    uint64_t *current = board, *next = scratch;
    for (long g = 0; g < generations; g++) {
        /* rows[(r + 2) % 3] holds row r - 1, rows[r % 3] row r, rows[(r + 1) % 3] row r + 1. */
        shift_row(current + (height - 1) * words, &rows[2], words, last_bits);
        shift_row(current, &rows[0], words, last_bits);
        for (long r = 0; r < height; r++) {
            long below = r + 1 == height ? 0 : r + 1;
            shifted_row *up = &rows[(r + 2) % 3], *mid = &rows[r % 3], *down = &rows[(r + 1) % 3];
            shift_row(current + below * words, down, words, last_bits);
            const uint64_t *above_row = current + (r == 0 ? height - 1 : r - 1) * words;
            const uint64_t *row = current + r * words;
            const uint64_t *below_row = current + below * words;
            uint64_t *out = next + r * words;
            for (long i = 0; i < words; i++) {
#ifdef LIFETUI_ROW_SUMS
                (void)above_row;
                (void)below_row;
                out[i] = lifetui_rows(up->sum0[i], up->sum1[i], mid->sum0[i], mid->sum1[i],
                                      down->sum0[i], down->sum1[i], row[i]);
#else
                out[i] = lifetui_kernel(up->west[i], above_row[i], up->east[i],
                                        mid->west[i], row[i], mid->east[i],
                                        down->west[i], below_row[i], down->east[i]);
#endif
            }
            out[words - 1] &= last_mask;
        }
        uint64_t *swap = current;
        current = next;
        next = swap;
    }
    if (current != board) memcpy(board, current, sizeof(uint64_t) * (size_t)(height * words));
    free(buffer);
    return 0;
}
