/* lifetui's C runtime: a packed torus of 64-cell words and the generation loop around one step function.
 *
 * The part before this file defines lifetui_word (LIFETUI_LANES words of 64 cells side by side, one
 * vector register) and the step function on it, either
 *   lifetui_cell(nw, n, ne, w, c, e, sw, s, se): the next state of the cells from their nine
 *     neighbourhood words (a compiled circuit at -O0 to -O2), or, with LIFETUI_ROW_SUMS defined,
 *   lifetui_row(west, centre, east, &pair0, &pair1, &sum0, &sum1): a row's west + east (the pair) and
 *     west + centre + east (the sum), two bit planes each, and lifetui_rows(up0, up1, mid0, mid1,
 *     down0, down1, centre): the next state from the sums of the rows above and below and the pair of
 *     the middle row (the -O3 stencil, and the bitsliced engine); with LIFETUI_ROW_CELLS defined as
 *     well, lifetui_rows takes one more word, lifetui_cell's (the -O3 stencil of a rule that is not
 *     totalistic: its nearest totalistic rule, and a circuit for the neighbourhoods that depart from it).
 *
 * words.c, just before this file, gives lifetui_stride, load and store.
 *
 * Board layout: `height` rows of lifetui_stride(width) words. Words 1..words hold the cells (cell x is
 * bit x % 64 of word 1 + x / 64; bits past `width` are always zero); word 0 and the words after the
 * cells pad the row to whole vectors with room either side (their contents mean nothing). The torus
 * wraps in both directions for any width.
 *
 * The loop is a register pipeline: a strip of LIFETUI_LANES words walks down the rows, and each row's
 * west and east shifts and sums are computed once, kept in registers and used by the three rows that
 * read them, so a word costs three loads and one store per generation. Boards that fit in the cache
 * advance one generation per pass. Larger ones go by temporal blocking: a band of rows and a margin of
 * 8 rows either side is advanced 8 generations in two private buffers that stay in the core's cache,
 * so the board crosses memory once per 8 generations. Threads split the rows (or claim bands as they come
 * free) and meet at a barrier after each pass. They come from a pool that lives as long as the process.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef LIFETUI_LANES
#error "the code before the runtime defines lifetui_word and LIFETUI_LANES"
#endif

typedef struct {
    long height, words, stride; /* words of cells per row; words a row takes in memory */
    int last_bits;              /* cells in the last word of a row, 1..64 */
    uint64_t last_mask;
} geometry;

/* A row as the three output rows that read it need it, computed once. */
typedef struct {
#ifdef LIFETUI_ROW_SUMS
    lifetui_word pair0, pair1, sum0, sum1;
#endif
    lifetui_word west, centre, east; /* with only the row sums, the compiler drops west and east */
} row_state;

/* Edges of the torus, for the strips that hold them: cell width - 1 is west of cell 0, cell 0 east of
 * cell width - 1. A strip reads its words' west and east neighbours from the words beside them in memory;
 * at the edges those are padding, so the strip overwrites them in its registers. */
typedef struct {
    int west;      /* this strip holds word 0 (in lane 0) */
    int east_lane; /* the lane of the last word, when this strip holds it; else -1 */
    int last_bits;
    long words;
} edges;

/* Words [k, k + LIFETUI_LANES) of a row, and what the three output rows that read it need. */
static inline __attribute__((always_inline)) row_state read_row(const uint64_t *row, long k, edges e) {
    lifetui_word before = load(row + k), centre = load(row + k + 1), after = load(row + k + 2);
    lifetui_word east_fix = {0};
    if (e.west) before[0] = (row[e.words] >> (e.last_bits - 1)) << 63; /* only bit 63 is read */
    if (e.east_lane >= 0) {
        if (e.last_bits == 64) {
            after[e.east_lane] = row[1]; /* only bit 0 is read, and lands in bit 63 */
        } else {
            east_fix[e.east_lane] = (row[1] & 1) << (e.last_bits - 1); /* next to the last cell, not in bit 63 */
        }
    }
    lifetui_word west = (centre << 1) | (before >> 63), east = (centre >> 1) | (after << 63) | east_fix;
    row_state state;
#ifdef LIFETUI_ROW_SUMS
    lifetui_row(west, centre, east, &state.pair0, &state.pair1, &state.sum0, &state.sum1);
#endif
    state.west = west;
    state.centre = centre;
    state.east = east;
    return state;
}

static inline __attribute__((always_inline)) lifetui_word next_state(row_state up, row_state mid, row_state down) {
#if defined(LIFETUI_ROW_SUMS) && defined(LIFETUI_ROW_CELLS)
    return lifetui_rows(up.sum0, up.sum1, mid.pair0, mid.pair1, down.sum0, down.sum1, mid.centre,
                        lifetui_cell(up.west, up.centre, up.east, mid.west, mid.centre, mid.east, down.west,
                                     down.centre, down.east));
#elif defined(LIFETUI_ROW_SUMS)
    return lifetui_rows(up.sum0, up.sum1, mid.pair0, mid.pair1, down.sum0, down.sum1, mid.centre);
#else
    return lifetui_cell(up.west, up.centre, up.east, mid.west, mid.centre, mid.east, down.west, down.centre,
                        down.east);
#endif
}

/* A row's ghost words, for a width that is a multiple of 64: word 0 a copy of the last word of cells,
 * word `words` + 1 a copy of the first, so that reading across the torus's edge needs no patching. */
static inline void set_ghosts(uint64_t *row, long words) {
    row[0] = row[words];
    row[words + 1] = row[1];
}

/* Words [k, k + LIFETUI_LANES) of a row of out (word `lane` of them the last word of cells when `ghosts`):
 * stored, then with `ghosts` the row's ghost words, taken from the registers where the word was just
 * computed (loading it back from the store would wait for it), and (`ghosts` 2) from memory for the first
 * word when another strip, walked before, holds it. */
static inline __attribute__((always_inline)) void put(uint64_t *row, long k, lifetui_word cells, int ghosts,
                                                      int lane, long words) {
    store(row + k + 1, cells);
    if (ghosts) {
        row[0] = cells[lane];
        row[words + 1] = ghosts == 1 ? cells[0] : row[1];
    }
}

/* The rows a walk reads and writes: by pointers (`step` 0), or in memory one after another, `step` words
 * apart, from in0 and out0 (the rows of most passes are; a constant step lets the compiler address them
 * from one register with constant offsets, which runs a quarter faster at 1024x1024). */
typedef struct {
    uint64_t *const *out;
    const uint64_t *const *in;
    uint64_t *out0;
    const uint64_t *in0;
} row_set;

static inline __attribute__((always_inline)) const uint64_t *in_row(row_set r, long step, long i) {
    return step ? r.in0 + i * step : r.in[i];
}

static inline __attribute__((always_inline)) uint64_t *out_row(row_set r, long step, long i) {
    return step ? r.out0 + i * step : r.out[i];
}

/* Words [k, k + LIFETUI_LANES) of rows [0, count) of out, the next generation of rows [1, count] of in, from
 * rows [0, count + 2) (in row i is the one above out row i, in row i + 1 its own, in row i + 2 the one
 * below). Lanes past the last word compute padding, which nothing reads as cells; in the last word, the
 * bits past the width are cleared (`keep`). With `ghosts` (the last strip, when the width is a multiple of
 * 64), each row written gets its ghost words as well. */
static inline __attribute__((always_inline)) void walk_strip(row_set r, long step, long count, long k, edges e,
                                                             lifetui_word keep, int ghosts, int lane, long words) {
    row_state up = read_row(in_row(r, step, 0), k, e), mid = read_row(in_row(r, step, 1), k, e), down;
    long i = 0;
    /* Three rows a turn, the roles of the three states rotating, so no state is copied between registers.
     * The turn's row pointers are read before its first store, which as far as the compiler knows may
     * change them. */
    for (; i + 3 <= count; i += 3) {
        const uint64_t *below0 = in_row(r, step, i + 2), *below1 = in_row(r, step, i + 3),
                       *below2 = in_row(r, step, i + 4);
        uint64_t *to0 = out_row(r, step, i), *to1 = out_row(r, step, i + 1), *to2 = out_row(r, step, i + 2);
        down = read_row(below0, k, e);
        put(to0, k, next_state(up, mid, down) & keep, ghosts, lane, words);
        up = read_row(below1, k, e);
        put(to1, k, next_state(mid, down, up) & keep, ghosts, lane, words);
        mid = read_row(below2, k, e);
        put(to2, k, next_state(down, up, mid) & keep, ghosts, lane, words);
    }
    for (; i < count; i++) {
        down = read_row(in_row(r, step, i + 2), k, e);
        put(out_row(r, step, i), k, next_state(up, mid, down) & keep, ghosts, lane, words);
        up = mid;
        mid = down;
    }
}

/* Every strip of rows [0, count) of out. Each strip kind gets its own copy of the loop, so the edge work
 * costs nothing in the strips between. A width that is a multiple of 64 reads across the edges from the
 * ghost words (every row read has them: lifetui_step sets them on the board, and the last strip writes
 * them); any other width patches the edge words in registers. */
static inline __attribute__((always_inline)) void walk_strips(row_set r, long step, long count, const geometry *g) {
    long last = g->stride - 2 - LIFETUI_LANES; /* the last strip holds the last word */
    int lane = (int)(g->words - 1 - last), bits = g->last_bits;
    lifetui_word all = ~(lifetui_word){0}, keep = all;
    keep[lane] = g->last_mask;
    edges inside = {0, -1, 64, 0};
    if (bits == 64) {
        for (long k = 0; k < last; k += LIFETUI_LANES) walk_strip(r, step, count, k, inside, all, 0, 0, 0);
        /* Constant lanes and offsets where they are common (rows of whole strips), for plain extractions. */
        if (lane == LIFETUI_LANES - 1 && last == 0) {
            walk_strip(r, step, count, 0, inside, all, 1, LIFETUI_LANES - 1, g->words);
        } else if (lane == LIFETUI_LANES - 1) {
            walk_strip(r, step, count, last, inside, all, 2, LIFETUI_LANES - 1, g->words);
        } else {
            walk_strip(r, step, count, last, inside, all, 2, lane, g->words);
        }
        return;
    }
    if (last == 0) {
        walk_strip(r, step, count, 0, (edges){1, lane, bits, g->words}, keep, 0, 0, 0);
        return;
    }
    walk_strip(r, step, count, 0, (edges){1, -1, bits, g->words}, all, 0, 0, 0);
    for (long k = LIFETUI_LANES; k < last; k += LIFETUI_LANES) walk_strip(r, step, count, k, inside, all, 0, 0, 0);
    walk_strip(r, step, count, last, (edges){0, lane, bits, g->words}, keep, 0, 0, 0);
}

/* Every strip of rows [0, count) of out, the rows of `g` made of `strips` whole strips: its sizes constants. */
static inline __attribute__((always_inline)) void walk_whole_strips(row_set r, long count, const geometry *g,
                                                                    long strips) {
    long words = strips * LIFETUI_LANES;
    geometry whole = {g->height, words, words + 2, 64, ~(uint64_t)0};
    walk_strips(r, words + 2, count, &whole);
}

/* out[0..count), one generation on from in[0..count + 2), by row pointers. */
static void advance_by_pointers(uint64_t *const *out, const uint64_t *const *in, long count, const geometry *g) {
    walk_strips((row_set){out, in, NULL, NULL}, 0, count, g);
}

/* out[0..count), one generation on from in[0..count + 2). The rows between the first and the last are
 * usually one after another in memory (they are not where a pass wraps around the torus): those go by
 * address, with constant sizes for rows of 1, 2, 4 or 8 whole strips (a quarter faster at 1024x1024). */
static void advance_rows(uint64_t *const *out, const uint64_t *const *in, long count, const geometry *g) {
    long stride = g->stride;
    if (count < 3 || in[count] - in[1] != (count - 1) * stride || out[count - 2] - out[1] != (count - 3) * stride) {
        advance_by_pointers(out, in, count, g);
        return;
    }
    walk_strips((row_set){out, in, NULL, NULL}, 0, 1, g); /* one row: straight code, no loop */
    row_set middle = {NULL, NULL, out[1], in[1]};
    long strips = g->last_bits == 64 && g->words % LIFETUI_LANES == 0 ? g->words / LIFETUI_LANES : 0;
    switch (strips) {
    case 1: walk_whole_strips(middle, count - 2, g, 1); break;
    case 2: walk_whole_strips(middle, count - 2, g, 2); break;
    case 4: walk_whole_strips(middle, count - 2, g, 4); break;
    case 8: walk_whole_strips(middle, count - 2, g, 8); break;
    default: walk_strips(middle, stride, count - 2, g);
    }
    walk_strips((row_set){out + count - 1, in + count - 1, NULL, NULL}, 0, 1, g);
}

/* The barrier between passes. A pass over a chunk of a 1024x1024 board takes tens of microseconds,
 * about what a sleeping thread needs to wake up, so a thread spins a little first; then it sleeps, so
 * that on a busy machine (or with more threads than cores) waiting threads leave the CPU to those
 * still working. */
typedef struct {
    atomic_int arrived;
    atomic_int phase;
    int count;
    atomic_long next_chunk; /* the next chunk of rows to claim in this pass */
    pthread_mutex_t lock;   /* with `woken`: for the threads that stopped spinning */
    pthread_cond_t woken;
} generation_barrier;

#define LIFETUI_SPINS 2000

static void barrier_wait(generation_barrier *barrier) {
    int phase = atomic_load_explicit(&barrier->phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&barrier->arrived, 1, memory_order_acq_rel) == barrier->count - 1) {
        /* Everyone has stopped claiming chunks of this pass: the next pass starts from chunk 0. */
        atomic_store_explicit(&barrier->next_chunk, 0, memory_order_relaxed);
        atomic_store_explicit(&barrier->arrived, 0, memory_order_relaxed);
        /* Under the lock, so a thread between checking the phase and sleeping cannot miss the wake-up. */
        pthread_mutex_lock(&barrier->lock);
        atomic_store_explicit(&barrier->phase, phase + 1, memory_order_release);
        pthread_cond_broadcast(&barrier->woken);
        pthread_mutex_unlock(&barrier->lock);
        return;
    }
    for (int spins = 0; spins < LIFETUI_SPINS; spins++) {
        if (atomic_load_explicit(&barrier->phase, memory_order_acquire) != phase) return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    pthread_mutex_lock(&barrier->lock);
    while (atomic_load_explicit(&barrier->phase, memory_order_acquire) == phase) {
        pthread_cond_wait(&barrier->woken, &barrier->lock);
    }
    pthread_mutex_unlock(&barrier->lock);
}

/* Boards of up to this many bytes (both copies), which stay in a core's cache, advance a generation per
 * pass; larger ones go by bands. Both sizes may be set with -D, as the tests do to run small boards by bands. */
#ifndef LIFETUI_DIRECT_BYTES
#define LIFETUI_DIRECT_BYTES (1L << 20)
#endif
/* Generations per pass over memory for a large board, and the margin of rows a band needs either side. */
#define LIFETUI_DEPTH 8
/* A thread's two band buffers together stay under this many bytes, to stay in its core's cache. */
#ifndef LIFETUI_BAND_BYTES
#define LIFETUI_BAND_BYTES (256L << 10)
#endif

typedef struct {
    uint64_t *board, *scratch;
    const geometry *shape;
    long generations;
    long first, last;   /* direct: the rows this thread computes every generation */
    long band;          /* banded: rows per band (0 for a direct pass) */
    generation_barrier *barrier;
    uint64_t *buffers;  /* banded: two buffers of band + 2 * LIFETUI_DEPTH rows */
    const uint64_t **in;
    uint64_t **out;     /* row pointers: two sets (one a direction) of as many as a pass needs */
    long pointers;
} thread_job;

/* Rows [first, last) of `next`, `depth` generations on from `current`, through the job's buffers. */
static void advance_band(thread_job *job, const uint64_t *current, uint64_t *next, long first, long last,
                         int depth) {
    const geometry *g = job->shape;
    long height = g->height, stride = g->stride, rows = last - first + 2L * depth;
    long origin = first - depth; /* buffer row b is board row origin + b, around the torus */
    uint64_t *levels[2] = {job->buffers, job->buffers + (size_t)(job->band + 2L * LIFETUI_DEPTH) * stride};
    /* The band and its margins are copied in first: row after row, as memory likes to be read, rather
     * than a strip at a time down the rows. Level 1 then writes the other buffer, level 2 this one. */
    for (long b = 0; b < rows; b++) {
        uint64_t *copy = levels[0] + (size_t)b * stride;
        memcpy(copy, current + ((origin + b) % height + height) % height * stride, sizeof(uint64_t) * stride);
        job->in[b] = copy;
    }
    for (int j = 1; j <= depth; j++) {
        long count = rows - 2L * j; /* buffer rows [j, rows - j) */
        uint64_t *level = levels[j % 2];
        for (long i = 0; i < count; i++) {
            long b = j + i;
            job->out[i] = j == depth ? next + ((origin + b) % height + height) % height * stride
                                     : level + (size_t)b * stride;
        }
        advance_rows(job->out, job->in + (j - 1), count, g);
        for (long i = 0; i < count; i++) job->in[j + i] = job->out[i];
    }
}

/* The next band for this thread to advance: the next unclaimed one, or with one thread the next one. */
static long claim(thread_job *job, long previous) {
    if (!job->barrier) return previous + 1;
    return atomic_fetch_add_explicit(&job->barrier->next_chunk, 1, memory_order_relaxed);
}

static void run_job(thread_job *job) {
    const geometry *g = job->shape;
    long height = g->height, stride = g->stride;
    uint64_t *current = job->board, *next = job->scratch;
    long count = job->last - job->first;
    if (job->band == 0) {
        /* The rows a direct pass reads and writes, from the board to the scratch and back. */
        for (int way = 0; way < 2; way++) {
            const uint64_t *from = way ? job->scratch : job->board;
            uint64_t *to = way ? job->board : job->scratch;
            for (long i = 0; i < count + 2; i++) {
                job->in[way * job->pointers + i] = from + ((job->first - 1 + i) % height + height) % height * stride;
            }
            for (long i = 0; i < count; i++) job->out[way * job->pointers + i] = to + (job->first + i) * stride;
        }
    }
    for (long done = 0; done < job->generations;) {
        int depth = 1;
        if (job->band == 0) {
            int way = current != job->board;
            if (count > 0) advance_rows(job->out + way * job->pointers, job->in + way * job->pointers, count, g);
        } else {
            depth = job->generations - done < LIFETUI_DEPTH ? (int)(job->generations - done) : LIFETUI_DEPTH;
            long bands = (height + job->band - 1) / job->band;
            /* Bands are claimed, not assigned: on a busy machine a thread that gets less CPU does less. */
            for (long b = claim(job, -1); b < bands; b = claim(job, b)) {
                long first = b * job->band, last = first + job->band < height ? first + job->band : height;
                advance_band(job, current, next, first, last, depth);
            }
        }
        /* Every thread must be done reading `current` before any writes it as the next `next`. */
        if (job->barrier) barrier_wait(job->barrier);
        uint64_t *swap = current;
        current = next;
        next = swap;
        done += depth;
    }
}

/* The pool: workers sleep on `wake` until `round` moves past the last round they saw, run the job
 * they were handed (if any), and the last one to finish signals `finished`. */
typedef struct {
    pthread_t thread;
    unsigned long round;
    thread_job *job;
} pool_worker;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
    pool_worker **workers;
    int size, outstanding;
    unsigned long round;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0};

/* One multi-threaded call at a time per loaded library: the pool has one set of jobs. */
static pthread_mutex_t pool_call = PTHREAD_MUTEX_INITIALIZER;

static void *pool_main(void *argument) {
    pool_worker *self = argument;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (pool.round == self->round) pthread_cond_wait(&pool.wake, &pool.lock);
        self->round = pool.round;
        thread_job *job = self->job;
        pthread_mutex_unlock(&pool.lock);
        if (job) run_job(job);
        pthread_mutex_lock(&pool.lock);
        if (job && --pool.outstanding == 0) pthread_cond_signal(&pool.finished);
    }
    return NULL;
}

/* A forked child has none of the parent's workers: start again with an empty pool. */
static void pool_after_fork_in_child(void) {
    pthread_mutex_init(&pool.lock, NULL);
    pthread_mutex_init(&pool_call, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.finished, NULL);
    pool.workers = NULL;
    pool.size = 0;
    pool.outstanding = 0;
}

/* Registered when the library is loaded, so no fork can come between a first call and the handler. */
__attribute__((constructor)) static void register_fork_handler(void) {
    pthread_atfork(NULL, NULL, pool_after_fork_in_child);
}

/* Grow the pool to `wanted` workers; 0 on success. Called with pool_call held, never with pool.lock. */
static int pool_reserve(int wanted) {
    if (pool.size >= wanted) return 0;
    pool_worker **grown = realloc(pool.workers, sizeof(pool_worker *) * (size_t)wanted);
    if (!grown) return -1;
    pthread_mutex_lock(&pool.lock);
    pool.workers = grown;
    pthread_mutex_unlock(&pool.lock);
    while (pool.size < wanted) {
        pool_worker *worker = malloc(sizeof(pool_worker));
        if (!worker) return -1;
        pthread_mutex_lock(&pool.lock);
        worker->round = pool.round;
        worker->job = NULL;
        pthread_mutex_unlock(&pool.lock);
        if (pthread_create(&worker->thread, NULL, pool_main, worker) != 0) {
            free(worker);
            return -1;
        }
        pthread_detach(worker->thread);
        pthread_mutex_lock(&pool.lock);
        pool.workers[pool.size++] = worker;
        pthread_mutex_unlock(&pool.lock);
    }
    return 0;
}

/* Run jobs[1..threads) on the pool and jobs[0] here; returns when all are done. */
static void pool_run(thread_job *jobs, int threads) {
    pthread_mutex_lock(&pool.lock);
    for (int k = 0; k < pool.size; k++) pool.workers[k]->job = k + 1 < threads ? &jobs[k + 1] : NULL;
    pool.outstanding = threads - 1;
    pool.round++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    run_job(&jobs[0]);
    pthread_mutex_lock(&pool.lock);
    while (pool.outstanding > 0) pthread_cond_wait(&pool.finished, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
}

/* Advance the board `generations` steps with `threads` threads; `scratch` is a second board of the
 * same size. Both are `height` rows of lifetui_stride(width) words. Returns 0, or -1 when memory or
 * threads cannot be had. */
int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations, int threads) {
    if (generations <= 0 || height <= 0 || width <= 0) return 0;
    geometry shape = {height, (width + 63) / 64, lifetui_stride(width), 0, 0};
    shape.last_bits = (int)(width - 64 * (shape.words - 1));
    shape.last_mask = shape.last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << shape.last_bits) - 1);
    if (threads < 1) threads = 1;
    if (shape.last_bits == 64) {
        for (long r = 0; r < height; r++) set_ghosts(board + r * shape.stride, shape.words);
    }
    size_t bytes = 2 * sizeof(uint64_t) * (size_t)height * (size_t)shape.stride;
    long band = 0, pointers = height + 2;
    if (bytes > LIFETUI_DIRECT_BYTES) {
        long rows = LIFETUI_BAND_BYTES / (2 * (long)sizeof(uint64_t) * shape.stride);
        if (rows < 6 * LIFETUI_DEPTH) rows = 6 * LIFETUI_DEPTH;
        band = rows - 2 * LIFETUI_DEPTH;
        if (band > height) band = height;
        pointers = band + 2 * LIFETUI_DEPTH;
        long bands = (height + band - 1) / band;
        if (threads > bands) threads = (int)bands;
    } else if (threads > height) {
        threads = (int)height;
    }
    size_t buffer_words = band ? 2 * (size_t)(band + 2 * LIFETUI_DEPTH) * (size_t)shape.stride : 0;
    /* Each thread's buffers start on their own cache line: a line written by two threads bounces
     * between their cores on every row. */
    size_t per_thread = (buffer_words + 7) / 8 * 8;
    uint64_t *buffers = NULL;
    if (band && posix_memalign((void **)&buffers, 64, sizeof(uint64_t) * (per_thread * (size_t)threads)) != 0) {
        buffers = NULL;
    }
    thread_job *jobs = malloc(sizeof(thread_job) * (size_t)threads);
    void **rows = malloc(sizeof(void *) * 4 * (size_t)pointers * (size_t)threads);
    generation_barrier barrier;
    atomic_init(&barrier.arrived, 0);
    atomic_init(&barrier.phase, 0);
    atomic_init(&barrier.next_chunk, 0);
    barrier.count = threads;
    pthread_mutex_init(&barrier.lock, NULL);
    pthread_cond_init(&barrier.woken, NULL);
    int status = 0;
    if ((band && !buffers) || !jobs || !rows) {
        status = -1;
        goto done;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t] = (thread_job){board, scratch, &shape, generations, height * t / threads, height * (t + 1) / threads,
                               band, threads > 1 ? &barrier : NULL, band ? buffers + per_thread * (size_t)t : NULL,
                               (const uint64_t **)rows + 4 * (size_t)pointers * (size_t)t,
                               (uint64_t **)rows + 4 * (size_t)pointers * (size_t)t + 2 * (size_t)pointers, pointers};
    }
    long passes = band ? generations / LIFETUI_DEPTH + (generations % LIFETUI_DEPTH != 0) : generations;
    if (threads == 1) {
        run_job(&jobs[0]);
    } else {
        pthread_mutex_lock(&pool_call);
        if (pool_reserve(threads - 1) != 0) {
            status = -1;
        } else {
            pool_run(jobs, threads);
        }
        pthread_mutex_unlock(&pool_call);
    }
    if (status == 0 && passes % 2 == 1) {
        memcpy(board, scratch, sizeof(uint64_t) * (size_t)height * (size_t)shape.stride);
    }
done:
    pthread_cond_destroy(&barrier.woken);
    pthread_mutex_destroy(&barrier.lock);
    free(buffers);
    free(rows);
    free(jobs);
    return status;
}

/* Live cells on the board: the padding does not count. */
long lifetui_population(const uint64_t *board, long height, long width) {
    long words = (width + 63) / 64, stride = lifetui_stride(width), total = 0;
    for (long r = 0; r < height; r++) {
        for (long i = 1; i <= words; i++) total += __builtin_popcountll(board[r * stride + i]);
    }
    return total;
}

/* Whether any cell of columns [from, to) (0 <= from < to <= width) is live in a row of words (cell x in bit
 * x % 64 of word 1 + x / 64). */
static int any_between(const uint64_t *row, long from, long to) {
    long first = from / 64, last = (to - 1) / 64;
    uint64_t head = ~0ull << (from % 64), tail = ~0ull >> (63 - (to - 1) % 64);
    if (first == last) return (row[1 + first] & head & tail) != 0;
    if (row[1 + first] & head) return 1;
    for (long i = first + 1; i < last; i++) {
        if (row[1 + i]) return 1;
    }
    return (row[1 + last] & tail) != 0;
}

/* A zoomed-out view: `out` gets ceil(height / block) rows of ceil(width / block) bytes, each 1 when any cell
 * of its block x block square is live. The squares tile the window of `height` rows and `width` columns
 * from (top, left), wrapping around the torus (height and width at most the board's); the last row and
 * column of squares are cut off at the window's edge. `rows` is scratch for one row of the board (its
 * stride). Each
 * board row in the window is read once, or-ed into `rows`, whose columns are then tested square by square. */
void lifetui_blocks(const uint64_t *board, long board_height, long board_width, long top, long left, long height,
                    long width, long block, uint8_t *out, uint64_t *rows) {
    long stride = lifetui_stride(board_width), words = (board_width + 63) / 64, across = (width + block - 1) / block;
    for (long y = 0, out_row = 0; y < height; y += block, out_row++) {
        memset(rows, 0, (size_t)stride * sizeof *rows);
        long tall = height - y < block ? height - y : block;
        for (long dy = 0; dy < tall; dy++) {
            const uint64_t *row = board + ((top + y + dy) % board_height) * stride;
            for (long i = 1; i <= words; i++) rows[i] |= row[i];
        }
        for (long x = 0, column = 0; x < width; x += block, column++) {
            long wide = width - x < block ? width - x : block;
            long from = (left + x) % board_width, to = from + wide, live;
            if (to <= board_width) {
                live = any_between(rows, from, to);
            } else {
                live = any_between(rows, from, board_width) || any_between(rows, 0, to - board_width);
            }
            out[out_row * across + column] = (uint8_t)live;
        }
    }
}
