/* lifetui's row of 64-cell words, shared by the runtimes that follow it (runtime.c, planes.c): the words a
 * row takes, and a strip of LIFETUI_LANES of them loaded and stored as one lifetui_word.
 *
 * A row holds its cells in words 1..(width + 63) / 64 (cell x is bit x % 64 of word 1 + x / 64), padded to
 * whole strips of LIFETUI_LANES words, with a word either side: a strip's west and east neighbours are the
 * words beside it in memory. The part before this file defines lifetui_word and LIFETUI_LANES.
 */
#include <stdint.h>
#include <string.h>

#ifndef LIFETUI_LANES
#error "the code before the runtime defines lifetui_word and LIFETUI_LANES"
#endif

/* Words a row takes: the cells, padded to whole strips of LIFETUI_LANES words, and a word either side. */
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
