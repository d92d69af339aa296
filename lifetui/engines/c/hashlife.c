/* lifetui's HashLife engine: Gosper's algorithm, a hashed quadtree whose nodes remember their future.
 *
 * A node of level k is a square of 2^k x 2^k cells. Level 4 nodes are leaves, 16 x 16 cells in sixteen
 * rows of 16 bits (column c in bit c of its row); a node of level k > 4 has four children of level k - 1.
 * Every node exists once (a hash table finds it by its contents), so a pattern with repeated parts, in
 * space or in time, costs memory once. A node of level k >= 5 remembers its result: its centre square
 * (level k - 1) 2^min(j, k - 2) generations on, where 2^j is the universe's current step. Up to the base
 * level (6 for an outer totalistic rule, 5 for others) a node computes it from its cells at once, 64 or 32
 * cells a word (base_result); a higher one from nine overlapping sub-squares, recursively, in two rounds
 * of half the time (Gosper's construction), or, when the step is shorter than its level allows, in one
 * round after taking the sub-squares' centres. A change of step keeps the results that do not depend on it
 * (see set_step). Below the base level nothing is hashed during a step: in a chaotic pattern, where small
 * squares seldom repeat, hashing them costs more time and memory than computing past them.
 *
 * On the unbounded plane, the root is a square of the plane at (top, left), dead beyond it: before a step
 * it grows by dead borders until its live cells are in its centre quarter and it is tall enough for the
 * step, so its result (its centre, 2^step generations on) holds everything; dead borders are then taken
 * off again. Otherwise the board is a torus whose sides are powers of two, tiled to a square: a square
 * torus of side 2^k is four copies of itself joined into a level k + 1 node, whose result is the torus
 * advanced and shifted by half a side, which swapping its quadrants undoes. Nodes are numbered, not pointed to (the node
 * array grows by realloc); when there are more than the universe's limit between steps, the nodes the
 * board no longer reaches are collected, and the step fails (-1) if that is not enough.
 */
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t ref; /* a node's number; 0 is no node */

/* Entries in each of node_box's four tables of edges already found. */
#define EDGE_MEMO 4096

#define LEAF 4 /* a leaf's level */

typedef struct {
    union {
        struct {
            ref nw, ne, sw, se;  /* children */
            ref result;          /* the centre 2^min(j, level - 2) generations on, for the current step j; 0: unknown */
            uint64_t population; /* saturating at 2^64 - 1 */
        };
        uint16_t rows[16]; /* a leaf's cells */
    };
    ref next;      /* the next node in its hash bucket, or in the free list */
    uint8_t level; /* LEAF for a leaf; 0 for a free node */
    uint8_t mark;
} node;

typedef struct {
    node *nodes;
    ref count, capacity; /* nodes[1..count) are used or free */
    ref free;            /* the first free node */
    ref live;            /* nodes in use */
    ref *buckets;
    ref bucket_count;    /* a power of two */
    long max_nodes;      /* collect garbage beyond this many nodes in use */
    int step;            /* the current step: 2^step generations per result */
    ref root;            /* the board: a square of side 2^root_level */
    ref kept;            /* a second node collection keeps: the board as a step found it */
    int plane;           /* 1: the unbounded plane (dead beyond the root), 0: a torus */
    int outgrown;        /* set when a step on the plane would take the root past LIFETUI_MAX_PLANE_LEVEL */
    long long top, left; /* on the plane, where the root's top-left cell is */
    uint8_t table[512];  /* the rule: bit k of the index is NW N NE W C E SW S SE, k = 0..8 */
    uint8_t quads[1 << 16]; /* a 4 x 4 square (bit 4y + x) -> its centre 2 x 2 a generation on (bit 2y + x) */
    uint64_t *eighths;      /* the 8 x 8 squares lifetui_hashlife_leaves was given, until they are planted */
    long eighth_count, eighth_capacity;
    int counted;            /* the rule is outer totalistic: generations by counting (fill_counts) */
    int life;               /* the rule is Conway's Life */
    uint64_t low[2][4], flip[2][4], eight[2];
    /* node_box's memory of each node's edges, one table per edge, valid for one call (its epoch) */
    struct {
        ref key;
        uint32_t epoch;
        long long value;
    } edges[4][EDGE_MEMO];
    uint32_t epoch;
    int stop_fd;       /* a step gives up (-3) once this descriptor can be read (a signal, a key); -1: none */
    unsigned polls;    /* results computed since the descriptor was last looked at */
    int halted;        /* set once it could be read, until the step returns */
} universe;

static uint64_t leaf_population(const node *n) {
    uint64_t words[4];
    memcpy(words, n->rows, sizeof words);
    return (uint64_t)(__builtin_popcountll(words[0]) + __builtin_popcountll(words[1]) + __builtin_popcountll(words[2]) +
                      __builtin_popcountll(words[3]));
}

/* A node's live cells (saturating at 2^64 - 1). */
static uint64_t population(const universe *u, ref r) {
    const node *n = &u->nodes[r];
    return n->level == LEAF ? leaf_population(n) : n->population;
}

/* Every bit of the leaf reaches the low bits that pick a bucket (a product carries a bit only upwards: a
 * last multiplication alone would leave the bottom rows out of them). */
static uint64_t hash_leaf(const uint16_t rows[16]) {
    uint64_t words[4], h = 0;
    memcpy(words, rows, sizeof words);
    for (int i = 0; i < 4; i++) h = (h ^ words[i]) * 0x9E3779B97F4A7C15ULL + (h >> 31);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    return h ^ h >> 33;
}

static uint64_t hash_children(ref nw, ref ne, ref sw, ref se) {
    uint64_t h = nw * 0x9E3779B97F4A7C15ULL;
    h = (h ^ ne) * 0xC2B2AE3D27D4EB4FULL;
    h = (h ^ sw) * 0x165667B19E3779F9ULL;
    h = (h ^ se) * 0x27D4EB2F165667C5ULL;
    return h ^ (h >> 29);
}

static uint64_t node_hash(const node *n) {
    return n->level == LEAF ? hash_leaf(n->rows) : hash_children(n->nw, n->ne, n->sw, n->se);
}

/* A fresh node slot, or 0 when memory runs out or the universe holds its limit of nodes (a step that
 * needs more fails, and is retried after collecting garbage). The node array may move: hold numbers,
 * not pointers. */
static ref allocate(universe *u) {
    if ((long)u->live >= u->max_nodes) return 0;
    if (u->free) {
        ref r = u->free;
        u->free = u->nodes[r].next;
        u->live++;
        return r;
    }
    if (u->count == u->capacity) {
        if (u->capacity >= 0x7fffffffu) return 0;
        ref capacity = u->capacity * 2;
        node *grown = realloc(u->nodes, sizeof(node) * (size_t)capacity);
        if (!grown) return 0;
        u->nodes = grown;
        u->capacity = capacity;
    }
    u->live++;
    return u->count++;
}

/* Every node in use into `table` (zeroed, `buckets` of them), which then replaces the universe's. */
static void fill_table(universe *u, ref *table, ref buckets) {
    for (ref r = 1; r < u->count; r++) {
        node *n = &u->nodes[r];
        if (!n->level) continue;
        ref b = (ref)(node_hash(n) & (buckets - 1));
        n->next = table[b];
        table[b] = r;
    }
    free(u->buckets);
    u->buckets = table;
    u->bucket_count = buckets;
}

static int rehash(universe *u, ref buckets) {
    ref *table = calloc(buckets, sizeof(ref));
    if (!table) return -1;
    fill_table(u, table, buckets);
    return 0;
}

/* Room for one more node in the hash table; 0, or -1 when memory runs out. */
static int make_room(universe *u) {
    if (u->live < u->bucket_count / 2) return 0; /* at most one node for two buckets: short chains */
    return rehash(u, u->bucket_count * 2);
}

/* The leaf of these cells; 0 when memory runs out. */
static ref leaf(universe *u, const uint16_t rows[16]) {
    uint64_t h = hash_leaf(rows);
    for (ref r = u->buckets[h & (u->bucket_count - 1)]; r; r = u->nodes[r].next) {
        if (u->nodes[r].level == LEAF && !memcmp(u->nodes[r].rows, rows, sizeof u->nodes[r].rows)) return r;
    }
    if (make_room(u) != 0) return 0;
    ref r = allocate(u);
    if (!r) return 0;
    node *n = &u->nodes[r];
    memcpy(n->rows, rows, sizeof n->rows);
    n->level = LEAF;
    n->mark = 0;
    ref b = (ref)(h & (u->bucket_count - 1));
    n->next = u->buckets[b];
    u->buckets[b] = r;
    return r;
}

/* The node of the four children, all of one level; 0 when memory runs out (or a child is 0). */
static ref join(universe *u, ref nw, ref ne, ref sw, ref se) {
    if (!nw || !ne || !sw || !se) return 0;
    uint64_t h = hash_children(nw, ne, sw, se);
    for (ref r = u->buckets[h & (u->bucket_count - 1)]; r; r = u->nodes[r].next) {
        const node *n = &u->nodes[r];
        if (n->level > LEAF && n->nw == nw && n->ne == ne && n->sw == sw && n->se == se) return r;
    }
    if (make_room(u) != 0) return 0;
    ref r = allocate(u);
    if (!r) return 0;
    uint64_t total = 0; /* saturating: a tiling of the torus thirty levels up must not wrap to "empty" */
    const ref children[4] = {nw, ne, sw, se};
    for (int i = 0; i < 4; i++) {
        uint64_t part = population(u, children[i]);
        total = part > UINT64_MAX - total ? UINT64_MAX : total + part;
    }
    node *n = &u->nodes[r];
    *n = (node){.nw = nw, .ne = ne, .sw = sw, .se = se, .population = total, .level = (uint8_t)(u->nodes[nw].level + 1)};
    ref b = (ref)(h & (u->bucket_count - 1));
    n->next = u->buckets[b];
    u->buckets[b] = r;
    return r;
}

/* The rule for 4 x 4 squares: each square's centre 2 x 2, a generation on, from the rule's table. */
static void fill_quads(universe *u) {
    for (unsigned square = 0; square < 1u << 16; square++) {
        unsigned out = 0;
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                unsigned index = 0; /* the 3 x 3 around (y + 1, x + 1): bit 3 dy + dx from its top left */
                for (int dy = 0; dy < 3; dy++) index |= (square >> (4 * (y + dy) + x) & 7) << (3 * dy);
                out |= (unsigned)u->table[index] << (2 * y + x);
            }
        }
        u->quads[square] = (uint8_t)out;
    }
}

/* Whether the rule is outer totalistic (a cell's next state depends only on its own and on how many of its
 * eight neighbours live) and, if so, its masks for counted_generation: for a cell of state s (0 dead, 1 live),
 * low[s][j] is all ones when 2j live neighbours give life, flip[s][j] when 2j + 1 give another state than 2j,
 * eight[s] when 8 give life. */
static void fill_counts(universe *u) {
    int gives[2][9]; /* the next state of a cell of state s with k live neighbours; -1: not seen yet */
    memset(gives, 0xff, sizeof gives);
    u->counted = 1;
    for (unsigned index = 0; index < 512; index++) {
        int *next = &gives[index >> 4 & 1][__builtin_popcount(index & ~16u)];
        if (*next < 0) *next = u->table[index];
        if (*next != u->table[index]) u->counted = 0;
    }
    static const int life[2][9] = {{0, 0, 0, 1, 0, 0, 0, 0, 0}, {0, 0, 1, 1, 0, 0, 0, 0, 0}};
    u->life = u->counted && !memcmp(gives, life, sizeof life);
    for (int s = 0; s < 2; s++) {
        for (int j = 0; j < 4; j++) {
            u->low[s][j] = gives[s][2 * j] ? UINT64_MAX : 0;
            u->flip[s][j] = gives[s][2 * j] != gives[s][2 * j + 1] ? UINT64_MAX : 0;
        }
        u->eight[s] = gives[s][8] ? UINT64_MAX : 0;
    }
}

/* Rows of a level 5 node's 32 x 32 square (bit c of row r is column c), from its four leaves. */
static void square_of(const universe *u, ref r, uint32_t rows[32]) {
    const node *n = &u->nodes[r];
    const uint16_t *nw = u->nodes[n->nw].rows, *ne = u->nodes[n->ne].rows, *sw = u->nodes[n->sw].rows,
                   *se = u->nodes[n->se].rows;
    for (int y = 0; y < 16; y++) {
        rows[y] = nw[y] | (uint32_t)ne[y] << 16;
        rows[y + 16] = sw[y] | (uint32_t)se[y] << 16;
    }
}

/* The leaf of rows[top..top + 16) x columns [left, left + 16) of a square up to 64 cells wide. */
static ref leaf_at(universe *u, const uint64_t *rows, int top, int left) {
    uint16_t cells[16];
    for (int y = 0; y < 16; y++) cells[y] = (uint16_t)(rows[top + y] >> left);
    return leaf(u, cells);
}

/* Rows of a level 5 or 6 node's square (32 or 64 cells a side), bit c of row r being column c. */
static void rows_of(const universe *u, ref r, uint64_t rows[64]) {
    const node *n = &u->nodes[r];
    if (n->level == LEAF + 1) {
        uint32_t square[32];
        square_of(u, r, square);
        for (int y = 0; y < 32; y++) rows[y] = square[y];
        return;
    }
    const ref quarters[4] = {n->nw, n->ne, n->sw, n->se};
    for (int q = 0; q < 4; q += 2) {
        uint32_t west[32], east[32];
        square_of(u, quarters[q], west);
        square_of(u, quarters[q + 1], east);
        for (int y = 0; y < 32; y++) rows[16 * q + y] = west[y] | (uint64_t)east[y] << 32;
    }
}

/* The live neighbours of a row's 32 cells as bits of their count, from the rows above and below: bit 0 in
 * count[0], bit 1 in count[1], and in count[2] and count[3] two carries whose sum is the count's bits 2 and 3
 * (one of them set: 4 to 7 neighbours; both: 8). Full adders, 32 cells at a time. */
static inline void count_neighbours(uint64_t above, uint64_t row, uint64_t below, uint64_t count[4]) {
    uint64_t aw = above << 1, ae = above >> 1, at = aw ^ ae, a = at ^ above, p = (aw & ae) | (at & above);
    uint64_t cw = below << 1, ce = below >> 1, ct = cw ^ ce, c = ct ^ below, r = (cw & ce) | (ct & below);
    uint64_t bw = row << 1, be = row >> 1, b = bw ^ be, q = bw & be;
    uint64_t t = a ^ b, carry = (a & b) | (t & c); /* ones: above, beside, below; carry into the twos */
    uint64_t t2 = p ^ q, twos = t2 ^ r;
    count[0] = t ^ c;
    count[1] = twos ^ carry;
    count[2] = (p & q) | (t2 & r);
    count[3] = twos & carry;
}

/* One generation of an outer totalistic rule from rows `in` to `out`, rows [low, high) (their neighbours
 * must be right), 32 cells at a time: the masks of fill_counts pick each cell's next state from its count.
 * A row's cells at the square's sides go wrong, a cell deeper each generation. Rows are read from one
 * array and written to another, never read back just after they are stored: that stalls a vector unit. */
static void counted_generation(const universe *u, const uint64_t *in, uint64_t *out, int low, int high) {
    for (int y = low; y < high; y++) {
        uint64_t count[4];
        count_neighbours(in[y - 1], in[y], in[y + 1], count);
        uint64_t bit2 = count[2] ^ count[3], bit3 = count[2] & count[3], state[2];
        for (int s = 0; s < 2; s++) {
            uint64_t v[4]; /* v[j]: the next state for a count of 2j + bit 0 */
            for (int j = 0; j < 4; j++) v[j] = (count[0] & u->flip[s][j]) ^ u->low[s][j];
            uint64_t lower = v[0] ^ ((v[0] ^ v[1]) & count[1]), upper = v[2] ^ ((v[2] ^ v[3]) & count[1]);
            uint64_t m = lower ^ ((lower ^ upper) & bit2);
            state[s] = m ^ ((m ^ u->eight[s]) & bit3);
        }
        out[y] = state[0] ^ ((state[0] ^ state[1]) & in[y]);
    }
}

/* counted_generation for Conway's Life (B3/S23), the rule most run: alive with 3 neighbours, or 2 and alive. */
static void life_generation(const uint64_t *in, uint64_t *out, int low, int high) {
    for (int y = low; y < high; y++) {
        uint64_t count[4];
        count_neighbours(in[y - 1], in[y], in[y + 1], count);
        out[y] = count[1] & ~(count[2] | count[3]) & (count[0] | in[y]);
    }
}

/* One generation of any rule on the square rows[0..side) x columns [0, side), 2 x 2 cells at a time from the
 * 4 x 4 squares around them: the result is two cells narrower, its cell (y, x) being this one's (y + 1, x + 1). */
static void looked_up_generation(const universe *u, uint32_t rows[32], int side) {
    uint32_t next[32] = {0};
    for (int i = 0; i < side / 2 - 1; i++) {
        uint32_t top = 0, bottom = 0;
        for (int j = 0; j < side / 2 - 1; j++) {
            unsigned square = (rows[2 * i] >> (2 * j) & 15) | (rows[2 * i + 1] >> (2 * j) & 15) << 4 |
                              (rows[2 * i + 2] >> (2 * j) & 15) << 8 | (rows[2 * i + 3] >> (2 * j) & 15) << 12;
            unsigned quad = u->quads[square];
            top |= (quad & 3) << (2 * j);
            bottom |= (quad >> 2 & 3) << (2 * j);
        }
        next[2 * i] = top;
        next[2 * i + 1] = bottom;
    }
    memcpy(rows, next, sizeof next);
}

/* The level at which results are computed from cells rather than from sub-squares' results: 64 x 64 squares
 * (a 32 x 32 result, up to 16 generations on) when the rule is counted, 64 cells a word; 32 x 32 otherwise,
 * 2 x 2 cells a table look-up. */
static int base_level(const universe *u) { return u->counted ? LEAF + 2 : LEAF + 1; }

/* A node's centre (level 5 or 6, up to the base level), `generations` (at most a quarter of its side) on,
 * computed from its cells at once: no sub-square of it is hashed, only the answer. */
static ref base_result(universe *u, ref r, int generations) {
    uint64_t rows[2][64];
    rows_of(u, r, rows[0]);
    int side = 1 << u->nodes[r].level, at = side / 4;
    if (!u->counted) {
        uint32_t square[32];
        for (int y = 0; y < 32; y++) square[y] = (uint32_t)rows[0][y];
        for (int g = 0; g < generations; g++) looked_up_generation(u, square, 32 - 2 * g);
        for (int y = 0; y < 32; y++) rows[0][y] = square[y];
        return leaf_at(u, rows[0], at - generations, at - generations); /* looking up moves the centre */
    }
    /* Generation g is right on rows [g + 1, side - 1 - g); without B0, only on those of them at most g + 1
     * rows from a live one of the square (lived) can a cell live. Each buffer's rows are written in ranges
     * that only grow, so those outside the range stay dead. */
    int lived[2] = {side, 0};
    for (int y = 0; y < side; y++) {
        if (rows[0][y]) lived[0] = y < lived[0] ? y : lived[0], lived[1] = y + 1;
    }
    if (u->table[0]) lived[0] = 0, lived[1] = side;
    memset(rows[1], 0, sizeof rows[1]);
    int g = 0;
    while (g < generations) {
        const uint64_t *in = rows[g & 1];
        uint64_t *out = rows[(g + 1) & 1];
        lived[0] = lived[0] - 1 > g + 1 ? lived[0] - 1 : g + 1;
        lived[1] = lived[1] + 1 < side - 1 - g ? lived[1] + 1 : side - 1 - g;
        if (u->life) {
            life_generation(in, out, lived[0], lived[1]);
        } else {
            counted_generation(u, in, out, lived[0], lived[1]);
        }
        g++;
        /* Where the square is right (columns too), has the generation changed nothing? Then neither will
         * the next ones there, each a cell narrower: a still life (the debris most patterns leave) is
         * done. */
        uint64_t right = ((1ULL << (side - 2 * g)) - 1) << g, changed = 0;
        for (int y = lived[0]; y < lived[1]; y++) changed |= (in[y] ^ out[y]) & right;
        if (!changed) break;
    }
    const uint64_t *done = rows[g & 1];
    if (side == 32) return leaf_at(u, done, at, at);
    return join(u, leaf_at(u, done, at, at), leaf_at(u, done, at, at + 16), leaf_at(u, done, at + 16, at),
                leaf_at(u, done, at + 16, at + 16));
}

/* A node's centre square, one level down, now (level 5 or more). */
static ref centre(universe *u, ref r) {
    const node n = u->nodes[r];
    if (n.level == LEAF + 1) {
        uint64_t rows[64];
        rows_of(u, r, rows);
        return leaf_at(u, rows, 8, 8);
    }
    return join(u, u->nodes[n.nw].se, u->nodes[n.ne].sw, u->nodes[n.sw].ne, u->nodes[n.se].nw);
}

static ref result(universe *u, ref r);

/* The nine overlapping sub-squares of a node (level 6 or more), one level down: rows of three, top left first. */
static int nine(universe *u, ref r, ref s[9]) {
    const node n = u->nodes[r];
    const node nw = u->nodes[n.nw], ne = u->nodes[n.ne], sw = u->nodes[n.sw], se = u->nodes[n.se];
    s[0] = n.nw;
    s[1] = join(u, nw.ne, ne.nw, nw.se, ne.sw);
    s[2] = n.ne;
    s[3] = join(u, nw.sw, nw.se, sw.nw, sw.ne);
    s[4] = join(u, nw.se, ne.sw, sw.ne, se.nw);
    s[5] = join(u, ne.sw, ne.se, se.nw, se.ne);
    s[6] = n.sw;
    s[7] = join(u, sw.ne, se.nw, sw.se, se.sw);
    s[8] = n.se;
    for (int i = 0; i < 9; i++) {
        if (!s[i]) return -1;
    }
    return 0;
}

/* The node's centre 2^min(step, level - 2) generations on (level >= 4), remembered; 0 if out of memory. */
/* Whether the step should give up: the stop descriptor has something to read (looked at every 4,096 results:
 * a poll costs a microsecond, a result far less). */
static int halting(universe *u) {
    if (u->halted || u->stop_fd < 0 || ++u->polls & 4095) return u->halted;
    struct pollfd watched = {u->stop_fd, POLLIN, 0};
    u->halted = poll(&watched, 1, 0) > 0;
    return u->halted;
}

static ref result(universe *u, ref r) {
    if (u->nodes[r].result) return u->nodes[r].result;
    if (halting(u)) return 0;
    int level = u->nodes[r].level;
    ref answer;
    if (population(u, r) == 0 && !u->table[0]) {
        answer = u->nodes[r].nw; /* without B0, empty stays empty: the centre is as empty as any child */
    } else if (level <= base_level(u)) {
        answer = base_result(u, r, 1 << (u->step < level - 2 ? u->step : level - 2));
    } else {
        ref s[9], t[9];
        if (nine(u, r, s) != 0) return 0;
        int full = u->step >= level - 2; /* two rounds of 2^(level - 3) generations each */
        for (int i = 0; i < 9; i++) {
            t[i] = full ? result(u, s[i]) : centre(u, s[i]);
            if (!t[i]) return 0;
        }
        ref q[4] = {join(u, t[0], t[1], t[3], t[4]), join(u, t[1], t[2], t[4], t[5]), join(u, t[3], t[4], t[6], t[7]),
                    join(u, t[4], t[5], t[7], t[8])};
        for (int i = 0; i < 4; i++) {
            if (!q[i] || !(q[i] = result(u, q[i]))) return 0;
        }
        answer = join(u, q[0], q[1], q[2], q[3]);
    }
    if (answer) u->nodes[r].result = answer;
    return answer;
}

/* Forget the results of nodes above `level` (leaves have none). */
static void forget_results(universe *u, int level) {
    if (level < LEAF) level = LEAF;
    for (ref r = 1; r < u->count; r++) {
        if (u->nodes[r].level > level) u->nodes[r].result = 0;
    }
}

static void mark(universe *u, ref r) {
    while (r && !u->nodes[r].mark) {
        node *n = &u->nodes[r];
        n->mark = 1;
        if (n->level == LEAF) return;
        mark(u, n->nw);
        mark(u, n->ne);
        mark(u, n->sw);
        r = n->se;
    }
}

/* Free every node the board does not reach (and forget every result: some name freed nodes). */
static int collect(universe *u) {
    /* The new table first: once the sweep has relinked the freed nodes, the old chains run through them. */
    ref *table = calloc(u->bucket_count, sizeof(ref));
    if (!table) return -1;
    for (ref r = 1; r < u->count; r++) u->nodes[r].mark = 0;
    mark(u, u->root);
    mark(u, u->kept);
    u->free = 0;
    u->live = 0;
    for (ref r = u->count - 1; r >= 1; r--) {
        node *n = &u->nodes[r];
        if (n->level > LEAF) n->result = 0;
        if (n->level && n->mark) {
            u->live++;
        } else {
            n->level = 0;
            n->next = u->free;
            u->free = r;
        }
    }
    fill_table(u, table, u->bucket_count);
    return 0;
}

universe *lifetui_hashlife_new(const uint8_t *table, long max_nodes) {
    universe *u = calloc(1, sizeof(universe));
    if (!u) return NULL;
    u->capacity = 1 << 12;
    u->count = 1; /* node 0 is "no node" */
    u->stop_fd = -1;
    u->nodes = calloc(u->capacity, sizeof(node));
    u->bucket_count = 1 << 12;
    u->buckets = calloc(u->bucket_count, sizeof(ref));
    if (!u->nodes || !u->buckets) {
        free(u->nodes);
        free(u->buckets);
        free(u);
        return NULL;
    }
    memcpy(u->table, table, 512);
    fill_quads(u);
    fill_counts(u);
    u->max_nodes = max_nodes;
    return u;
}

void lifetui_hashlife_free(universe *u) {
    if (!u) return;
    free(u->nodes);
    free(u->buckets);
    free(u->eighths);
    free(u);
}

/* The square of `cells` (row-major, side x side bytes of 0 or 1, side a power of two >= 16) from
 * (top, left), of side 2^level. */
/* The square of side 2^level from (top, left) of `cells` (rows `stride` bytes apart). */
static ref build(universe *u, const uint8_t *cells, long stride, long top, long left, int level) {
    if (level == LEAF) {
        uint16_t rows[16] = {0};
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) rows[y] |= (uint16_t)((cells[(top + y) * stride + left + x] & 1) << x);
        }
        return leaf(u, rows);
    }
    long half = 1L << (level - 1);
    ref nw = build(u, cells, stride, top, left, level - 1);
    ref ne = build(u, cells, stride, top, left + half, level - 1);
    ref sw = build(u, cells, stride, top + half, left, level - 1);
    ref se = build(u, cells, stride, top + half, left + half, level - 1);
    if (!nw || !ne || !sw || !se) return 0;
    return join(u, nw, ne, sw, se);
}

static int log2_exact(long n) {
    int level = 0;
    while ((1L << level) < n) level++;
    return (1L << level) == n ? level : -1;
}

/* Load a torus of `height` x `width` cells (powers of two, at least 16): held as the square of the larger
 * side, the smaller tiled. The squares of the smaller side along the torus are built once each, then joined
 * in pairs with themselves tiled across the short way, so the copies cost nothing and no tiled array is made. */
int lifetui_hashlife_load(universe *u, const uint8_t *cells, long height, long width) {
    int rows = log2_exact(height), columns = log2_exact(width);
    if (rows < 4 || columns < 4) return -2;
    int wide = width > height, small = wide ? rows : columns;
    long count = wide ? width / height : height / width, side = 1L << small;
    ref *squares = malloc(sizeof(ref) * (size_t)count);
    if (!squares) return -1;
    for (long i = 0; i < count; i++) {
        squares[i] = build(u, cells, width, wide ? 0 : i * side, wide ? i * side : 0, small);
        if (!squares[i]) {
            free(squares);
            return -1;
        }
    }
    for (; count > 1; count /= 2) {
        for (long i = 0; i < count / 2; i++) {
            ref a = squares[2 * i], b = squares[2 * i + 1];
            squares[i] = wide ? join(u, a, b, a, b) : join(u, a, a, b, b);
            if (!squares[i]) {
                free(squares);
                return -1;
            }
        }
    }
    u->root = squares[0];
    free(squares);
    return 0;
}

/* A node of level k's result is 2^min(step, k - 2) generations on: for k <= step + 2 it is the same whatever
 * the step (2^(k - 2), built from results that are too), so a new step forgets only the results above
 * the smaller step's reach. A run whose calls change step size keeps most of what it learnt. */
static void set_step(universe *u, int step) {
    if (step != u->step) {
        forget_results(u, (step < u->step ? step : u->step) + 2);
        u->step = step;
    }
}

/* One step of 2^step generations of the torus: its new root, or 0 when the nodes run out. Up to half a
 * side, from four copies of the torus (their centre is the torus shifted by half a side: swapping its
 * quadrants undoes that); further, from 4^k copies, k = step - level + 2 >= 2, whose centre starts on a
 * copy's corner, so that any one copy in the result is the torus advanced: its north-west one. */
static ref advance(universe *u, int step) {
    set_step(u, step);
    ref r = u->root;
    int level = u->nodes[r].level;
    if (step <= level - 1) {
        ref doubled = join(u, r, r, r, r);
        ref shifted = doubled ? result(u, doubled) : 0;
        if (!shifted) return 0;
        const node s = u->nodes[shifted];
        if (s.level > LEAF) return join(u, s.se, s.sw, s.ne, s.nw);
        uint16_t rows[16]; /* a torus of 16 x 16: its leaf's quarters swapped */
        for (int y = 0; y < 16; y++) rows[y] = (uint16_t)(s.rows[(y + 8) % 16] >> 8 | s.rows[(y + 8) % 16] << 8);
        return leaf(u, rows);
    }
    ref tiled = r;
    for (int k = 0; k < step - level + 2 && tiled; k++) tiled = join(u, tiled, tiled, tiled, tiled);
    ref advanced = tiled ? result(u, tiled) : 0;
    while (advanced && u->nodes[advanced].level > level) advanced = u->nodes[advanced].nw;
    return advanced;
}

/* The dead square of side 2^level. */
static ref dead(universe *u, int level) {
    static const uint16_t none[16];
    ref r = leaf(u, none);
    for (int l = LEAF; l < level && r; l++) r = join(u, r, r, r, r);
    return r;
}

/* Whether node r (level >= 6) has live cells only in its centre half: its twelve outer grandchildren are dead. */
static int centred(const universe *u, ref r) {
    const node *c = u->nodes, n = u->nodes[r];
    const node nw = c[n.nw], ne = c[n.ne], sw = c[n.sw], se = c[n.se];
    const ref outer[12] = {nw.nw, nw.ne, nw.sw, ne.nw, ne.ne, ne.se, sw.nw, sw.sw, sw.se, se.ne, se.sw, se.se};
    for (int i = 0; i < 12; i++) {
        if (population(u, outer[i])) return 0;
    }
    return 1;
}

/* The highest root the plane grows to: its coordinates stay well inside 64 bits. */
#define LIFETUI_MAX_PLANE_LEVEL 60

/* Node r, one level up, in the centre of dead borders (its top-left moves up and left by half its side);
 * 0 when the nodes run out or it would outgrow the plane's coordinates. */
static ref grow(universe *u, ref r, long long *top, long long *left) {
    int level = u->nodes[r].level;
    if (level + 1 > LIFETUI_MAX_PLANE_LEVEL) {
        u->outgrown = 1;
        return 0;
    }
    const node n = u->nodes[r];
    ref grown;
    if (level == LEAF) { /* four leaves, each with a quarter of this one at its inner corner */
        uint16_t quarters[4][16] = {{0}};
        for (int y = 0; y < 8; y++) {
            quarters[0][8 + y] = (uint16_t)(n.rows[y] << 8);
            quarters[1][8 + y] = (uint16_t)(n.rows[y] >> 8);
            quarters[2][y] = (uint16_t)(n.rows[8 + y] << 8);
            quarters[3][y] = (uint16_t)(n.rows[8 + y] >> 8);
        }
        grown = join(u, leaf(u, quarters[0]), leaf(u, quarters[1]), leaf(u, quarters[2]), leaf(u, quarters[3]));
    } else {
        ref d = dead(u, level - 1);
        grown = join(u, join(u, d, d, d, n.nw), join(u, d, d, n.ne, d), join(u, d, n.sw, d, d), join(u, n.se, d, d, d));
    }
    *top -= 1LL << (level - 1);
    *left -= 1LL << (level - 1);
    return grown;
}

/* One step of 2^step generations on the plane: the new root and its top-left, or 0 when the nodes run out.
 * Grown until the live cells are in the centre half and the root is at least step + 2 levels high, then
 * once more: they are then in the centre quarter, 2^(level - 3) >= 2^step cells from the result's edge, so
 * the result (the centre half, 2^step generations on) holds all of them. Dead borders are then taken off. */
static void node_box(universe *u, ref r, long long box[4]);

/* Node r narrowed, while one of its nine overlapping sub-squares (one level down, a quarter of its side apart)
 * holds every live cell, to that sub-square, its top-left moving with it: a pattern that has travelled far
 * from where the root grew, or a small one in a file's huge root, is then held in a root of its own size.
 * 0 when the nodes run out. */
static ref fit(universe *u, ref r, long long *top, long long *left) {
    while (r && u->nodes[r].level > LEAF + 1 && population(u, r)) {
        long long box[4];
        node_box(u, r, box);
        long long quarter = 1LL << (u->nodes[r].level - 2), half = 2 * quarter;
        long long i = box[0] / quarter < 2 ? box[0] / quarter : 2, j = box[1] / quarter < 2 ? box[1] / quarter : 2;
        if (box[2] > i * quarter + half || box[3] > j * quarter + half) break;
        ref s[9];
        if (nine(u, r, s) != 0) return 0;
        r = s[3 * i + j];
        *top += i * quarter;
        *left += j * quarter;
    }
    return r;
}

static ref advance_plane(universe *u, int step, long long *top, long long *left) {
    set_step(u, step);
    ref r = fit(u, u->root, top, left);
    while (r && (u->nodes[r].level < LEAF + 2 || u->nodes[r].level < step + 2 || !centred(u, r))) {
        r = grow(u, r, top, left);
    }
    if (r) r = grow(u, r, top, left);
    if (!r) return 0;
    int level = u->nodes[r].level;
    ref next = result(u, r);
    if (!next) return 0;
    *top += 1LL << (level - 2);
    *left += 1LL << (level - 2);
    while (next && u->nodes[next].level > LEAF + 1 && centred(u, next)) {
        level = u->nodes[next].level;
        next = centre(u, next);
        *top += 1LL << (level - 2);
        *left += 1LL << (level - 2);
    }
    return next;
}

/* lifetui_hashlife_leaves's numbers for 8 x 8 squares: an index into u->eighths, marked by this bit. */
#define EIGHTH 0x80000000u

/* The 8 x 8 square of 64 bits (row r in bits 8r..8r+7, column c in bit c of its row) into rows[top..top + 8),
 * columns [left, left + 8). */
static void put_eighth(uint16_t rows[16], uint64_t bits, int top, int left) {
    for (int y = 0; y < 8; y++) rows[top + y] |= (uint16_t)((bits >> (8 * y) & 0xff) << left);
}

/* The 8 x 8 square from rows[top..top + 8), columns [left, left + 8), as put_eighth takes it. */
static uint64_t get_eighth(const uint16_t rows[16], int top, int left) {
    uint64_t bits = 0;
    for (int y = 0; y < 8; y++) bits |= (uint64_t)(rows[top + y] >> left & 0xff) << (8 * y);
    return bits;
}

static uint64_t eighth(const universe *u, uint32_t r) { return r ? u->eighths[r & ~EIGHTH] : 0; }

/* Macrocell's squares are 8 x 8: files are read in them. Each of `count` 8 x 8 squares of 64 bits (row r in
 * bits 8r..8r+7, column c in bit c of its row) is kept, its number (for lifetui_hashlife_joins of level 3
 * and lifetui_hashlife_plant) into refs, until the next plant. 0, or -1 when memory runs out. */
int lifetui_hashlife_leaves(universe *u, const uint64_t *bits, long count, uint32_t *refs) {
    if (u->eighth_count + count > u->eighth_capacity) {
        long capacity = 2 * (u->eighth_count + count);
        uint64_t *grown = capacity < (long)EIGHTH ? realloc(u->eighths, sizeof(uint64_t) * (size_t)capacity) : NULL;
        if (!grown) return -1;
        u->eighths = grown;
        u->eighth_capacity = capacity;
    }
    for (long i = 0; i < count; i++) {
        u->eighths[u->eighth_count] = bits[i];
        refs[i] = EIGHTH | (uint32_t)u->eighth_count++;
    }
    return 0;
}

/* Nodes of level + 1 from four children each of `level` (nw, ne, sw, se; 0 for a dead one): `count` of them
 * into refs; level 3's children are lifetui_hashlife_leaves's squares. 0, or -1 when the nodes run out. */
int lifetui_hashlife_joins(universe *u, const uint32_t *children, long count, int level, uint32_t *refs) {
    if (level == LEAF - 1) {
        for (long i = 0; i < count; i++) {
            const uint32_t *c = children + 4 * i;
            uint16_t rows[16] = {0};
            for (int k = 0; k < 4; k++) put_eighth(rows, eighth(u, c[k]), 8 * (k >> 1), 8 * (k & 1));
            if (!(refs[i] = leaf(u, rows))) return -1;
        }
        return 0;
    }
    ref d = dead(u, level);
    if (!d) return -1;
    for (long i = 0; i < count; i++) {
        const uint32_t *c = children + 4 * i;
        if (!(refs[i] = join(u, c[0] ? c[0] : d, c[1] ? c[1] : d, c[2] ? c[2] : d, c[3] ? c[3] : d))) return -1;
    }
    return 0;
}

/* Make node `root` (from lifetui_hashlife_leaves or _joins) the board, on the unbounded plane with its top-left
 * cell at (top, left); an 8 x 8 square is held in a leaf's top-left corner. 0, or -1 when the nodes run out. */
int lifetui_hashlife_plant(universe *u, uint32_t root, long long top, long long left) {
    if (root & EIGHTH) {
        uint16_t rows[16] = {0};
        put_eighth(rows, eighth(u, root), 0, 0);
        root = leaf(u, rows);
    }
    free(u->eighths);
    u->eighths = NULL;
    u->eighth_count = u->eighth_capacity = 0;
    if (!root) return -1;
    u->root = root;
    u->plane = 1;
    u->top = top;
    u->left = left;
    return 0;
}

/* Macrocell's numbering of the live squares the board reaches (dump): a number for each node, and for each
 * 8 x 8 square in a leaf, found in an open-addressed table of its bits. */
typedef struct {
    uint32_t *numbers; /* by node */
    uint64_t *keys;    /* the 8 x 8 squares numbered; 0: a free slot */
    uint32_t *values;
    size_t slots, used;
    int failed;           /* memory ran out */
    long count, capacity; /* squares numbered so far; room in words and levels */
    uint64_t *words;      /* NULL: count only */
    uint8_t *levels;
} numbering;

static size_t eighth_slot(uint64_t bits, size_t slots) {
    bits ^= bits >> 33;
    bits *= 0xff51afd7ed558ccdULL;
    return (size_t)(bits ^ bits >> 33) & (slots - 1);
}

/* The table of 8 x 8 squares twice as large; 0, or -1 when memory runs out. */
static int widen(numbering *m) {
    size_t slots = m->slots ? 2 * m->slots : 1024;
    uint64_t *keys = calloc(slots, sizeof(uint64_t));
    uint32_t *values = malloc(slots * sizeof(uint32_t));
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    for (size_t i = 0; i < m->slots; i++) {
        if (!m->keys[i]) continue;
        size_t at = eighth_slot(m->keys[i], slots);
        while (keys[at]) at = (at + 1) & (slots - 1);
        keys[at] = m->keys[i];
        values[at] = m->values[i];
    }
    free(m->keys);
    free(m->values);
    m->keys = keys, m->values = values, m->slots = slots;
    return 0;
}

/* The next number, its level and content written when there is room. */
static uint32_t record(numbering *m, int level, const uint64_t content[4]) {
    long i = m->count++;
    if (m->words && i < m->capacity) {
        memcpy(m->words + 4 * i, content, 4 * sizeof(uint64_t));
        m->levels[i] = (uint8_t)level;
    }
    return (uint32_t)(i + 1);
}

/* An 8 x 8 square's number; 0 if it is dead (or memory ran out: m->failed). */
static uint32_t number_eighth(numbering *m, uint64_t bits) {
    if (!bits || m->failed) return 0;
    if (2 * (m->used + 1) > m->slots && widen(m) != 0) {
        m->failed = 1;
        return 0;
    }
    size_t at = eighth_slot(bits, m->slots);
    for (; m->keys[at]; at = (at + 1) & (m->slots - 1)) {
        if (m->keys[at] == bits) return m->values[at];
    }
    const uint64_t content[4] = {bits, 0, 0, 0};
    m->keys[at] = bits;
    m->used++;
    return m->values[at] = record(m, LEAF - 1, content);
}

/* Number node r and the live squares below it, children first (macrocell's order); its number, 0 if dead. */
static uint32_t number(const universe *u, ref r, numbering *m) {
    const node *n = &u->nodes[r];
    if (!population(u, r)) return 0;
    if (m->numbers[r]) return m->numbers[r];
    uint64_t content[4];
    const ref kids[4] = {n->nw, n->ne, n->sw, n->se};
    for (int i = 0; i < 4; i++) {
        content[i] = n->level == LEAF ? number_eighth(m, get_eighth(n->rows, 8 * (i >> 1), 8 * (i & 1)))
                                      : number(u, kids[i], m);
    }
    return m->numbers[r] = record(m, n->level, content);
}

/* The live squares the board reaches, children first, as macrocell numbers them (from 1): square i's level
 * in levels[i], its cells in words[4i] for an 8 x 8 one (level 3) or its children's numbers (0: dead) in
 * words[4i..4i+4). Returns how many, or -1 when there are more than `capacity` or memory runs out; with
 * words NULL, only how many there are. */
long lifetui_hashlife_dump(const universe *u, long capacity, uint64_t *words, uint8_t *levels) {
    numbering m = {.numbers = calloc(u->count, sizeof(uint32_t)), .capacity = capacity, .words = words,
                   .levels = levels};
    m.failed = !m.numbers;
    if (!m.failed) number(u, u->root, &m);
    free(m.numbers);
    free(m.keys);
    free(m.values);
    return m.failed || (words && m.count > capacity) ? -1 : m.count;
}

/* Node r (its top-left cell at (0, 0)) with the cell at (y, x) made `value`; 0 when the nodes run out. */
static ref with_cell(universe *u, ref r, long long y, long long x, int value) {
    const node n = u->nodes[r];
    if (n.level == LEAF) {
        uint16_t rows[16], bit = (uint16_t)(1u << x);
        memcpy(rows, n.rows, sizeof rows);
        rows[y] = value ? rows[y] | bit : rows[y] & (uint16_t)~bit;
        return leaf(u, rows);
    }
    long long half = 1LL << (n.level - 1);
    int k = 2 * (y >= half) + (x >= half);
    ref kids[4] = {n.nw, n.ne, n.sw, n.se};
    kids[k] = with_cell(u, kids[k], y - (k >> 1) * half, x - (k & 1) * half, value);
    return join(u, kids[0], kids[1], kids[2], kids[3]);
}

/* Make the cells of the plane at places[2i], places[2i + 1] (row, column), `count` of them, live (value 1) or
 * dead (0), the root growing dead borders to reach them: 0, or -1 when the nodes run out, or -2 when a place is
 * beyond the plane's coordinates; the board is then as the call found it. */
int lifetui_hashlife_set(universe *u, const long long *places, long count, int value) {
    ref r = u->root, kept = u->root;
    long long top = u->top, left = u->left;
    u->outgrown = 0;
    for (long i = 0; i < count && r; i++) {
        long long y = places[2 * i], x = places[2 * i + 1];
        while (r && (y < top || x < left || y - top >= 1LL << u->nodes[r].level ||
                     x - left >= 1LL << u->nodes[r].level)) {
            r = grow(u, r, &top, &left);
        }
        if (r) r = with_cell(u, r, y - top, x - left, value);
    }
    if (!r) {
        int outgrown = u->outgrown;
        u->outgrown = 0;
        u->root = kept;
        return outgrown ? -2 : -1;
    }
    u->root = r;
    u->top = top, u->left = left;
    return 0;
}

/* Put the board on the unbounded plane, the root's top-left cell at (top, left); load it first. */
void lifetui_hashlife_plane(universe *u, long long top, long long left) {
    u->plane = 1;
    u->top = top;
    u->left = left;
}

/* Where the root is on the plane, and its level (side 2^level). */
void lifetui_hashlife_root(const universe *u, long long *top, long long *left, int *level) {
    *top = u->top;
    *left = u->left;
    *level = u->nodes[u->root].level;
}

/* One edge of the live cells' bounding box in (non-empty) node r, from its top-left: along `axis` (0 rows, 1
 * columns) the first live row or column (far 0), or the last one plus one (far 1). Only the nearer pair of
 * children along the axis is searched when it holds a live cell, and each node's edge is found once a call
 * (u->edges), so the search costs the distinct nodes along the edge, not its length: a square 2^60 cells a
 * side lined with live cells is a few hundred nodes. */
static long long edge(universe *u, ref r, int axis, int far) {
    const node *n = &u->nodes[r];
    if (n->level == LEAF) {
        unsigned lines = 0; /* bit i: row (axis 0) or column (axis 1) i of the leaf has a live cell */
        for (int i = 0; i < 16; i++) lines |= axis ? n->rows[i] : (unsigned)(n->rows[i] != 0) << i;
        return far ? 32 - __builtin_clz(lines) : __builtin_ctz(lines);
    }
    int table = 2 * axis + far;
    size_t slot = (size_t)((r * 2654435761u) & (EDGE_MEMO - 1));
    if (u->edges[table][slot].key == r && u->edges[table][slot].epoch == u->epoch) {
        return u->edges[table][slot].value;
    }
    /* The children in pairs along the axis, the nearer pair first, each with its offset along the axis. */
    static const int pairs[2][2][2][2] = {{{{0, 1}, {2, 3}}, {{2, 3}, {0, 1}}}, {{{0, 2}, {1, 3}}, {{1, 3}, {0, 2}}}};
    const ref kids[4] = {n->nw, n->ne, n->sw, n->se};
    long long half = 1LL << (n->level - 1), best = far ? LLONG_MIN : LLONG_MAX;
    int found = 0;
    for (int p = 0; p < 2 && !found; p++) {
        long long offset = (p == 0) == (far == 1) ? half : 0;
        for (int i = 0; i < 2; i++) {
            ref child = kids[pairs[axis][far][p][i]];
            if (!population(u, child)) continue;
            long long value = offset + edge(u, child, axis, far);
            if (far ? value > best : value < best) best = value;
            found = 1;
        }
    }
    u->edges[table][slot].key = r;
    u->edges[table][slot].epoch = u->epoch;
    u->edges[table][slot].value = best;
    return best;
}

/* The live cells' bounding box in (non-empty) node r, from its top-left: rows [box[0], box[2]) and columns
 * [box[1], box[3]). */
static void node_box(universe *u, ref r, long long box[4]) {
    /* A new epoch: edges remembered by an earlier call may belong to nodes collected since. */
    if (++u->epoch == 0) {
        memset(u->edges, 0, sizeof u->edges);
        u->epoch = 1;
    }
    for (int axis = 0; axis < 2; axis++) {
        box[axis] = edge(u, r, axis, 0);
        box[2 + axis] = edge(u, r, axis, 1);
    }
}

/* The live cells' bounding box in the root's own coordinates, rows [box[0], box[2]) and columns
 * [box[1], box[3]); 0, or -1 when there are none. */
int lifetui_hashlife_bounds(universe *u, long long box[4]) {
    if (!population(u, u->root)) return -1;
    node_box(u, u->root, box);
    return 0;
}

/* The longest step: 2^60 generations, from a tiling at most 62 levels high. */
#define LIFETUI_MAX_STEP 60

/* A step that gives up: the board as the call found it (kept, at top, left), and why (status). */
static int give_up(universe *u, long long top, long long left, int status) {
    u->root = u->kept;
    u->top = top, u->left = left;
    u->kept = 0;
    return status;
}

/* Advance the board `generations` steps: 0, or -1 when the nodes run out even after collecting garbage, -2
 * when a pattern on the plane would outgrow its coordinates, or -3 when the stop descriptor can be read; the
 * board is then as the call found it. */
int lifetui_hashlife_step(universe *u, long long generations) {
    u->kept = u->root;
    u->outgrown = 0;
    long long kept_top = u->top, kept_left = u->left;
    /* On the plane a step of 2^k needs a root of level k + 3 at least. */
    int longest = u->plane ? LIFETUI_MAX_PLANE_LEVEL - 3 : LIFETUI_MAX_STEP;
    while (generations > 0) {
        int step = 0;
        while (step + 1 <= longest && (1LL << (step + 1)) <= generations) step++;
        long long top = u->top, left = u->left;
        ref next = u->plane ? advance_plane(u, step, &top, &left) : advance(u, step);
        if (!next && u->outgrown) {
            u->outgrown = 0;
            return give_up(u, kept_top, kept_left, -2);
        }
        if (!next && u->halted) {
            u->halted = 0;
            return give_up(u, kept_top, kept_left, -3);
        }
        if (!next) {
            /* Out of nodes: keep only the board (and where the call began), then try once more. */
            top = u->top, left = u->left;
            if (collect(u) != 0 || !(next = u->plane ? advance_plane(u, step, &top, &left) : advance(u, step))) {
                return give_up(u, kept_top, kept_left, -1);
            }
        }
        u->root = next;
        u->top = top, u->left = left;
        generations -= 1LL << step;
    }
    u->kept = 0;
    return 0;
}

/* What to read out of the board: a rectangle of the held square (no wrapping), drawn at (row, column) of
 * the output, one output byte per block x block square of cells (1 when any cell in it is live). */
typedef struct {
    long top, left, height, width; /* the rectangle */
    long row, column;              /* where its top-left cell goes, in cells of the output */
    long block, across;            /* cells per output byte each way; output bytes per row */
    uint8_t *out;                  /* zeroed by the caller */
} request;

/* The part of the request in node r of side 2^level at (y, x). */
static void region(const universe *u, ref r, long y, long x, const request *q) {
    const node *n = &u->nodes[r];
    long side = 1L << n->level;
    long bottom = q->top + q->height, right = q->left + q->width;
    if (population(u, r) == 0 || y >= bottom || x >= right || y + side <= q->top || x + side <= q->left) return;
    long dy = q->row - q->top, dx = q->column - q->left; /* a cell's output place, minus its own */
    if (y >= q->top && y + side <= bottom && x >= q->left && x + side <= right &&
        (y + dy) / q->block == (y + side - 1 + dy) / q->block && (x + dx) / q->block == (x + side - 1 + dx) / q->block) {
        q->out[(y + dy) / q->block * q->across + (x + dx) / q->block] = 1; /* inside one output byte */
        return;
    }
    if (n->level == LEAF) {
        for (int cy = 0; cy < 16; cy++) {
            for (int cx = 0; cx < 16; cx++) {
                long at_y = y + cy, at_x = x + cx;
                if (n->rows[cy] >> cx & 1 && at_y >= q->top && at_y < bottom && at_x >= q->left && at_x < right) {
                    q->out[(at_y + dy) / q->block * q->across + (at_x + dx) / q->block] = 1;
                }
            }
        }
        return;
    }
    long half = side / 2;
    ref nw = n->nw, ne = n->ne, sw = n->sw, se = n->se;
    region(u, nw, y, x, q);
    region(u, ne, y, x + half, q);
    region(u, sw, y + half, x, q);
    region(u, se, y + half, x + half, q);
}

/* The rectangle of `height` x `width` cells from (top, left) of the held square (no wrapping) into `out`
 * (zeroed by the caller; `across` bytes a row), its top-left cell at (row, column) of the output's cells,
 * one byte per block x block square of them: the cells themselves when block is 1. */
void lifetui_hashlife_region(const universe *u, long top, long left, long height, long width, long row, long column,
                             long block, uint8_t *out, long across) {
    request q = {top, left, height, width, row, column, block, across, out};
    region(u, u->root, 0, 0, &q);
}

/* A node's population saturates at 2^64 - 1 (only a square 2^32 cells a side or more holds that many): this is the
 * root's population read as it is stored; lifetui_hashlife_population_exact counts one that saturated. */
/* Steps give up (-3, the board as the call found it) once `fd` can be read; -1: never. */
void lifetui_hashlife_watch(universe *u, int fd) {
    u->stop_fd = fd;
    u->halted = 0;
}

unsigned long long lifetui_hashlife_population(const universe *u) { return population(u, u->root); }

static unsigned __int128 exact_population(const universe *u, ref r, unsigned __int128 *memo, uint8_t *known) {
    const node *n = &u->nodes[r];
    if (n->level == LEAF || n->population != UINT64_MAX) return population(u, r);
    if (known[r]) return memo[r];
    unsigned __int128 total = exact_population(u, n->nw, memo, known) + exact_population(u, n->ne, memo, known) +
                              exact_population(u, n->sw, memo, known) + exact_population(u, n->se, memo, known);
    memo[r] = total;
    known[r] = 1;
    return total;
}

/* The root's population exactly, its low and high 64 bits in out: each saturated node is the sum of its
 * children's, each distinct node counted once. 0, or -1 without memory for the count. */
int lifetui_hashlife_population_exact(const universe *u, unsigned long long out[2]) {
    unsigned __int128 *memo = malloc(sizeof *memo * (size_t)u->count);
    uint8_t *known = calloc((size_t)u->count, 1);
    if (!memo || !known) {
        free(memo);
        free(known);
        return -1;
    }
    unsigned __int128 total = exact_population(u, u->root, memo, known);
    free(memo);
    free(known);
    out[0] = (unsigned long long)total;
    out[1] = (unsigned long long)(total >> 64);
    return 0;
}

long lifetui_hashlife_nodes(const universe *u) { return (long)u->live; }
