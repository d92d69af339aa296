/* /2/3: the learned circuits at -O2, one per bit of the state, 173 operations per word in all, verified on every neighbourhood that can occur. */
#include <stdint.h>
#define LIFETUI_LANES 8
typedef uint64_t lifetui_word __attribute__((vector_size(8 * LIFETUI_LANES)));

#define LIFETUI_PLANES 2

static inline void lifetui_next(const lifetui_word *in, lifetui_word *out) {
    lifetui_word p0_0 = ~in[8] | in[17]; /* not_a_or_b */
    lifetui_word p0_1 = in[4] | in[7]; /* or */
    lifetui_word p0_2 = in[7] | in[9]; /* or */
    lifetui_word p0_3 = in[0] | in[6]; /* or */
    lifetui_word p0_4 = ~in[8] & in[15]; /* not_a_and_b */
    lifetui_word p0_5 = in[0] | in[2]; /* or */
    lifetui_word p0_6 = in[0] | in[3]; /* or */
    lifetui_word p0_7 = in[2] | in[7]; /* or */
    lifetui_word p0_8 = in[1] & in[8]; /* and */
    lifetui_word p0_9 = ~in[3] & in[9]; /* not_a_and_b */
    lifetui_word p0_10 = in[2] & in[6]; /* and */
    lifetui_word p0_11 = in[2] | in[4]; /* or */
    lifetui_word p0_12 = ~in[1] | in[10]; /* not_a_or_b */
    lifetui_word p0_13 = in[1] | in[4]; /* or */
    lifetui_word p0_14 = in[0] | in[5]; /* or */
    lifetui_word p0_15 = in[1] | in[2]; /* or */
    lifetui_word p0_16 = in[0] | in[4]; /* or */
    lifetui_word p0_17 = in[6] & in[7]; /* and */
    lifetui_word p0_18 = in[2] | in[5]; /* or */
    lifetui_word p0_19 = in[5] | in[13]; /* or */
    lifetui_word p0_20 = in[0] & in[7]; /* and */
    lifetui_word p0_21 = in[7] & in[8]; /* and */
    lifetui_word p0_22 = in[1] & ~in[9]; /* a_and_not_b */
    lifetui_word p0_23 = in[0] | ~in[1]; /* a_or_not_b */
    lifetui_word p0_24 = ~in[4] | in[13]; /* not_a_or_b */
    lifetui_word p0_25 = in[8] | in[13]; /* or */
    lifetui_word p0_26 = in[6] | p0_21; /* or */
    lifetui_word p0_27 = ~in[0] & p0_4; /* not_a_and_b */
    lifetui_word p0_28 = in[1] | in[8]; /* or */
    lifetui_word p0_29 = in[4] | p0_8; /* or */
    lifetui_word p0_30 = in[6] & p0_15; /* and */
    lifetui_word p0_31 = ~in[13] & p0_9; /* not_a_and_b */
    lifetui_word p0_32 = in[8] | p0_22; /* or */
    lifetui_word p0_33 = in[1] | p0_25; /* or */
    lifetui_word p0_34 = in[6] & p0_6; /* and */
    lifetui_word p0_35 = p0_13 | p0_19; /* or */
    lifetui_word p0_36 = in[5] & in[7]; /* and */
    lifetui_word p0_37 = ~(in[5] | in[7]); /* nor */
    lifetui_word p0_38 = in[3] | in[13]; /* or */
    lifetui_word p0_39 = in[6] & ~in[17]; /* a_and_not_b */
    lifetui_word p0_40 = p0_11 | p0_21; /* or */
    lifetui_word p0_41 = p0_6 | p0_25; /* or */
    lifetui_word p0_42 = in[1] | p0_17; /* or */
    lifetui_word p0_43 = in[7] | p0_10; /* or */
    lifetui_word p0_44 = in[2] | p0_20; /* or */
    lifetui_word p0_45 = in[6] | p0_38; /* or */
    lifetui_word p0_46 = in[3] | p0_33; /* or */
    lifetui_word p0_47 = p0_26 | ~p0_31; /* a_or_not_b */
    lifetui_word p0_48 = in[5] | p0_34; /* or */
    lifetui_word p0_49 = ~(in[6] | p0_15); /* nor */
    lifetui_word p0_50 = ~p0_35 & p0_37; /* not_a_and_b */
    lifetui_word p0_51 = in[13] | p0_6; /* or */
    lifetui_word p0_52 = p0_29 | p0_30; /* or */
    lifetui_word p0_53 = p0_5 & p0_32; /* and */
    lifetui_word p0_54 = in[3] & ~p0_37; /* a_and_not_b */
    lifetui_word p0_55 = p0_12 & ~p0_16; /* a_and_not_b */
    lifetui_word p0_56 = ~(in[3] | p0_3); /* nor */
    lifetui_word p0_57 = p0_5 | p0_17; /* or */
    lifetui_word p0_58 = in[0] & p0_7; /* and */
    lifetui_word p0_59 = ~in[1] & p0_0; /* not_a_and_b */
    lifetui_word p0_60 = in[13] | p0_3; /* or */
    lifetui_word p0_61 = p0_6 & p0_7; /* and */
    lifetui_word p0_62 = p0_26 & p0_38; /* and */
    lifetui_word p0_63 = ~p0_16 & p0_27; /* not_a_and_b */
    lifetui_word p0_64 = in[1] & p0_11; /* and */
    lifetui_word p0_65 = in[5] | p0_1; /* or */
    lifetui_word p0_66 = ~(in[2] & p0_60); /* nand */
    lifetui_word p0_67 = p0_14 | p0_43; /* or */
    lifetui_word p0_68 = p0_47 & p0_65; /* and */
    lifetui_word p0_69 = p0_1 | p0_64; /* or */
    lifetui_word p0_70 = p0_49 & ~p0_51; /* a_and_not_b */
    lifetui_word p0_71 = p0_18 | ~p0_56; /* a_or_not_b */
    lifetui_word p0_72 = in[4] | in[13]; /* or */
    lifetui_word p0_73 = in[13] | p0_64; /* or */
    lifetui_word p0_74 = p0_2 | p0_45; /* or */
    lifetui_word p0_75 = p0_28 | ~p0_50; /* a_or_not_b */
    lifetui_word p0_76 = p0_8 | p0_62; /* or */
    lifetui_word p0_77 = in[6] & p0_61; /* and */
    lifetui_word p0_78 = p0_11 | p0_54; /* or */
    lifetui_word p0_79 = in[3] | p0_39; /* or */
    lifetui_word p0_80 = p0_14 & p0_60; /* and */
    lifetui_word p0_81 = p0_16 | p0_52; /* or */
    lifetui_word p0_82 = in[7] | p0_57; /* or */
    lifetui_word p0_83 = ~p0_3 | p0_55; /* not_a_or_b */
    lifetui_word p0_84 = ~(p0_29 ^ p0_44); /* xnor */
    lifetui_word p0_85 = p0_51 & ~p0_63; /* a_and_not_b */
    lifetui_word p0_86 = ~(in[3] | p0_48); /* nor */
    lifetui_word p0_87 = in[13] | p0_23; /* or */
    lifetui_word p0_88 = ~(in[6] | p0_5); /* nor */
    lifetui_word p0_89 = p0_72 | p0_78; /* or */
    lifetui_word p0_90 = ~p0_1 & p0_56; /* not_a_and_b */
    lifetui_word p0_91 = p0_33 | ~p0_66; /* a_or_not_b */
    lifetui_word p0_92 = p0_73 & ~p0_83; /* a_and_not_b */
    lifetui_word p0_93 = ~(in[3] & p0_75); /* nand */
    lifetui_word p0_94 = ~p0_59 & p0_76; /* not_a_and_b */
    lifetui_word p0_95 = p0_53 & p0_74; /* and */
    lifetui_word p0_96 = p0_71 | p0_82; /* or */
    lifetui_word p0_97 = p0_78 | p0_79; /* or */
    lifetui_word p0_98 = ~p0_49 & p0_68; /* not_a_and_b */
    lifetui_word p0_99 = ~(p0_69 ^ p0_80); /* xnor */
    lifetui_word p0_100 = p0_8 | p0_40; /* or */
    lifetui_word p0_101 = p0_48 | ~p0_84; /* a_or_not_b */
    lifetui_word p0_102 = p0_36 & ~p0_70; /* a_and_not_b */
    lifetui_word p0_103 = p0_42 | p0_46; /* or */
    lifetui_word p0_104 = in[7] & ~p0_49; /* a_and_not_b */
    lifetui_word p0_105 = in[3] | p0_76; /* or */
    lifetui_word p0_106 = p0_95 | p0_98; /* or */
    lifetui_word p0_107 = p0_65 | p0_67; /* or */
    lifetui_word p0_108 = p0_83 & ~p0_105; /* a_and_not_b */
    lifetui_word p0_109 = p0_41 & p0_100; /* and */
    lifetui_word p0_110 = p0_94 ^ p0_96; /* xor */
    lifetui_word p0_111 = p0_30 | p0_98; /* or */
    lifetui_word p0_112 = p0_81 | p0_97; /* or */
    lifetui_word p0_113 = p0_40 | p0_74; /* or */
    lifetui_word p0_114 = in[13] | p0_100; /* or */
    lifetui_word p0_115 = ~p0_57 & p0_90; /* not_a_and_b */
    lifetui_word p0_116 = p0_95 | p0_101; /* or */
    lifetui_word p0_117 = p0_70 & ~p0_82; /* a_and_not_b */
    lifetui_word p0_118 = p0_66 & ~p0_92; /* a_and_not_b */
    lifetui_word p0_119 = in[13] | p0_92; /* or */
    lifetui_word p0_120 = ~p0_102 & p0_110; /* not_a_and_b */
    lifetui_word p0_121 = ~p0_101 | p0_115; /* not_a_or_b */
    lifetui_word p0_122 = p0_6 & p0_111; /* and */
    lifetui_word p0_123 = p0_72 | p0_77; /* or */
    lifetui_word p0_124 = p0_87 | p0_111; /* or */
    lifetui_word p0_125 = ~p0_40 & p0_88; /* not_a_and_b */
    lifetui_word p0_126 = ~p0_93 | p0_107; /* not_a_or_b */
    lifetui_word p0_127 = p0_46 & p0_85; /* and */
    lifetui_word p0_128 = p0_65 & p0_91; /* and */
    lifetui_word p0_129 = p0_106 & ~p0_108; /* a_and_not_b */
    lifetui_word p0_130 = p0_113 | p0_116; /* or */
    lifetui_word p0_131 = ~p0_86 & p0_104; /* not_a_and_b */
    lifetui_word p0_132 = p0_116 | ~p0_118; /* a_or_not_b */
    lifetui_word p0_133 = p0_114 | p0_122; /* or */
    lifetui_word p0_134 = p0_125 | ~p0_130; /* a_or_not_b */
    lifetui_word p0_135 = ~p0_49 & p0_127; /* not_a_and_b */
    lifetui_word p0_136 = in[4] | p0_124; /* or */
    lifetui_word p0_137 = ~p0_93 | p0_132; /* not_a_or_b */
    lifetui_word p0_138 = p0_89 | ~p0_120; /* a_or_not_b */
    lifetui_word p0_139 = p0_119 | ~p0_120; /* a_or_not_b */
    lifetui_word p0_140 = p0_117 | p0_122; /* or */
    lifetui_word p0_141 = in[13] | p0_131; /* or */
    lifetui_word p0_142 = p0_57 & p0_89; /* and */
    lifetui_word p0_143 = ~(p0_126 ^ p0_142); /* xnor */
    lifetui_word p0_144 = ~p0_120 | p0_123; /* not_a_or_b */
    lifetui_word p0_145 = ~p0_133 & p0_134; /* not_a_and_b */
    lifetui_word p0_146 = p0_94 | p0_123; /* or */
    lifetui_word p0_147 = p0_58 ^ p0_86; /* xor */
    lifetui_word p0_148 = p0_99 | p0_137; /* or */
    lifetui_word p0_149 = p0_129 | p0_139; /* or */
    lifetui_word p0_150 = p0_46 ^ p0_82; /* xor */
    lifetui_word p0_151 = p0_145 | ~p0_148; /* a_or_not_b */
    lifetui_word p0_152 = p0_135 | p0_147; /* or */
    lifetui_word p0_153 = p0_112 & p0_128; /* and */
    lifetui_word p0_154 = p0_138 & p0_141; /* and */
    lifetui_word p0_155 = p0_136 & p0_144; /* and */
    lifetui_word p0_156 = ~p0_109 | p0_150; /* not_a_or_b */
    lifetui_word p0_157 = p0_140 | p0_143; /* or */
    lifetui_word p0_158 = p0_144 | p0_153; /* or */
    lifetui_word p0_159 = ~(p0_126 ^ p0_151); /* xnor */
    lifetui_word p0_160 = ~p0_146 & p0_156; /* not_a_and_b */
    lifetui_word p0_161 = p0_103 | ~p0_121; /* a_or_not_b */
    lifetui_word p0_162 = ~(p0_103 ^ p0_159); /* xnor */
    lifetui_word p0_163 = p0_158 | ~p0_161; /* a_or_not_b */
    lifetui_word p0_164 = ~p0_155 & p0_162; /* not_a_and_b */
    lifetui_word p0_165 = p0_152 | p0_157; /* or */
    lifetui_word p0_166 = p0_149 | p0_165; /* or */
    lifetui_word p0_167 = p0_149 | p0_163; /* or */
    lifetui_word p0_168 = p0_160 & ~p0_166; /* a_and_not_b */
    lifetui_word p0_169 = ~p0_24 | p0_154; /* not_a_or_b */
    lifetui_word p0_170 = p0_164 | p0_168; /* or */
    lifetui_word p0_171 = ~p0_169 & p0_170; /* not_a_and_b */
    lifetui_word p0_172 = ~p0_167 & p0_171; /* not_a_and_b */
    out[0] = p0_172;
    out[1] = in[4];
}
/* lifetui's C runtime for multi-state rules: a torus of cells of several bits, held as bit planes.
 *
 * The part before this file defines lifetui_word (LIFETUI_LANES words of 64 cells side by side),
 * LIFETUI_PLANES (bits of a cell's state) and lifetui_next(in, out): from the 9 x LIFETUI_PLANES
 * neighbourhood words in[9 * p + k] (bit plane p of the cell NW N NE W C E SW S SE[k]), the next
 * state's bit planes out[p] (a compiled circuit per bit).
 *
 * Board layout: LIFETUI_PLANES planes one after the other, each `height` rows of lifetui_stride(width)
 * words, the runtime's row layout (runtime.c): cell x of a row is bit x % 64 of word 1 + x / 64, bits
 * past `width` zero, word 0 and the words after the cells padding. Plane p holds bit p of every cell's
 * state. Before a generation each row's padding is set so that shifts wrap round the torus: bit 63 of
 * word 0 is the row's last cell, and the bit just past the last cell is its first. The rows wrap by
 * index. Plain and single-threaded: one generation reads every plane's three rows for each strip of
 * words and writes the planes of the next state to `scratch`, then copies it back.
 */
#include <stdint.h>
#include <string.h>

#if !defined(LIFETUI_LANES) || !defined(LIFETUI_PLANES)
#error "the code before the runtime defines lifetui_word, LIFETUI_LANES, LIFETUI_PLANES and lifetui_next"
#endif

long lifetui_stride(long width) {
    long words = (width + 63) / 64;
    return (words + LIFETUI_LANES - 1) / LIFETUI_LANES * LIFETUI_LANES + 2;
}

static inline __attribute__((always_inline)) lifetui_word load(const uint64_t *p) {
    lifetui_word v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) void store(uint64_t *p, lifetui_word v) { memcpy(p, &v, sizeof v); }

/* The padding that makes a row wrap: the last cell west of the first, the first east of the last. */
static void wrap_row(uint64_t *row, long words, int last_bits, long stride) {
    for (long k = words + 1; k < stride; k++) row[k] = 0;
    row[0] = ((row[words] >> (last_bits - 1)) & 1) << 63;
    if (last_bits < 64)
        row[words] |= (row[1] & 1) << last_bits;
    else
        row[words + 1] = row[1] & 1;
}

int lifetui_step_planes(uint64_t *board, uint64_t *scratch, long height, long width, long generations) {
    long words = (width + 63) / 64, stride = lifetui_stride(width), plane = height * stride;
    int last_bits = (int)(width - 64 * (words - 1));
    uint64_t last_mask = last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << last_bits) - 1);
    for (long generation = 0; generation < generations; generation++) {
        for (int p = 0; p < LIFETUI_PLANES; p++)
            for (long r = 0; r < height; r++) wrap_row(board + p * plane + r * stride, words, last_bits, stride);
        for (long r = 0; r < height; r++) {
            long rows[3] = {(r + height - 1) % height, r, (r + 1) % height};
            for (long k = 0; k < words; k += LIFETUI_LANES) {
                lifetui_word in[9 * LIFETUI_PLANES], out[LIFETUI_PLANES];
                for (int p = 0; p < LIFETUI_PLANES; p++)
                    for (int dy = 0; dy < 3; dy++) {
                        const uint64_t *row = board + p * plane + rows[dy] * stride;
                        lifetui_word before = load(row + k), centre = load(row + k + 1), after = load(row + k + 2);
                        in[9 * p + 3 * dy] = (centre << 1) | (before >> 63);    /* west: cell x - 1 */
                        in[9 * p + 3 * dy + 1] = centre;
                        in[9 * p + 3 * dy + 2] = (centre >> 1) | (after << 63); /* east: cell x + 1 */
                    }
                lifetui_next(in, out);
                for (int p = 0; p < LIFETUI_PLANES; p++) store(scratch + p * plane + r * stride + k + 1, out[p]);
            }
            for (int p = 0; p < LIFETUI_PLANES; p++) {
                uint64_t *row = scratch + p * plane + r * stride;
                row[words] &= last_mask;
                row[0] = 0;
                for (long k = words + 1; k < stride; k++) row[k] = 0;
            }
        }
        memcpy(board, scratch, sizeof(uint64_t) * LIFETUI_PLANES * plane);
    }
    return 0;
}
