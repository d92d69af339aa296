/* lifetui's C runtime: a packed torus of 64-cell words and the generation loop around one step function.
 *
 * The part before this file defines the step function, either
 *   lifetui_cell(nw, n, ne, w, c, e, sw, s, se): the next state of 64 cells from their nine
 *     neighbourhood words (a compiled circuit at -O0 to -O2), or, with LIFETUI_ROW_SUMS defined,
 *   lifetui_row(west, centre, east, &sum0, &sum1): a row's horizontal three-cell sums as two bit
 *     planes, and lifetui_rows(up0, up1, mid0, mid1, down0, down1, centre): the next state from the
 *     sums of the rows above, at and below (the -O3 stencil, and the bitsliced engine). The sums of
 *     a row are computed once and shared by the three rows that read them.
 *
 * Board layout: `height` rows of `words` uint64 each; cell x of a row is bit x % 64 of word x / 64.
 * Bits past `width` in a row's last word are always zero. The torus wraps in both directions, for
 * any width: the last, partial word's top cell is the west neighbour of cell 0 and vice versa.
 *
 * Each pass over the board advances it up to 8 generations. Threads split a pass into chunks of rows,
 * claiming them as they come free, and meet at a barrier after it. They come from a pool that lives
 * as long as the process, so a call costs no thread creation.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A row in flight: its cells, and two planes made from them: the west and east shifts, or
 * (LIFETUI_ROW_SUMS) the two bit planes of its horizontal sums. */
typedef struct {
    const uint64_t *cells;
    uint64_t *plane0;
    uint64_t *plane1;
    uint64_t *storage; /* where a computed row's cells go (the rows read from the board stay there) */
} row_planes;

typedef struct {
    long height, words;
    int last_bits;
    uint64_t last_mask;
} geometry;

static inline void store_row(uint64_t west, uint64_t centre, uint64_t east, row_planes *out, long i) {
#ifdef LIFETUI_ROW_SUMS
    lifetui_row(west, centre, east, &out->plane0[i], &out->plane1[i]);
#else
    (void)centre;
    out->plane0[i] = west;
    out->plane1[i] = east;
#endif
}

/* The planes of one row; the first and last words wrap around the torus, the loop between is branch-free. */
static void prepare_row(const uint64_t *restrict row, row_planes *out, const geometry *g) {
    long last = g->words - 1;
    uint64_t wrap_west = (row[last] >> (g->last_bits - 1)) & 1; /* cell width-1 */
    uint64_t wrap_east = (row[0] & 1) << (g->last_bits - 1);    /* cell 0, placed after cell width-1 */
    if (last == 0) {
        store_row((row[0] << 1) | wrap_west, row[0], (row[0] >> 1) | wrap_east, out, 0);
        return;
    }
    store_row((row[0] << 1) | wrap_west, row[0], (row[0] >> 1) | (row[1] << 63), out, 0);
    for (long i = 1; i < last; i++) {
        store_row((row[i] << 1) | (row[i - 1] >> 63), row[i], (row[i] >> 1) | (row[i + 1] << 63), out, i);
    }
    store_row((row[last] << 1) | (row[last - 1] >> 63), row[last], (row[last] >> 1) | wrap_east, out, last);
}

static void combine_row(const row_planes *up, const row_planes *mid, const row_planes *down,
                        const uint64_t *restrict above, const uint64_t *restrict row,
                        const uint64_t *restrict below, uint64_t *restrict out, long words) {
    const uint64_t *restrict up0 = up->plane0, *restrict up1 = up->plane1;
    const uint64_t *restrict mid0 = mid->plane0, *restrict mid1 = mid->plane1;
    const uint64_t *restrict down0 = down->plane0, *restrict down1 = down->plane1;
    for (long i = 0; i < words; i++) {
#ifdef LIFETUI_ROW_SUMS
        (void)above;
        (void)below;
        out[i] = lifetui_rows(up0[i], up1[i], mid0[i], mid1[i], down0[i], down1[i], row[i]);
#else
        out[i] = lifetui_cell(up0[i], above[i], up1[i], mid0[i], row[i], mid1[i], down0[i], below[i], down1[i]);
#endif
    }
}

/* `depth` generations of rows [first, last) of `current` into `next`, in one pass over memory.
 *
 * A wavefront: reading row t of `current` (level 0) lets level 1 compute row t - 1, which lets level 2
 * compute row t - 2, and so on; each level keeps only a ring of three rows, small enough to stay in
 * the core's cache, and only the last level is written back to memory. Rows are counted from
 * u = 0, which is board row first - depth (the torus wraps): level j is valid for u in
 * [j, span - j), so the chunk's own rows come out of level `depth`, and the rows of the neighbouring
 * chunks that it needs are recomputed here rather than waited for. */
static void step_block(const uint64_t *current, uint64_t *next, const geometry *g, long first, long last,
                       int depth, row_planes levels[][3]) {
    long height = g->height, words = g->words;
    long span = last - first + 2 * (long)depth;
    long origin = ((first - depth) % height + height) % height;
    for (long t = 0; t < span; t++) {
        long row = (origin + t) % height;
        row_planes *slot = &levels[0][t % 3];
        slot->cells = current + row * words;
        prepare_row(slot->cells, slot, g);
        for (int j = 1; j <= depth; j++) {
            long u = t - j;
            if (u < j || u >= span - j) continue;
            row_planes *from = levels[j - 1]; /* the generation before this one */
            uint64_t *out = j == depth ? next + ((origin + u) % height) * words : levels[j][u % 3].storage;
            combine_row(&from[(u + 2) % 3], &from[u % 3], &from[(u + 1) % 3], from[(u + 2) % 3].cells,
                        from[u % 3].cells, from[(u + 1) % 3].cells, out, words);
            out[words - 1] &= g->last_mask;
            if (j < depth) prepare_row(out, &levels[j][u % 3], g);
        }
    }
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

/* Generations per pass over memory (and per barrier): rings of 8 levels of rows stay in a core's cache. */
#define LIFETUI_MAX_DEPTH 8
/* Words of private row buffers per `words` of board width: 3 rows of 2 planes read from the board,
 * then 3 rows of cells and 2 planes for each level computed in between. */
#define LIFETUI_BUFFER_ROWS (6 + 9 * (LIFETUI_MAX_DEPTH - 1))

typedef struct {
    uint64_t *board, *scratch;
    const geometry *shape;
    long generations, chunk; /* rows per chunk: threads claim chunks of a pass as they come free */
    int depth;
    generation_barrier *barrier;
    uint64_t *buffer; /* LIFETUI_BUFFER_ROWS rows of `words` words */
} thread_job;

static void run_job(thread_job *job) {
    long words = job->shape->words;
    row_planes levels[LIFETUI_MAX_DEPTH][3];
    uint64_t *free_words = job->buffer;
    for (int j = 0; j < LIFETUI_MAX_DEPTH; j++) {
        for (int k = 0; k < 3; k++) {
            row_planes *slot = &levels[j][k];
            slot->plane0 = free_words;
            slot->plane1 = free_words + words;
            free_words += 2 * words;
            slot->storage = NULL;
            if (j > 0) {
                slot->storage = free_words;
                slot->cells = free_words;
                free_words += words;
            }
        }
    }
    uint64_t *current = job->board, *next = job->scratch;
    for (long done = 0; done < job->generations;) {
        int depth = job->generations - done < job->depth ? (int)(job->generations - done) : job->depth;
        long height = job->shape->height, chunks = (height + job->chunk - 1) / job->chunk;
        if (!job->barrier) {
            step_block(current, next, job->shape, 0, height, depth, levels);
        } else {
            /* Chunks are claimed, not assigned: on a busy machine a thread that gets less CPU does less. */
            long c;
            while ((c = atomic_fetch_add_explicit(&job->barrier->next_chunk, 1, memory_order_relaxed)) < chunks) {
                long first = c * job->chunk, last = first + job->chunk < height ? first + job->chunk : height;
                step_block(current, next, job->shape, first, last, depth, levels);
            }
            /* Every chunk must be done reading `current` before any writes it as the next `next`. */
            barrier_wait(job->barrier);
        }
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

/* Advance the board `generations` steps with `threads` threads over chunks of rows; `scratch` is a
 * second board of the same size. Returns 0, or -1 when memory or threads cannot be had. */
int lifetui_step(uint64_t *board, uint64_t *scratch, long height, long width, long generations, int threads) {
    if (generations <= 0 || height <= 0 || width <= 0) return 0;
    geometry shape = {height, (width + 63) / 64, 0, 0};
    shape.last_bits = (int)(width - 64 * (shape.words - 1));
    shape.last_mask = shape.last_bits == 64 ? ~(uint64_t)0 : (((uint64_t)1 << shape.last_bits) - 1);
    if (threads < 1) threads = 1;
    /* A pass over a chunk recomputes about depth rows on each side of it at each level: keep chunks
     * at least 16 x depth rows, and about 4 per thread so that a slow thread can be made up for. */
    long band = height / threads;
    int depth = band / 4 < LIFETUI_MAX_DEPTH ? (int)(band / 4) : LIFETUI_MAX_DEPTH;
    if (depth < 1) depth = 1;
    long chunk = (height + 4L * threads - 1) / (4L * threads);
    if (chunk < 16 * depth) chunk = 16 * depth;
    long chunks = (height + chunk - 1) / chunk;
    if (threads > chunks) threads = (int)chunks; /* more would find nothing to do */
    long passes = generations / depth + (generations % depth != 0);
    /* Each thread's rings of rows start on their own cache line: a line written by two threads
     * bounces between their cores on every row, which once cost more than the second thread gained. */
    size_t stride = ((size_t)LIFETUI_BUFFER_ROWS * (size_t)shape.words + 7) / 8 * 8;
    uint64_t *buffer = NULL;
    if (posix_memalign((void **)&buffer, 64, sizeof(uint64_t) * stride * (size_t)threads) != 0) buffer = NULL;
    thread_job *jobs = malloc(sizeof(thread_job) * (size_t)threads);
    generation_barrier barrier;
    atomic_init(&barrier.arrived, 0);
    atomic_init(&barrier.phase, 0);
    atomic_init(&barrier.next_chunk, 0);
    barrier.count = threads;
    pthread_mutex_init(&barrier.lock, NULL);
    pthread_cond_init(&barrier.woken, NULL);
    int status = 0;
    if (!buffer || !jobs) {
        status = -1;
        goto done;
    }
    for (int t = 0; t < threads; t++) {
        jobs[t] = (thread_job){board, scratch, &shape, generations, chunk, depth, threads > 1 ? &barrier : NULL,
                             buffer + (size_t)t * stride};
    }
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
        memcpy(board, scratch, sizeof(uint64_t) * (size_t)height * (size_t)shape.words);
    }
done:
    pthread_cond_destroy(&barrier.woken);
    pthread_mutex_destroy(&barrier.lock);
    free(buffer);
    free(jobs);
    return status;
}

/* Live cells on the board: bits past `width` are always zero, so every word counts whole. */
long lifetui_population(const uint64_t *board, long height, long width) {
    long words = (width + 63) / 64, total = 0;
    for (long i = 0; i < height * words; i++) {
        total += __builtin_popcountll(board[i]);
    }
    return total;
}
