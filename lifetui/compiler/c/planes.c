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
