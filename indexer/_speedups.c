/* Compiled inner loops of indexer.fastwrite (TokenCache.index_text: tokenizing a text, looking
 * up its terms and adding its postings; write_term: a term's posting blocks), of
 * indexer.postings (read_blocks: a posting list's compact blocks; read_pickled_blocks:
 * Whoosh's own pickled ones, without values; decode_positions, for
 * phrase checks), of indexer.phrases (phrase_match: which candidates hold a phrase), of
 * indexer.bm25 (bm25_add: a posting list's BM25 scores added into a whole-index array), of
 * indexer.facets (tally_codes, tally_tags: a facet's counts over a mask) and of
 * indexer.highlight (TokenCache.text_terms: a text's tokens and terms). All are optional: each caller has a
 * pure-Python twin, used when this module is not built, and the tests compare the two byte
 * for byte.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#define BLOCK_LIMIT 128

typedef struct {
    unsigned char *p;
    Py_ssize_t len, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    unsigned char *p = PyMem_Realloc(b->p, cap);
    if (!p) { PyErr_NoMemory(); return -1; }
    b->p = p;
    b->cap = cap;
    return 0;
}

/* pickle's opcode for a non-negative int below 2**31 (protocols 1-5) */
static void put_int(Buf *b, uint32_t v) {
    unsigned char *q = b->p + b->len;
    if (v < 256) { q[0] = 'K'; q[1] = (unsigned char)v; b->len += 2; }
    else if (v < 65536) { q[0] = 'M'; q[1] = v & 255; q[2] = v >> 8; b->len += 3; }
    else { q[0] = 'J'; q[1] = v & 255; q[2] = (v >> 8) & 255; q[3] = (v >> 16) & 255;
           q[4] = v >> 24; b->len += 5; }
}

/* unsigned LEB128 varint of v at the end of b (room reserved by the caller) */
static void put_varint(Buf *b, uint64_t v) {
    unsigned char *q = b->p + b->len;
    while (v >= 0x80) { *q++ = (unsigned char)((v & 0x7F) | 0x80); v >>= 7; }
    *q++ = (unsigned char)v;
    b->len = q - b->p;
}

/* a posting's value as PositionsPostings keeps it: the varints of the position deltas of
 * ascending positions pos[0..n) (the first from 0), into b (b->len reset first) */
static int encode_value(Buf *b, const uint32_t *pos, Py_ssize_t n) {
    b->len = 0;
    if (buf_reserve(b, 5 * n) < 0) return -1;
    uint32_t prev = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        put_varint(b, pos[i] - prev);
        prev = pos[i];
    }
    return 0;
}

static int bytearray_extend(PyObject *ba, const void *data, Py_ssize_t n) {
    Py_ssize_t old = PyByteArray_GET_SIZE(ba);
    if (PyByteArray_Resize(ba, old + n) < 0) return -1;
    memcpy(PyByteArray_AS_STRING(ba) + old, data, n);
    return 0;
}

/* terms[term], created as (bytearray(), bytearray()) when missing; borrowed; TypeError when
 * it is anything else */
static PyObject *entry_for(PyObject *terms, PyObject *term) {
    PyObject *entry = PyDict_GetItemWithError(terms, term);
    if (entry) {
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2 ||
            !PyByteArray_Check(PyTuple_GET_ITEM(entry, 0)) ||
            !PyByteArray_Check(PyTuple_GET_ITEM(entry, 1))) {
            PyErr_SetString(PyExc_TypeError, "terms values must be (bytearray, bytearray)");
            return NULL;
        }
        return entry;
    }
    if (PyErr_Occurred()) return NULL;
    PyObject *meta = PyByteArray_FromStringAndSize(NULL, 0);
    PyObject *vals = PyByteArray_FromStringAndSize(NULL, 0);
    if (!meta || !vals) { Py_XDECREF(meta); Py_XDECREF(vals); return NULL; }
    entry = PyTuple_Pack(2, meta, vals);
    Py_DECREF(meta);
    Py_DECREF(vals);
    if (!entry) return NULL;
    int failed = PyDict_SetItem(terms, term, entry);
    Py_DECREF(entry); /* the dict holds it */
    return failed ? NULL : entry;
}

static int add_bound(PyObject *bounds, PyObject *term, Py_ssize_t offset) {
    PyObject *value = PyLong_FromSsize_t(offset);
    if (!value) return -1;
    PyObject *found = PyDict_GetItemWithError(bounds, term);
    int failed;
    if (found) {
        failed = PyList_Append(found, value);
    } else if (PyErr_Occurred()) {
        failed = -1;
    } else {
        PyObject *list = PyList_New(1);
        if (!list) { Py_DECREF(value); return -1; }
        Py_INCREF(value);
        PyList_SET_ITEM(list, 0, value);
        failed = PyDict_SetItem(bounds, term, list);
        Py_DECREF(list);
    }
    Py_DECREF(value);
    return failed;
}

/* one document's posting of a term: its (docnum, count) to meta, the varints of its
 * positions pos[0..npos) to vals, and a block bound after every 128th posting */
static int add_posting(PyObject *entry, PyObject *term, PyObject *bounds, unsigned long docnum,
                       const uint32_t *pos, Py_ssize_t npos, Buf *value) {
    PyObject *meta = PyTuple_GET_ITEM(entry, 0), *vals = PyTuple_GET_ITEM(entry, 1);
    uint64_t packed = ((uint64_t)docnum << 32) | (uint64_t)npos;
    if (bytearray_extend(meta, &packed, 8) < 0) return -1;
    if (encode_value(value, pos, npos) < 0) return -1;
    if (bytearray_extend(vals, value->p, value->len) < 0) return -1;
    if ((PyByteArray_GET_SIZE(meta) / 8) % BLOCK_LIMIT == 0 &&
        add_bound(bounds, term, PyByteArray_GET_SIZE(vals)) < 0)
        return -1;
    return 0;
}

/* ---- write_term: one term's posting blocks of a Positions field, as compact blocks ----
 *
 * write_term(meta, vals, bounds, lengths, field_boost, boosts, start) -> (blob, terminfo)
 * does what fastwrite's _PositionsPostings.expand + _TermWriter.write_frames do in Python
 * (the reference; tests compare the two byte for byte): `meta` and `vals` are the term's
 * buffers from index_text, `bounds` the value offsets after every 128th
 * posting (or None), `lengths` the quantized field length of each document (or None),
 * `boosts` docnum -> document boost (or None), `start` the offset in the postings file
 * where the blob will be written. The blob is Whoosh's W3 block list ("W3Bl", then per
 * block of 128: signed length, pickled block info, the compact block of
 * indexer/blockcodec.py in the envelope of whoosh_private.compact_block); terminfo is the W3TermInfo bytes the term index keeps for it.
 */
static void put_be32(unsigned char *q, uint32_t v) {
    q[0] = v >> 24; q[1] = (v >> 16) & 255; q[2] = (v >> 8) & 255; q[3] = v & 255;
}

static void put_le32(unsigned char *q, uint32_t v) {
    q[0] = v & 255; q[1] = (v >> 8) & 255; q[2] = (v >> 16) & 255; q[3] = v >> 24;
}

static void put_be_double(unsigned char *q, double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    for (int i = 7; i >= 0; i--) { q[i] = u & 255; u >>= 8; }
}

static void put_be_float(unsigned char *q, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    put_be32(q, u);
}

/* pickle (protocols 2-5) opcode of a non-negative int below 2**32 */
static void put_uint(Buf *b, uint32_t v) {
    if (v < 0x80000000U) { put_int(b, v); return; }
    unsigned char *q = b->p + b->len;
    q[0] = 0x8a; q[1] = 5; /* LONG1, 5 bytes: little-endian, a 0 byte keeps it positive */
    put_le32(q + 2, v);
    q[6] = 0;
    b->len += 7;
}

static void put_bytes(Buf *b, const void *data, Py_ssize_t n) {
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

/* whoosh_private.BLOCK_HEAD: PROTO 3, GLOBAL indexer.whoosh_private w3_block */
static const char BLOCK_HEAD[] = "\x80\x03" "cindexer.whoosh_private\nw3_block\n";

static PyObject *write_term(PyObject *self, PyObject *args) {
    PyObject *meta, *vals, *bounds, *lengths_obj, *boosts;
    double fb;
    long long start;
    if (!PyArg_ParseTuple(args, "O!O!OOdOL", &PyByteArray_Type, &meta, &PyByteArray_Type,
                          &vals, &bounds, &lengths_obj, &fb, &boosts, &start))
        return NULL;
    if (bounds != Py_None && !PyList_Check(bounds)) {
        PyErr_SetString(PyExc_TypeError, "bounds must be a list or None");
        return NULL;
    }
    if (boosts != Py_None && !PyDict_Check(boosts)) {
        PyErr_SetString(PyExc_TypeError, "boosts must be a dict or None");
        return NULL;
    }
    Py_ssize_t n = PyByteArray_GET_SIZE(meta) / 8;
    if (n == 0 || PyByteArray_GET_SIZE(meta) % 8) {
        PyErr_SetString(PyExc_ValueError, "meta must hold one or more uint64 postings");
        return NULL;
    }
    Py_buffer lengths = {0};
    int have_lengths = lengths_obj != Py_None;
    if (have_lengths && PyObject_GetBuffer(lengths_obj, &lengths, PyBUF_SIMPLE) < 0) return NULL;
    const uint64_t *posts = (const uint64_t *)PyByteArray_AS_STRING(meta);
    const unsigned char *frames = (const unsigned char *)PyByteArray_AS_STRING(vals);
    Py_ssize_t nframes = PyByteArray_GET_SIZE(vals);
    Py_ssize_t nbounds = bounds == Py_None ? 0 : PyList_GET_SIZE(bounds);
    int use_boosts = boosts != Py_None && PyDict_GET_SIZE(boosts) > 0;
    PyObject *result = NULL;
    double *weights = PyMem_Malloc(n * sizeof(double));
    float *stored = PyMem_Malloc(128 * sizeof(float));
    Buf out = {NULL, 0, 0}, sub = {NULL, 0, 0}, payload = {NULL, 0, 0};
    if (!weights || !stored) { PyErr_NoMemory(); goto done; }
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t docnum = (uint32_t)(posts[i] >> 32), freq = (uint32_t)posts[i];
        /* stock: (frequency * format boost) * document boost */
        weights[i] = (double)freq * fb;
        if (use_boosts) {
            PyObject *key = PyLong_FromUnsignedLong(docnum);
            if (!key) goto done;
            PyObject *boost = PyDict_GetItemWithError(boosts, key);
            Py_DECREF(key);
            if (boost) {
                double b = PyFloat_AsDouble(boost);
                if (b == -1.0 && PyErr_Occurred()) goto done;
                weights[i] = ((double)freq * fb) * b;
            } else if (PyErr_Occurred()) {
                goto done;
            }
        }
    }
    /* the blob: magic, then each block (info 60 bytes at most, data 150 + 8 per posting) */
    if (buf_reserve(&out, 4 + nframes + n * 8 + (n / 128 + 1) * 220) < 0) goto done;
    put_bytes(&out, "W3Bl", 4);
    double total = 0.0, maxweight = 0.0;
    int minb = 0, maxb = 0;
    Py_ssize_t vstart = 0;
    for (Py_ssize_t first = 0, block = 0; first < n; first += 128, block++) {
        Py_ssize_t last = first + 128 < n ? first + 128 : n, cnt = last - first;
        Py_ssize_t vend = nframes;
        if (block < nbounds) {
            vend = PyLong_AsSsize_t(PyList_GET_ITEM(bounds, block));
            if (vend == -1 && PyErr_Occurred()) goto done;
        }
        if (vend < vstart || vend > nframes) {
            PyErr_SetString(PyExc_ValueError, "bounds out of range");
            goto done;
        }
        int bmin = 0, bmax = 0, all_one = 1, all_same = 1;
        double bmaxw = weights[first], bsum = 0.0;
#if PY_VERSION_HEX >= 0x030C0000
        double comp = 0.0; /* sum() of floats is compensated (Neumaier) since 3.12 */
#endif
        for (Py_ssize_t i = first; i < last; i++) {
            uint32_t docnum = (uint32_t)(posts[i] >> 32);
            if (have_lengths && docnum < lengths.len) {
                int b = ((const unsigned char *)lengths.buf)[docnum];
                if (b && (!bmin || b < bmin)) bmin = b;
                if (b > bmax) bmax = b;
            }
            if (weights[i] > bmaxw) bmaxw = weights[i];
            float f = (float)weights[i];
            stored[i - first] = f;
            if (f != 1.0f) all_one = 0;
            if (f != stored[0]) all_same = 0;
            double x = (double)f;
#if PY_VERSION_HEX >= 0x030C0000
            double t = bsum + x;
            if (fabs(bsum) >= fabs(x)) comp += (bsum - t) + x; else comp += (x - t) + bsum;
            bsum = t;
#else
            bsum += x;
#endif
        }
#if PY_VERSION_HEX >= 0x030C0000
        if (comp != 0.0 && isfinite(comp)) bsum += comp;
#endif
        /* block info: pickle protocol 2 of (count, last id, max weight, 0, min, max length) */
        Py_ssize_t head = out.len;
        out.len += 4; /* the signed block length, filled in below */
        Py_ssize_t info_at = out.len;
        put_bytes(&out, "\x80\x02(", 3);
        put_uint(&out, (uint32_t)cnt);
        put_uint(&out, (uint32_t)(posts[last - 1] >> 32));
        if (bmaxw > 0) {
            out.p[out.len++] = 'G';
            put_be_double(out.p + out.len, bmaxw);
            out.len += 8;
        } else {
            put_bytes(&out, "K\x00", 2);
        }
        put_bytes(&out, "K\x00", 2); /* compression 0: stored raw */
        put_int(&out, (uint32_t)bmin);
        put_int(&out, (uint32_t)bmax);
        put_bytes(&out, "tq\x00.", 4);
        /* block data: the compact payload (indexer/blockcodec.py) in its pickle envelope
           (indexer/whoosh_private.py, compact_block) */
        sub.len = 0;
        if (buf_reserve(&sub, 10 * cnt) < 0) goto done;
        uint32_t prev = 0;
        for (Py_ssize_t i = first; i < last; i++) { /* ids, then counts, in one buffer */
            uint32_t docnum = (uint32_t)(posts[i] >> 32);
            put_varint(&sub, docnum - prev);
            prev = docnum;
        }
        Py_ssize_t ids_size = sub.len;
        int counts_weights = 1;
        for (Py_ssize_t i = first; i < last; i++) {
            uint32_t freq = (uint32_t)posts[i];
            put_varint(&sub, freq);
            if ((float)((double)freq * fb) != stored[i - first]) counts_weights = 0;
        }
        Py_ssize_t counts_size = sub.len - ids_size;
        int mode = all_one ? 0 : counts_weights ? 1 : all_same ? 2 : 3;
        Py_ssize_t wsize = mode == 0 ? 0 : mode == 1 ? 8 : mode == 2 ? 4 : 4 * cnt;
        payload.len = 0;
        if (buf_reserve(&payload, 20 + wsize + sub.len + (vend - vstart)) < 0) goto done;
        put_varint(&payload, (uint64_t)cnt);
        put_varint(&payload, (uint64_t)mode);
        put_varint(&payload, (uint64_t)ids_size);
        put_varint(&payload, (uint64_t)counts_size);
        if (mode == 1) {
            uint64_t u;
            memcpy(&u, &fb, 8);
            for (int k = 0; k < 8; k++) payload.p[payload.len++] = (u >> (8 * k)) & 255;
        } else if (mode >= 2) {
            for (Py_ssize_t i = 0; i < (mode == 2 ? 1 : cnt); i++) {
                uint32_t u;
                memcpy(&u, &stored[i], 4);
                put_le32(payload.p + payload.len, u);
                payload.len += 4;
            }
        }
        put_bytes(&payload, sub.p, sub.len);
        put_bytes(&payload, frames + vstart, vend - vstart);
        if (buf_reserve(&out, payload.len + sizeof(BLOCK_HEAD) + 8) < 0) goto done;
        put_bytes(&out, BLOCK_HEAD, sizeof(BLOCK_HEAD) - 1);
        if (payload.len < 256) {
            out.p[out.len++] = 'C';
            out.p[out.len++] = (unsigned char)payload.len;
        } else {
            out.p[out.len++] = 'B';
            put_le32(out.p + out.len, (uint32_t)payload.len);
            out.len += 4;
        }
        put_bytes(&out, payload.p, payload.len);
        put_bytes(&out, "\x85R.", 3);
        int32_t blocklength = (int32_t)(out.len - info_at);
        put_be32(out.p + head, (uint32_t)(last == n ? -blocklength : blocklength));
        vstart = vend;
        /* W3TermInfo.add_block */
        total += bsum;
        if (bmaxw > 0 && bmaxw > maxweight) maxweight = bmaxw;
        if (bmin && (!minb || bmin < minb)) minb = bmin;
        if (bmax > maxb) maxb = bmax;
    }
    /* W3TermInfo: !BfIBBfII (23 bytes), then the blob's offset (!q) and length (!i) */
    unsigned char info[35];
    info[0] = 0;
    put_be_float(info + 1, (float)total);
    put_be32(info + 5, (uint32_t)n);
    info[9] = (unsigned char)minb;
    info[10] = (unsigned char)maxb;
    put_be_float(info + 11, (float)maxweight);
    put_be32(info + 15, (uint32_t)(posts[0] >> 32));
    put_be32(info + 19, (uint32_t)(posts[n - 1] >> 32));
    put_be32(info + 23, (uint32_t)((uint64_t)start >> 32));
    put_be32(info + 27, (uint32_t)((uint64_t)start & 0xFFFFFFFFU));
    put_be32(info + 31, (uint32_t)(int32_t)out.len);
    PyObject *blob = PyBytes_FromStringAndSize((const char *)out.p, out.len);
    PyObject *terminfo = blob ? PyBytes_FromStringAndSize((const char *)info, 35) : NULL;
    if (blob && terminfo) result = PyTuple_Pack(2, blob, terminfo);
    Py_XDECREF(blob);
    Py_XDECREF(terminfo);
done:
    if (have_lengths) PyBuffer_Release(&lengths);
    PyMem_Free(weights);
    PyMem_Free(stored);
    PyMem_Free(out.p);
    PyMem_Free(sub.p);
    PyMem_Free(payload.p);
    return result;
}

/* ---- TokenCache.index_text: tokenizing, term lookup and postings in one pass ----
 *
 * TokenCache(us_mixed, us_caps, limit) remembers, per lowercased ASCII token, the term that
 * Python's term function gave for it (FastAnalyzer: indexer.analysis.term_of), so a
 * document's tokens are looked up without a Python string per token.
 *
 * index_text(text, term_fn, terms, bounds, owner, way, docnum, words, stamp) does for one
 * ASCII text what FastAnalyzer.positions + _PositionsPostings.add do in Python (the
 * reference; tests compare the two byte for byte):
 *   - tokens are \w+(?:[.']\w+)* over ASCII (indexer.analysis.TOKEN_RE), lowercased, and
 *     every token has a position: its number in the text (nothing is dropped);
 *   - a token's term comes from the cache or term_fn(lowercased token), which must return
 *     a str;
 *   - the token spelled exactly "US" (in the original case) is not looked up: its position
 *     gets the terms of `us_mixed` when a neighbouring token (the one before or after it)
 *     has a lower-case letter, else the terms of `us_caps` (the analyzer's US rule);
 *   - each distinct term gets one posting, as _PositionsPostings.add adds it:
 *       terms[term] = (meta, vals)    two bytearrays, created when missing
 *       meta += native uint64 (docnum << 32 | number of positions)
 *       vals += the varints of the position deltas, the first from 0
 *               (indexer/blockcodec.py)
 *       after every 128th posting of a term: bounds[term].append(len(vals))
 *   - `words` (a set, or None): the lowercased token of every token met for the first time
 *     with this `stamp` (a nonzero number naming one set, e.g. one segment's) is added to
 *     it, and for a "US" token the terms it was given (the rule's words are its terms).
 *     The stamp is kept per cached token and per term, so a segment's words cost one
 *     string each, not one per occurrence.
 * Returns the number of (term, position) pairs (Whoosh's field length), or None (and
 * nothing added) when the text is not ASCII or a term function ever returned "" (the
 * caller then takes the Python path).
 *
 * `owner` (a number never reused) and `way` (0-3, one per field) name the `terms` dict, so
 * the (meta, vals) entry of a term found there is remembered with the term: the next
 * document of the same field and segment needs no dict lookup for it. The entry pointers
 * are borrowed: `terms` keeps its entries while it is in use, and a new dict comes with a
 * new owner number. Past `limit` tokens the cache starts over (bounded memory). A call made
 * while another is under way (another thread, let in while a term function ran) returns
 * None, so the cache never changes under a call.
 */
#define NWAYS 4
#define US_MAX 4
#define SLOT_EMPTY (-2)
#define TOKEN_US (-1)

typedef struct {
    uint64_t hash;
    uint64_t stamp;    /* words stamp of the last call that recorded the token (0: none) */
    uint32_t off, len; /* the token's bytes in the arena */
    int32_t term;      /* term id, or SLOT_EMPTY */
} TokSlot;

typedef struct {
    PyObject *term;          /* owned */
    uint64_t seen;           /* serial of the last call that met it */
    Py_ssize_t slot;         /* its slot in that call */
    uint64_t stamp;          /* (terms of "US") words stamp when last recorded as a word */
    uint64_t owner[NWAYS];   /* which terms dict each remembered entry came from */
    PyObject *entry[NWAYS];  /* borrowed */
} TermRec;

typedef struct {
    PyObject_HEAD
    TokSlot *table;
    Py_ssize_t mask, used, limit;
    char *arena;
    Py_ssize_t arena_len, arena_cap;
    TermRec *terms;
    Py_ssize_t nterms, terms_cap;
    PyObject *ids; /* term str -> term id */
    PyObject *us[2]; /* tuples of terms of "US": [0] mixed-case context, [1] all capitals */
    int32_t us_ids[2][US_MAX];
    int us_ready; /* us_ids hold the current ids of the terms in us */
    uint64_t serial;
    int empty;
    int busy; /* in index_text (a term function may let another thread in) */
} TokenCache;

static unsigned char WORD_LOWER[256]; /* lowercased ASCII word character, or 0 */

static void tc_clear(TokenCache *self) {
    if (self->table)
        for (Py_ssize_t i = 0; i <= self->mask; i++) self->table[i].term = SLOT_EMPTY;
    self->used = 0;
    self->arena_len = 0;
    for (Py_ssize_t i = 0; i < self->nterms; i++) Py_DECREF(self->terms[i].term);
    self->nterms = 0;
    self->us_ready = 0;
    PyDict_Clear(self->ids);
}

static int tc_alloc_table(TokenCache *self, Py_ssize_t size) {
    TokSlot *table = PyMem_Malloc(size * sizeof(TokSlot));
    if (!table) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < size; i++) table[i].term = SLOT_EMPTY;
    TokSlot *old = self->table;
    Py_ssize_t oldsize = old ? self->mask + 1 : 0;
    self->table = table;
    self->mask = size - 1;
    for (Py_ssize_t i = 0; i < oldsize; i++) {
        if (old[i].term == SLOT_EMPTY) continue;
        Py_ssize_t at = old[i].hash & self->mask;
        while (table[at].term != SLOT_EMPTY) at = (at + 1) & self->mask;
        table[at] = old[i];
    }
    PyMem_Free(old);
    return 0;
}

/* a tuple of 1 to US_MAX non-empty str, or -1 with TypeError */
static int check_us_terms(PyObject *terms, const char *name) {
    Py_ssize_t n = PyTuple_Check(terms) ? PyTuple_GET_SIZE(terms) : 0;
    int ok = n >= 1 && n <= US_MAX;
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *item = PyTuple_GET_ITEM(terms, i);
        ok = PyUnicode_CheckExact(item) && PyUnicode_GET_LENGTH(item) > 0;
    }
    if (!ok) PyErr_Format(PyExc_TypeError, "%s must be a tuple of 1 to %d non-empty str", name,
                          US_MAX);
    return ok ? 0 : -1;
}

static int tc_init(TokenCache *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"us_mixed", "us_caps", "limit", NULL};
    PyObject *mixed, *caps;
    Py_ssize_t limit = 500000;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|n", kwlist, &mixed, &caps, &limit))
        return -1;
    if (limit < 1) { PyErr_SetString(PyExc_ValueError, "limit must be positive"); return -1; }
    if (self->table) { PyErr_SetString(PyExc_TypeError, "already initialized"); return -1; }
    if (check_us_terms(mixed, "us_mixed") < 0 || check_us_terms(caps, "us_caps") < 0)
        return -1;
    self->limit = limit;
    self->ids = PyDict_New();
    if (!self->ids) return -1;
    Py_INCREF(mixed);
    Py_INCREF(caps);
    self->us[0] = mixed;
    self->us[1] = caps;
    return tc_alloc_table(self, 1 << 16);
}

static void tc_dealloc(TokenCache *self) {
    if (self->ids) tc_clear(self);
    Py_XDECREF(self->ids);
    Py_XDECREF(self->us[0]);
    Py_XDECREF(self->us[1]);
    PyMem_Free(self->table);
    PyMem_Free(self->arena);
    PyMem_Free(self->terms);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* the id of a term (a str), its record created when missing; -1 on error */
static int32_t tc_term_id(TokenCache *self, PyObject *term) {
    PyObject *found = PyDict_GetItemWithError(self->ids, term);
    if (found) return (int32_t)PyLong_AsLong(found);
    if (PyErr_Occurred()) return -1;
    if (self->nterms >= 0x7FFFFFFF) {
        PyErr_SetString(PyExc_OverflowError, "too many terms");
        return -1;
    }
    if (self->nterms == self->terms_cap) {
        Py_ssize_t cap = self->terms_cap ? self->terms_cap * 2 : 4096;
        TermRec *grown = PyMem_Realloc(self->terms, cap * sizeof(TermRec));
        if (!grown) { PyErr_NoMemory(); return -1; }
        self->terms = grown;
        self->terms_cap = cap;
    }
    int32_t id = (int32_t)self->nterms;
    PyObject *number = PyLong_FromLong(id);
    if (!number || PyDict_SetItem(self->ids, term, number) < 0) {
        Py_XDECREF(number);
        return -1;
    }
    Py_DECREF(number);
    TermRec *rec = &self->terms[self->nterms++];
    memset(rec, 0, sizeof(TermRec));
    Py_INCREF(term);
    rec->term = term;
    return id;
}

/* the ids of the terms of "US" (again after the cache started over) */
static int tc_us_ready(TokenCache *self) {
    for (int set = 0; set < 2; set++) {
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(self->us[set]); j++) {
            int32_t id = tc_term_id(self, PyTuple_GET_ITEM(self->us[set], j));
            if (id < 0) return -1;
            self->us_ids[set][j] = id;
        }
    }
    self->us_ready = 1;
    return 0;
}

/* the new slot of a token missing from the cache (its term from term_fn); NULL on error, or
 * with *empty set (no error) when term_fn gave "" */
static TokSlot *tc_miss(TokenCache *self, const char *low, Py_ssize_t len, uint64_t hash,
                        PyObject *term_fn, int *empty) {
    PyObject *token = PyUnicode_DecodeASCII(low, len, NULL);
    if (!token) return NULL;
    PyObject *term = PyObject_CallOneArg(term_fn, token);
    Py_DECREF(token);
    if (!term) return NULL;
    if (!PyUnicode_Check(term)) {
        Py_DECREF(term);
        PyErr_SetString(PyExc_TypeError, "the term function must return str");
        return NULL;
    }
    if (PyUnicode_GET_LENGTH(term) == 0) {
        Py_DECREF(term);
        *empty = 1;
        return NULL;
    }
    int32_t id = tc_term_id(self, term);
    Py_DECREF(term);
    if (id < 0) return NULL;
    /* remember the token */
    if ((self->used + 1) * 2 > self->mask + 1 &&
        tc_alloc_table(self, (self->mask + 1) * 2) < 0)
        return NULL;
    if (self->arena_len + len > self->arena_cap) {
        Py_ssize_t cap = self->arena_cap ? self->arena_cap : 1 << 20;
        while (cap < self->arena_len + len) cap *= 2;
        if (cap > 0xFFFFFFFFLL) { PyErr_NoMemory(); return NULL; }
        char *grown = PyMem_Realloc(self->arena, cap);
        if (!grown) { PyErr_NoMemory(); return NULL; }
        self->arena = grown;
        self->arena_cap = cap;
    }
    memcpy(self->arena + self->arena_len, low, len);
    Py_ssize_t at = hash & self->mask;
    while (self->table[at].term != SLOT_EMPTY) at = (at + 1) & self->mask;
    TokSlot *slot = &self->table[at];
    slot->hash = hash;
    slot->stamp = 0;
    slot->off = (uint32_t)self->arena_len;
    slot->len = (uint32_t)len;
    slot->term = id;
    self->arena_len += len;
    self->used++;
    return slot;
}

static PyObject *tc_index_text(TokenCache *self, PyObject *args) {
    PyObject *text, *term_fn, *terms, *bounds, *words;
    unsigned long long owner, stamp;
    int way;
    unsigned long docnum;
    if (!PyArg_ParseTuple(args, "UOO!O!KikOK", &text, &term_fn, &PyDict_Type, &terms,
                          &PyDict_Type, &bounds, &owner, &way, &docnum, &words, &stamp))
        return NULL;
    if (!self->table) { PyErr_SetString(PyExc_TypeError, "not initialized"); return NULL; }
    if (docnum > 0xFFFFFFFFUL) {
        PyErr_SetString(PyExc_ValueError, "docnum out of range");
        return NULL;
    }
    if (words == Py_None) {
        words = NULL;
    } else if (!PySet_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "words must be a set or None");
        return NULL;
    }
    if (stamp == 0) {
        PyErr_SetString(PyExc_ValueError, "stamp must be nonzero");
        return NULL;
    }
    /* another thread's call is under way (its term ids must stay valid): Python path */
    if (!PyUnicode_IS_ASCII(text) || self->empty || self->busy) Py_RETURN_NONE;
    if (self->used >= self->limit) tc_clear(self);
    if (!self->us_ready && tc_us_ready(self) < 0) return NULL;
    const unsigned char *s = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n >= 0x7FFFFFFF) {
        PyErr_SetString(PyExc_ValueError, "text too long");
        return NULL;
    }
    PyObject *result = NULL;
    /* tokens are separated by at least one character */
    Py_ssize_t maxtokens = n / 2 + 1;
    char *low = PyMem_Malloc(n + 1);
    int32_t *tok = PyMem_Malloc(maxtokens * sizeof(int32_t));
    unsigned char *has_lower = PyMem_Malloc(maxtokens);
    int32_t *pair_term = NULL, *order = NULL;
    uint32_t *pair_pos = NULL, *pos = NULL;
    Py_ssize_t *slot_of = NULL, *count = NULL, *fill = NULL;
    Buf value = {NULL, 0, 0};
    self->busy = 1;
    if (!low || !tok || !has_lower) { PyErr_NoMemory(); goto done; }

    /* 1. tokens -> term ids (TOKEN_US for "US"), and whether each has a lower-case letter */
    Py_ssize_t ntokens = 0, nus = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = WORD_LOWER[s[i]];
        if (!c) { i++; continue; }
        Py_ssize_t start = i, len = 0;
        int lower = 0;
        uint64_t h = 14695981039346656037ULL;
        for (;;) {
            while (i < n && (c = WORD_LOWER[s[i]])) {
                lower |= s[i] >= 'a' && s[i] <= 'z';
                low[len++] = (char)c;
                h = (h ^ c) * 1099511628211ULL;
                i++;
            }
            if (i + 1 < n && (s[i] == '.' || s[i] == '\'') && WORD_LOWER[s[i + 1]]) {
                low[len++] = (char)s[i];
                h = (h ^ s[i]) * 1099511628211ULL;
                i++;
                continue;
            }
            break;
        }
        has_lower[ntokens] = (unsigned char)lower;
        if (len == 2 && s[start] == 'U' && s[start + 1] == 'S') {
            tok[ntokens++] = TOKEN_US;
            nus++;
            continue;
        }
        TokSlot *slot = NULL;
        for (Py_ssize_t at = h & self->mask;; at = (at + 1) & self->mask) {
            TokSlot *here = &self->table[at];
            if (here->term == SLOT_EMPTY) break;
            if (here->hash == h && here->len == (uint32_t)len &&
                memcmp(self->arena + here->off, low, len) == 0) {
                slot = here;
                break;
            }
        }
        if (!slot) {
            int empty = 0;
            slot = tc_miss(self, low, len, h, term_fn, &empty);
            if (!slot) {
                if (empty) {
                    self->empty = 1;
                    result = Py_None;
                    Py_INCREF(result);
                }
                goto done;
            }
        }
        if (words && slot->stamp != stamp) {
            PyObject *word = PyUnicode_DecodeASCII(low, len, NULL);
            int failed = !word || PySet_Add(words, word) < 0;
            Py_XDECREF(word);
            if (failed) goto done;
            slot->stamp = stamp;
        }
        tok[ntokens++] = slot->term;
    }

    /* 2. (term, position) pairs in text order: a "US" gets the terms of its context */
    Py_ssize_t maxpairs = ntokens + nus * (US_MAX - 1);
    pair_term = PyMem_Malloc((maxpairs + 1) * sizeof(int32_t));
    pair_pos = PyMem_Malloc((maxpairs + 1) * sizeof(uint32_t));
    if (!pair_term || !pair_pos) { PyErr_NoMemory(); goto done; }
    Py_ssize_t npairs = 0;
    for (Py_ssize_t k = 0; k < ntokens; k++) {
        if (tok[k] != TOKEN_US) {
            pair_term[npairs] = tok[k];
            pair_pos[npairs++] = (uint32_t)k;
            continue;
        }
        int mixed = (k > 0 && has_lower[k - 1]) || (k + 1 < ntokens && has_lower[k + 1]);
        int set = mixed ? 0 : 1;
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(self->us[set]); j++) {
            int32_t id = self->us_ids[set][j];
            TermRec *rec = &self->terms[id];
            if (words && rec->stamp != stamp) {
                if (PySet_Add(words, rec->term) < 0) goto done;
                rec->stamp = stamp;
            }
            pair_term[npairs] = id;
            pair_pos[npairs++] = (uint32_t)k;
        }
    }
    if (npairs == 0) { result = PyLong_FromLong(0); goto done; }

    /* 3. a slot per distinct term, in order of first occurrence; positions by slot (a
       counting sort, so each term's positions stay ascending) */
    uint64_t serial = ++self->serial;
    order = PyMem_Malloc(npairs * sizeof(int32_t));
    slot_of = PyMem_Malloc(npairs * sizeof(Py_ssize_t));
    count = PyMem_Calloc(npairs + 1, sizeof(Py_ssize_t));
    pos = PyMem_Malloc(npairs * sizeof(uint32_t));
    if (!order || !slot_of || !count || !pos) { PyErr_NoMemory(); goto done; }
    Py_ssize_t nslots = 0;
    for (Py_ssize_t k = 0; k < npairs; k++) {
        TermRec *rec = &self->terms[pair_term[k]];
        if (rec->seen != serial) {
            rec->seen = serial;
            rec->slot = nslots;
            order[nslots++] = pair_term[k];
        }
        slot_of[k] = rec->slot;
        count[rec->slot + 1]++;
    }
    for (Py_ssize_t t = 0; t < nslots; t++) count[t + 1] += count[t];
    fill = PyMem_Malloc((nslots + 1) * sizeof(Py_ssize_t));
    if (!fill) { PyErr_NoMemory(); goto done; }
    memcpy(fill, count, (nslots + 1) * sizeof(Py_ssize_t));
    for (Py_ssize_t k = 0; k < npairs; k++) pos[fill[slot_of[k]]++] = pair_pos[k];

    /* 4. one posting per term */
    for (Py_ssize_t t = 0; t < nslots; t++) {
        TermRec *rec = &self->terms[order[t]];
        PyObject *entry = NULL;
        int cached = way >= 0 && way < NWAYS;
        if (cached && rec->owner[way] == owner) entry = rec->entry[way];
        if (!entry) {
            entry = entry_for(terms, rec->term);
            if (!entry) goto done;
            if (cached) {
                rec->owner[way] = owner;
                rec->entry[way] = entry;
            }
        }
        Py_ssize_t npos = count[t + 1] - count[t];
        if (add_posting(entry, rec->term, bounds, docnum, pos + count[t], npos, &value) < 0)
            goto done;
    }
    result = PyLong_FromSsize_t(npairs);
done:
    self->busy = 0;
    PyMem_Free(low);
    PyMem_Free(tok);
    PyMem_Free(has_lower);
    PyMem_Free(pair_term);
    PyMem_Free(pair_pos);
    PyMem_Free(order);
    PyMem_Free(slot_of);
    PyMem_Free(count);
    PyMem_Free(fill);
    PyMem_Free(pos);
    PyMem_Free(value.p);
    return result;
}

/* ---- TokenCache.text_terms: a text's tokens and their terms, for the highlighter ----
 *
 * text_terms(text, term_fn, initials[, wanted]) -> (terms, spans, us[, hits]) | None gives for
 * one ASCII text
 * what indexer.highlight's Python path makes with TOKEN_RE.finditer and its token cache
 * (the reference; tests compare the matches of the two on every real dev cable):
 *   - terms: a list with one item per token (the tokens of index_text), its term from the
 *     cache or term_fn(lowercased token); with `initials` (a str, or None for every token),
 *     a token missing from the cache whose lowercased first character is not in it gets ""
 *     without term_fn being called (its term could not be one looked for). The token
 *     spelled "US" gets the tuple us_mixed when a neighbouring token has a lower-case
 *     letter, else us_caps (the analyzer's US rule), as the very objects given to __init__;
 *   - spans: bytes of native uint32, the (start, end) character offsets of each token;
 *   - us: the numbers of the "US" tokens, ascending;
 *   - with `wanted` (a set of terms), a fourth item: the numbers of the tokens, ascending,
 *     whose term is in it, the "US" tokens left out (their terms are tuples): what the
 *     highlighter's `_indices` finds, without a Python pass over every token.
 * None when the text is not ASCII, a term function ever returned "", or another call is
 * under way (the caller then takes the Python path).
 */
static PyObject *tc_text_terms(TokenCache *self, PyObject *args) {
    PyObject *text, *term_fn, *initials, *wanted = Py_None;
    if (!PyArg_ParseTuple(args, "UOO|O", &text, &term_fn, &initials, &wanted)) return NULL;
    if (!self->table) { PyErr_SetString(PyExc_TypeError, "not initialized"); return NULL; }
    if (wanted != Py_None && !PyAnySet_Check(wanted)) {
        PyErr_SetString(PyExc_TypeError, "wanted must be a set, a frozenset or None");
        return NULL;
    }
    unsigned char first_ok[256];
    int filter = initials != Py_None;
    if (filter) {
        if (!PyUnicode_Check(initials)) {
            PyErr_SetString(PyExc_TypeError, "initials must be a str or None");
            return NULL;
        }
        memset(first_ok, 0, sizeof first_ok);
        Py_ssize_t ni = PyUnicode_GET_LENGTH(initials);
        for (Py_ssize_t k = 0; k < ni; k++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(initials, k);
            if (c < 128) first_ok[c] = 1;
        }
    }
    if (!PyUnicode_IS_ASCII(text) || self->empty || self->busy) Py_RETURN_NONE;
    if (self->used >= self->limit) tc_clear(self);
    const unsigned char *s = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n >= 0x7FFFFFFF) {
        PyErr_SetString(PyExc_ValueError, "text too long");
        return NULL;
    }
    PyObject *result = NULL, *terms = NULL, *us = NULL, *spans = NULL, *hits = NULL;
    PyObject *empty_str = PyUnicode_FromStringAndSize(NULL, 0);
    Py_ssize_t maxtokens = n / 2 + 1;
    char *low = PyMem_Malloc(n + 1);
    unsigned char *has_lower = PyMem_Malloc(maxtokens);
    uint32_t *span = PyMem_Malloc(2 * maxtokens * sizeof(uint32_t));
    self->busy = 1;
    terms = PyList_New(0);
    us = PyList_New(0);
    if (wanted != Py_None && !(hits = PyList_New(0))) goto done;
    if (!empty_str || !terms || !us) goto done;
    if (!low || !has_lower || !span) { PyErr_NoMemory(); goto done; }
    Py_ssize_t ntokens = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = WORD_LOWER[s[i]];
        if (!c) { i++; continue; }
        Py_ssize_t start = i, len = 0;
        int lower = 0;
        uint64_t h = 14695981039346656037ULL;
        for (;;) {
            while (i < n && (c = WORD_LOWER[s[i]])) {
                lower |= s[i] >= 'a' && s[i] <= 'z';
                low[len++] = (char)c;
                h = (h ^ c) * 1099511628211ULL;
                i++;
            }
            if (i + 1 < n && (s[i] == '.' || s[i] == '\'') && WORD_LOWER[s[i + 1]]) {
                low[len++] = (char)s[i];
                h = (h ^ s[i]) * 1099511628211ULL;
                i++;
                continue;
            }
            break;
        }
        has_lower[ntokens] = (unsigned char)lower;
        span[2 * ntokens] = (uint32_t)start;
        span[2 * ntokens + 1] = (uint32_t)i;
        PyObject *term;
        if (len == 2 && s[start] == 'U' && s[start + 1] == 'S') {
            PyObject *number = PyLong_FromSsize_t(ntokens);
            int failed = !number || PyList_Append(us, number) < 0;
            Py_XDECREF(number);
            if (failed) goto done;
            term = Py_None; /* its tuple is set below, once its neighbours are known */
        } else {
            TokSlot *slot = NULL;
            for (Py_ssize_t at = h & self->mask;; at = (at + 1) & self->mask) {
                TokSlot *here = &self->table[at];
                if (here->term == SLOT_EMPTY) break;
                if (here->hash == h && here->len == (uint32_t)len &&
                    memcmp(self->arena + here->off, low, len) == 0) {
                    slot = here;
                    break;
                }
            }
            if (!slot && filter && !first_ok[(unsigned char)low[0]]) {
                term = empty_str;
            } else {
                if (!slot) {
                    int empty = 0;
                    slot = tc_miss(self, low, len, h, term_fn, &empty);
                    if (!slot) {
                        if (empty) {
                            self->empty = 1;
                            result = Py_None;
                            Py_INCREF(result);
                        }
                        goto done;
                    }
                }
                term = self->terms[slot->term].term;
                if (hits) {
                    int in = PySet_Contains(wanted, term);
                    if (in < 0) goto done;
                    if (in) {
                        PyObject *number = PyLong_FromSsize_t(ntokens);
                        int failed = !number || PyList_Append(hits, number) < 0;
                        Py_XDECREF(number);
                        if (failed) goto done;
                    }
                }
            }
        }
        if (PyList_Append(terms, term) < 0) goto done;
        ntokens++;
    }
    Py_ssize_t nus = PyList_GET_SIZE(us);
    for (Py_ssize_t j = 0; j < nus; j++) {
        Py_ssize_t k = PyLong_AsSsize_t(PyList_GET_ITEM(us, j));
        int mixed = (k > 0 && has_lower[k - 1]) || (k + 1 < ntokens && has_lower[k + 1]);
        PyObject *set = self->us[mixed ? 0 : 1];
        Py_INCREF(set);
        PyList_SetItem(terms, k, set); /* steals the reference, drops None's */
    }
    spans = PyBytes_FromStringAndSize((const char *)span, 2 * ntokens * sizeof(uint32_t));
    if (!spans) goto done;
    result = hits ? PyTuple_Pack(4, terms, spans, us, hits) : PyTuple_Pack(3, terms, spans, us);
done:
    self->busy = 0;
    Py_XDECREF(hits);
    Py_XDECREF(empty_str);
    Py_XDECREF(terms);
    Py_XDECREF(us);
    Py_XDECREF(spans);
    PyMem_Free(low);
    PyMem_Free(has_lower);
    PyMem_Free(span);
    return result;
}

static PyObject *tc_len(TokenCache *self, PyObject *unused) {
    return PyLong_FromSsize_t(self->used);
}

static PyMethodDef tc_methods[] = {
    {"index_text", (PyCFunction)tc_index_text, METH_VARARGS,
     "index_text(text, term_fn, terms, bounds, owner, way, docnum, words, stamp) -> int | None"
     "\n\nTokenizes, looks up and adds one ASCII text's postings (see indexer/_speedups.c)."},
    {"text_terms", (PyCFunction)tc_text_terms, METH_VARARGS,
     "text_terms(text, term_fn, initials[, wanted]) -> (terms, spans, us[, hits]) | None\n\n"
     "One ASCII text's tokens: their terms, offsets and US tokens (see indexer/_speedups.c)."},
    {"tokens", (PyCFunction)tc_len, METH_NOARGS, "tokens() -> number of cached tokens"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TokenCacheType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "indexer._speedups.TokenCache",
    .tp_basicsize = sizeof(TokenCache),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "TokenCache(us_mixed, us_caps, limit=500000): lowercased token -> term, for "
              "index_text",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)tc_init,
    .tp_dealloc = (destructor)tc_dealloc,
    .tp_methods = tc_methods,
};


/* decode_positions(buf, starts, ends) -> (counts, positions)
 *
 * The positions of the values buf[starts[i]:ends[i]], each the varints of a posting's
 * position deltas (the first from 0: indexer/blockcodec.py). starts and ends are buffers of
 * native int64; the results are bytes of native int64: the number of positions of each
 * value, and all positions, value after value. ValueError when a range is out of the buffer
 * or does not end a varint where it ends.
 */
static PyObject *decode_positions(PyObject *self, PyObject *args) {
    Py_buffer buf, starts, ends;
    if (!PyArg_ParseTuple(args, "y*y*y*", &buf, &starts, &ends)) return NULL;
    PyObject *result = NULL, *counts = NULL, *out = NULL;
    Py_ssize_t nvalues = starts.len / 8, total = 0;
    if (starts.len % 8 || ends.len != starts.len) {
        PyErr_SetString(PyExc_ValueError, "starts and ends must be int64 buffers of one size");
        goto done;
    }
    const int64_t *a = starts.buf, *z = ends.buf;
    const unsigned char *data = buf.buf;
    /* first pass: the counts (a varint ends at each byte below 0x80), checked bounds */
    counts = PyBytes_FromStringAndSize(NULL, nvalues * 8);
    if (!counts) goto done;
    int64_t *count = (int64_t *)PyBytes_AS_STRING(counts);
    for (Py_ssize_t i = 0; i < nvalues; i++) {
        if (a[i] < 0 || z[i] > buf.len || z[i] < a[i]) goto bad;
        if (z[i] > a[i] && data[z[i] - 1] >= 0x80) goto bad;
        int64_t c = 0;
        for (int64_t k = a[i]; k < z[i]; k++) c += data[k] < 0x80;
        count[i] = c;
        total += c;
    }
    out = PyBytes_FromStringAndSize(NULL, total * 8);
    if (!out) goto done;
    int64_t *pos = (int64_t *)PyBytes_AS_STRING(out);
    for (Py_ssize_t i = 0; i < nvalues; i++) {
        const unsigned char *v = data + a[i], *end = data + z[i];
        int64_t at = 0;
        while (v < end) {
            uint64_t delta = 0;
            int shift = 0;
            for (;;) {
                unsigned char byte = *v++;
                delta |= (uint64_t)(byte & 0x7F) << shift;
                if (byte < 0x80) break;
                shift += 7;
                if (shift > 28) goto bad;
            }
            at += (int64_t)delta;
            *pos++ = at;
        }
    }
    result = PyTuple_Pack(2, counts, out);
    goto done;
bad:
    PyErr_SetString(PyExc_ValueError, "not the varints of posting positions");
done:
    Py_XDECREF(counts);
    Py_XDECREF(out);
    PyBuffer_Release(&buf);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&ends);
    return result;
}


/*
 * read_blocks(blob, pos, values) -> (ids, weights, positions, starts, ends) or None
 *
 * One term's posting list in compact blocks (indexer/blockcodec.py, in the envelope of
 * whoosh_private.compact_block), read in two passes (layouts and counts, then the arrays):
 * ids as int64 bytes (each block's deltas summed), weights as float64 bytes, and with
 * `values` true the blob itself with each posting's start and end offset of its position
 * varints in it (int64 bytes; else three None): the positions are not copied.
 * `pos` is the offset of the first block's length. None when any block is not a compact
 * block that decodes (the caller then reads it the slow way or refuses it), never a guess.
 * Same results as the Python loop of indexer/postings.py.
 */
static const unsigned char *find_bytes(const unsigned char *hay, Py_ssize_t n,
                                       const char *needle, Py_ssize_t m) {
    for (Py_ssize_t i = 0; i + m <= n; i++) {
        if (hay[i] == (unsigned char)needle[0] && memcmp(hay + i, needle, m) == 0) return hay + i;
    }
    return NULL;
}

/* the varint at *at (below end) into *v; 0 when it runs past end or 5 bytes */
static int get_varint(const unsigned char *b, Py_ssize_t *at, Py_ssize_t end, uint64_t *v) {
    uint64_t value = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
        if (*at >= end) return 0;
        unsigned char byte = b[(*at)++];
        value |= (uint64_t)(byte & 0x7F) << shift;
        if (byte < 0x80) { *v = value; return 1; }
    }
    return 0;
}

static float get_le_float(const unsigned char *q) {
    uint32_t u = (uint32_t)q[0] | ((uint32_t)q[1] << 8) | ((uint32_t)q[2] << 16) |
                 ((uint32_t)q[3] << 24);
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* the W3 block whose int32 length is at pos: its length (negative for a term's last block)
 * and where it ends; 0 when that runs out of the list */
static int w3_block_at(const unsigned char *b, Py_ssize_t len, Py_ssize_t pos,
                       int32_t *blocklength, Py_ssize_t *end) {
    if (pos < 0 || pos + 4 > len) return 0;
    *blocklength = (int32_t)(((uint32_t)b[pos] << 24) | ((uint32_t)b[pos + 1] << 16) |
                             ((uint32_t)b[pos + 2] << 8) | (uint32_t)b[pos + 3]);
    *end = pos + 4 + (*blocklength < 0 ? -(Py_ssize_t)*blocklength : *blocklength);
    return *end <= len;
}

/* one compact block's layout, from its length on (read_blocks' first and second pass) */
typedef struct {
    int32_t blocklength;  /* negative for the last block */
    Py_ssize_t end, stop, n, mode, weights_at, ids_at, counts_at, positions_at;
} CompactBlock;

/* the block whose length is at pos; 0 when it is not a compact block that can decode */
static int compact_block(const unsigned char *b, Py_ssize_t len, Py_ssize_t pos,
                         CompactBlock *out) {
    const Py_ssize_t head_len = sizeof(BLOCK_HEAD) - 1;
    int32_t blocklength;
    Py_ssize_t end;
    if (!w3_block_at(b, len, pos, &blocklength, &end)) return 0;
    pos += 4;
    const unsigned char *data = find_bytes(b + pos, end - pos, BLOCK_HEAD, head_len);
    if (!data) return 0;
    Py_ssize_t at = (data - b) + head_len, stop = end - 3;
    if (at + 2 > stop || memcmp(b + stop, "\x85R.", 3) != 0) return 0;
    Py_ssize_t size;
    if (b[at] == 'C') { size = b[at + 1]; at += 2; }
    else if (b[at] == 'B' && at + 5 <= stop) {
        size = (Py_ssize_t)((uint32_t)b[at + 1] | ((uint32_t)b[at + 2] << 8) |
                            ((uint32_t)b[at + 3] << 16) | ((uint32_t)b[at + 4] << 24));
        at += 5;
    } else return 0;
    if (at + size != stop) return 0;
    uint64_t n, mode, ids_size, counts_size;
    if (!get_varint(b, &at, stop, &n) || !get_varint(b, &at, stop, &mode) ||
        !get_varint(b, &at, stop, &ids_size) || !get_varint(b, &at, stop, &counts_size))
        return 0;
    if (n < 1 || n > 1 << 20 || mode > 3) return 0;
    Py_ssize_t wsize = mode == 0 ? 0 : mode == 1 ? 8 : mode == 2 ? 4 : 4 * (Py_ssize_t)n;
    if (ids_size > (uint64_t)len || counts_size > (uint64_t)len) return 0;
    out->blocklength = blocklength;
    out->end = end;
    out->stop = stop;
    out->n = (Py_ssize_t)n;
    out->mode = (Py_ssize_t)mode;
    out->weights_at = at;
    out->ids_at = at + wsize;
    out->counts_at = out->ids_at + (Py_ssize_t)ids_size;
    out->positions_at = out->counts_at + (Py_ssize_t)counts_size;
    return out->positions_at <= stop;
}

static PyObject *read_blocks(PyObject *self, PyObject *args) {
    PyObject *blob;
    Py_ssize_t first;
    int want_values;
    if (!PyArg_ParseTuple(args, "Onp", &blob, &first, &want_values)) return NULL;
    Py_buffer buf;
    if (PyObject_GetBuffer(blob, &buf, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *b = buf.buf;
    const Py_ssize_t len = buf.len;
    PyObject *ids = NULL, *weights = NULL, *starts = NULL, *ends = NULL, *result = NULL;
    int64_t *counts = NULL;
    Py_ssize_t counts_cap = 0;
    CompactBlock blk;
    /* first pass: every block's layout checked, the postings counted (the outputs are then
     * made at their size once: no growing, no copy at the end) */
    Py_ssize_t total = 0, pos = first;
    for (;;) {
        if (!compact_block(b, len, pos, &blk)) goto unknown;
        total += blk.n;
        if (blk.blocklength < 0) break;
        pos = blk.end;
    }
    ids = PyBytes_FromStringAndSize(NULL, total * 8);
    weights = PyBytes_FromStringAndSize(NULL, total * 8);
    if (!ids || !weights) goto fail;
    if (want_values) {
        starts = PyBytes_FromStringAndSize(NULL, total * 8);
        ends = PyBytes_FromStringAndSize(NULL, total * 8);
        if (!starts || !ends) goto fail;
    }
    int64_t *id_out = (int64_t *)PyBytes_AS_STRING(ids);
    double *w_out = (double *)PyBytes_AS_STRING(weights);
    int64_t *s_out = want_values ? (int64_t *)PyBytes_AS_STRING(starts) : NULL;
    int64_t *e_out = want_values ? (int64_t *)PyBytes_AS_STRING(ends) : NULL;
    pos = first;
    for (;;) {
        compact_block(b, len, pos, &blk);  /* (checked in the first pass) */
        Py_ssize_t n = blk.n, stop = blk.stop;
        if (n > counts_cap) {
            int64_t *grown = PyMem_Realloc(counts, n * sizeof(int64_t));
            if (!grown) { PyErr_NoMemory(); goto fail; }
            counts = grown;
            counts_cap = n;
        }
        Py_ssize_t q = blk.ids_at, r = blk.counts_at;
        int64_t sum = 0;
        for (Py_ssize_t k = 0; k < n; k++) {
            uint64_t delta, count;
            if (!get_varint(b, &q, blk.counts_at, &delta) ||
                !get_varint(b, &r, blk.positions_at, &count))
                goto unknown;
            if (count < 1) goto unknown;
            sum += (int64_t)delta;
            id_out[k] = sum;
            counts[k] = (int64_t)count;
        }
        if (q != blk.counts_at || r != blk.positions_at) goto unknown;
        Py_ssize_t wa = blk.weights_at;
        if (blk.mode == 0) {
            for (Py_ssize_t k = 0; k < n; k++) w_out[k] = 1.0;
        } else if (blk.mode == 1) {
            uint64_t u = 0;
            for (int k = 7; k >= 0; k--) u = (u << 8) | b[wa + k];
            double factor;
            memcpy(&factor, &u, 8);
            for (Py_ssize_t k = 0; k < n; k++)
                w_out[k] = (double)(float)((double)counts[k] * factor);
        } else if (blk.mode == 2) {
            double w = (double)get_le_float(b + wa);
            for (Py_ssize_t k = 0; k < n; k++) w_out[k] = w;
        } else {
            for (Py_ssize_t k = 0; k < n; k++) w_out[k] = (double)get_le_float(b + wa + 4 * k);
        }
        if (want_values) {
            /* each posting's positions where they lie in the blob: past counts[k] varints,
             * i.e. as many bytes below 0x80 (each ends one); a varint too long for 32 bits
             * is refused where positions are decoded */
            Py_ssize_t v = blk.positions_at;
            for (Py_ssize_t k = 0; k < n; k++) {
                s_out[k] = v;
                int64_t c = counts[k];
                while (c > 0 && v < stop) c -= b[v++] < 0x80;
                if (c) goto unknown;
                e_out[k] = v;
            }
            if (v != stop) goto unknown;
            s_out += n;
            e_out += n;
        }
        id_out += n;
        w_out += n;
        if (blk.blocklength < 0) break; /* the last block */
        pos = blk.end;
    }
    if (want_values)
        result = PyTuple_Pack(5, ids, weights, blob, starts, ends);
    else
        result = PyTuple_Pack(5, ids, weights, Py_None, Py_None, Py_None);
    goto done;
unknown:
    Py_INCREF(Py_None);
    result = Py_None;
    goto done;
fail:
    result = NULL;
done:
    Py_XDECREF(ids);
    Py_XDECREF(weights);
    Py_XDECREF(starts);
    Py_XDECREF(ends);
    PyMem_Free(counts);
    PyBuffer_Release(&buf);
    return result;
}

/*
 * phrase_match(candidates, slots, slop) -> bytes
 *
 * Which candidate documents hold a phrase, as indexer/phrases.py's `placed` decides it, in
 * one pass per candidate without building any array of keys. `candidates`: ascending
 * segment-local ids (int64 buffer), each held by at least one term of every slot. `slots`:
 * one list per phrase position, in phrase order, of the terms standing there, each a tuple
 * (ids, values, starts, ends): its ascending ids (int64), the varints of its postings'
 * position deltas, and each posting's start and end offset in them (int64). A position p of
 * slot k counts as p + (len(slots) - k): the phrase stands exactly where every slot holds one
 * same value, and within `slop` (> 0) where one value of every slot lies in a window
 * [v, v + slop] that starts at one of them. The result holds one byte per candidate, 1 where
 * it holds the phrase. ValueError on a range out of its buffer or varints that do not end.
 */
typedef struct {
    const int64_t *ids, *starts, *ends;
    const unsigned char *values;
    Py_ssize_t n, values_len, at;  /* at: the cursor over ids (candidates come ascending) */
} PhraseTerm;

typedef struct {
    int64_t *v;
    Py_ssize_t len, cap;
} Ints64;

static int ints_reserve(Ints64 *b, Py_ssize_t extra) {
    if (b->len + extra <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra) cap *= 2;
    int64_t *v = PyMem_Realloc(b->v, cap * sizeof(int64_t));
    if (!v) { PyErr_NoMemory(); return -1; }
    b->v = v;
    b->cap = cap;
    return 0;
}

/* appends term t's positions in document `doc` (+ shift) to out; -1 on bad data */
static int phrase_positions(PhraseTerm *t, int64_t doc, int64_t shift, Ints64 *out) {
    while (t->at < t->n && t->ids[t->at] < doc) t->at++;
    if (t->at >= t->n || t->ids[t->at] != doc) return 0;
    int64_t a = t->starts[t->at], z = t->ends[t->at];
    if (a < 0 || z > t->values_len || z < a) return -1;
    if (ints_reserve(out, z - a) < 0) return -2;
    const unsigned char *v = t->values + a, *end = t->values + z;
    int64_t pos = shift, *w = out->v + out->len;  /* (locals: no reload of out per value) */
    while (v < end) {
        unsigned char byte = *v++;
        if (byte < 0x80) {  /* most deltas fit one byte */
            pos += byte;
            *w++ = pos;
            continue;
        }
        uint64_t delta = byte & 0x7F;
        int bits = 7;
        for (;;) {
            if (v >= end || bits > 28) return -1;
            byte = *v++;
            delta |= (uint64_t)(byte & 0x7F) << bits;
            if (byte < 0x80) break;
            bits += 7;
        }
        pos += (int64_t)delta;
        *w++ = pos;
    }
    out->len = w - out->v;
    return 0;
}

static int cmp_int64(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

/* one slot's values in document `doc`: every term's positions, ascending without repeats */
static int slot_values(PhraseTerm *terms, Py_ssize_t nterms, int64_t doc, int64_t shift,
                       Ints64 *out) {
    out->len = 0;
    for (Py_ssize_t j = 0; j < nterms; j++) {
        int rc = phrase_positions(&terms[j], doc, shift, out);
        if (rc < 0) return rc;
    }
    if (nterms > 1 && out->len > 1) {
        qsort(out->v, out->len, sizeof(int64_t), cmp_int64);
        Py_ssize_t w = 1;
        for (Py_ssize_t i = 1; i < out->len; i++)
            if (out->v[i] != out->v[w - 1]) out->v[w++] = out->v[i];
        out->len = w;
    }
    return 0;
}

/* the first index of sorted v[0:n] holding a value >= x */
static Py_ssize_t lower_bound64(const int64_t *v, Py_ssize_t n, int64_t x) {
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static PyObject *phrase_match(PyObject *self, PyObject *args) {
    Py_buffer cands;
    PyObject *slots;
    long long slop;
    if (!PyArg_ParseTuple(args, "y*O!L", &cands, &PyList_Type, &slots, &slop)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t nslots = PyList_GET_SIZE(slots), nterms = 0, ncands = cands.len / 8;
    Py_buffer *views = NULL;
    Py_ssize_t nviews = 0;
    PhraseTerm *terms = NULL;
    Py_ssize_t *first = PyMem_Calloc(nslots + 1, sizeof(Py_ssize_t));
    Ints64 *sets = PyMem_Calloc(nslots ? nslots : 1, sizeof(Ints64));
    Ints64 scratch = {0};
    if (!first || !sets) { PyErr_NoMemory(); goto done; }
    if (cands.len % 8) {
        PyErr_SetString(PyExc_ValueError, "candidates must be an int64 buffer");
        goto done;
    }
    for (Py_ssize_t k = 0; k < nslots; k++) {
        PyObject *slot = PyList_GET_ITEM(slots, k);
        if (!PyList_Check(slot) || PyList_GET_SIZE(slot) == 0) {
            PyErr_SetString(PyExc_TypeError, "every slot must be a non-empty list of terms");
            goto done;
        }
        nterms += PyList_GET_SIZE(slot);
    }
    views = PyMem_Calloc(nterms * 4 + 1, sizeof(Py_buffer));
    terms = PyMem_Calloc(nterms + 1, sizeof(PhraseTerm));
    if (!views || !terms) { PyErr_NoMemory(); goto done; }
    Py_ssize_t t = 0;
    for (Py_ssize_t k = 0; k < nslots; k++) {
        PyObject *slot = PyList_GET_ITEM(slots, k);
        first[k] = t;
        for (Py_ssize_t j = 0; j < PyList_GET_SIZE(slot); j++, t++) {
            Py_buffer *b = views + nviews;
            if (!PyArg_ParseTuple(PyList_GET_ITEM(slot, j), "y*y*y*y*", b, b + 1, b + 2, b + 3))
                goto done;
            nviews += 4;
            if (b[0].len % 8 || b[2].len != b[0].len || b[3].len != b[0].len) {
                PyErr_SetString(PyExc_ValueError, "ids, starts and ends: int64 buffers of one size");
                goto done;
            }
            terms[t] = (PhraseTerm){b[0].buf, b[2].buf, b[3].buf, b[1].buf, b[0].len / 8,
                                    b[1].len, 0};
        }
    }
    first[nslots] = t;
    result = PyBytes_FromStringAndSize(NULL, ncands);
    if (!result) goto done;
    char *hit = PyBytes_AS_STRING(result);
    memset(hit, 0, ncands);
    const int64_t *cand = cands.buf;
    int rc = 0;
    for (Py_ssize_t i = 0; i < ncands && nslots; i++) {
        int64_t doc = cand[i];
        if (slop <= 0) {
            /* exact: the values all slots share, slot after slot, stopping when none are left */
            Ints64 *cur = &sets[0];
            rc = slot_values(terms + first[0], first[1] - first[0], doc, nslots, cur);
            for (Py_ssize_t k = 1; k < nslots && rc == 0 && cur->len; k++) {
                rc = slot_values(terms + first[k], first[k + 1] - first[k], doc, nslots - k,
                                 &scratch);
                Py_ssize_t a = 0, b = 0, w = 0;
                while (a < cur->len && b < scratch.len) {
                    if (cur->v[a] < scratch.v[b]) a++;
                    else if (cur->v[a] > scratch.v[b]) b++;
                    else { cur->v[w++] = cur->v[a]; a++; b++; }
                }
                cur->len = w;
            }
            if (rc < 0) break;
            hit[i] = cur->len > 0;
        } else {
            int empty = 0;
            for (Py_ssize_t k = 0; k < nslots && rc == 0; k++) {
                rc = slot_values(terms + first[k], first[k + 1] - first[k], doc, nslots - k,
                                 &sets[k]);
                empty |= sets[k].len == 0;
            }
            if (rc < 0) break;
            if (empty) continue;
            /* a window [v, v + slop] starting at a value v of any slot, holding one of each */
            for (Py_ssize_t k = 0; k < nslots && !hit[i]; k++) {
                for (Py_ssize_t m = 0; m < sets[k].len && !hit[i]; m++) {
                    int64_t v = sets[k].v[m];
                    int ok = 1;
                    for (Py_ssize_t o = 0; o < nslots && ok; o++) {
                        Py_ssize_t at = lower_bound64(sets[o].v, sets[o].len, v);
                        ok = at < sets[o].len && sets[o].v[at] <= v + slop;
                    }
                    hit[i] = (char)ok;
                }
            }
        }
    }
    if (rc < 0) {
        if (rc == -1) PyErr_SetString(PyExc_ValueError, "not the varints of posting positions");
        Py_CLEAR(result);
    }
done:
    for (Py_ssize_t k = 0; k < nviews; k++) PyBuffer_Release(&views[k]);
    if (sets) for (Py_ssize_t k = 0; k < nslots; k++) PyMem_Free(sets[k].v);
    PyMem_Free(scratch.v);
    PyMem_Free(sets);
    PyMem_Free(first);
    PyMem_Free(terms);
    PyMem_Free(views);
    PyBuffer_Release(&cands);
    return result;
}

/*
 * tally_codes(mask, codes, size) -> bytes
 * tally_tags(mask, starts, codes, size, code_bytes, docs) -> bytes
 *
 * A facet's counts over the documents of a mask (one byte per document, nonzero for a
 * member), as indexer/facets.py's `_tally` counts them with numpy. tally_codes: a
 * single-valued facet, `codes` one int16 or int32 per document (told apart by their
 * length; -1 without a value); the result is
 * size + 1 int64 counts, bin 0 for the documents without a value, bin c + 1 for code c.
 * tally_tags: a many-valued facet, document d's codes at codes[starts[d]:starts[d + 1]]
 * (starts int32; codes uint16 when code_bytes is 2, int32 when 4: the facet's documents are
 * scattered over the index, so the smaller its arrays the more of them stay in the CPU's
 * cache between searches; `docs` the document of each entry, int32); the result is size
 * int64 counts. ValueError on a code outside 0..size-1, a document range outside the
 * codes or an entry's document outside the mask.
 */
/* eight documents at a time, skipped together when none is in the mask; four histograms,
 * one per document modulo 4, added up at the end: consecutive documents mostly share a
 * value (a facet has few), and one histogram would chain every increment on the one before
 * it (a store-to-load dependency); four let them overlap. Codes are checked only in the
 * groups read: a code out of range is refused when its group holds a member. */
#define TALLY_LANES 4
#define TALLY_CODES_LOOP(CODE_T)                                                        \
    do {                                                                                \
        const CODE_T *c = codes.buf;                                                    \
        Py_ssize_t d = 0;                                                               \
        for (; d + 8 <= mask.len; d += 8) {                                             \
            uint64_t word;                                                              \
            memcpy(&word, m + d, 8);                                                    \
            if (!word) continue; /* eight documents outside the mask */                 \
            for (int l = 0; l < 8; l++) {                                               \
                uint64_t bin = (uint64_t)((int64_t)c[d + l] + 1);                       \
                if (bin > (uint64_t)size) goto bad;                                     \
                lanes[(l & (TALLY_LANES - 1)) * width + bin] += m[d + l] != 0;          \
            }                                                                           \
        }                                                                               \
        for (; d < mask.len; d++) {                                                     \
            uint64_t bin = (uint64_t)((int64_t)c[d] + 1);                               \
            if (bin > (uint64_t)size) goto bad;                                         \
            lanes[bin] += m[d] != 0;                                                    \
        }                                                                               \
    } while (0)

static PyObject *tally_codes(PyObject *self, PyObject *args) {
    Py_buffer mask, codes;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "y*y*n", &mask, &codes, &size)) return NULL;
    PyObject *result = NULL;
    int64_t *lanes = NULL;
    if (size < 0 || (codes.len != mask.len * 4 && codes.len != mask.len * 2)) {
        PyErr_SetString(PyExc_ValueError,
                        "codes must be one int32 or one int16 a document of the mask");
        goto done;
    }
    Py_ssize_t width = size + 1;
    lanes = PyMem_Calloc(TALLY_LANES * width, sizeof(int64_t));
    if (!lanes) { PyErr_NoMemory(); goto done; }
    const unsigned char *m = mask.buf;
    /* no branch per document (a search's matches are scattered: a mispredicted branch
     * per document cost 3x at a quarter of the index), one per group of eight */
    if (codes.len == mask.len * 2) TALLY_CODES_LOOP(int16_t);
    else TALLY_CODES_LOOP(int32_t);
    result = PyBytes_FromStringAndSize(NULL, width * 8);
    if (!result) goto done;
    int64_t *count = (int64_t *)PyBytes_AS_STRING(result);
    for (Py_ssize_t k = 0; k < width; k++) {
        int64_t total = 0;
        for (int l = 0; l < TALLY_LANES; l++) total += lanes[l * width + k];
        count[k] = total;
    }
    goto done;
bad:
    PyErr_SetString(PyExc_ValueError, "a facet code out of its values");
done:
    PyMem_Free(lanes);
    PyBuffer_Release(&mask);
    PyBuffer_Release(&codes);
    return result;
}

/* tally_tags: eight documents at a time as well, skipped together when none is in the
 * mask; a group holding a member is counted entry by entry, codes[at[d]:at[d + 8]], each
 * entry adding whether its document (docs[k], one int32 an entry) is a member, into one of
 * four histograms by entry: no branch per document or per entry (a member test per
 * document and a loop over its few tags mispredicted about twice a document: 2 ms at 40%
 * of the index, 1.3 ms now). A group of one or two members (TALLY_FEW: a sparse mask)
 * counts its members' entries only. */
#define TALLY_FEW 2
/* member document e's entries, into the first histogram (its range and codes checked) */
#define TALLY_MEMBER(e)                                                                 \
    do {                                                                                \
        if (at[e] < 0 || at[e + 1] > ncodes || at[e + 1] < at[e]) goto bad;             \
        for (int32_t k = at[e]; k < at[e + 1]; k++) {                                   \
            if ((int64_t)c[k] < 0 || (int64_t)c[k] >= size) goto bad;                   \
            lanes[c[k]]++;                                                              \
        }                                                                               \
    } while (0)
#define TALLY_TAGS_LOOP(CODE_T)                                                         \
    do {                                                                                \
        const CODE_T *c = codes.buf;                                                    \
        Py_ssize_t d = 0;                                                               \
        for (; d + 8 <= mask.len; d += 8) {                                             \
            uint64_t word;                                                              \
            memcpy(&word, m + d, 8);                                                    \
            if (!word) continue; /* eight documents outside the mask */                 \
            uint64_t bits = word | word >> 4;                                           \
            bits |= bits >> 2;                                                          \
            bits = (bits | bits >> 1) & 0x0101010101010101u;                            \
            if ((bits * 0x0101010101010101u) >> 56 <= TALLY_FEW) {                      \
                /* one or two members: their own entries (a sparse mask) */             \
                for (Py_ssize_t e = d; e < d + 8; e++)                                  \
                    if (m[e]) TALLY_MEMBER(e);                                          \
                continue;                                                               \
            }                                                                           \
            int32_t first = at[d], last = at[d + 8];                                    \
            if (first < 0 || last > ncodes || last < first) goto bad;                   \
            for (int32_t k = first; k < last; k++) {                                    \
                uint64_t code = (uint64_t)(int64_t)c[k];                                \
                uint64_t doc = (uint64_t)(int64_t)docs_of[k];                           \
                if (code >= (uint64_t)size || doc >= (uint64_t)mask.len) goto bad;      \
                lanes[(k & (TALLY_LANES - 1)) * size + code] += m[doc] != 0;            \
            }                                                                           \
        }                                                                               \
        for (; d < mask.len; d++)                                                       \
            if (m[d]) TALLY_MEMBER(d); /* the last documents, fewer than eight */       \
    } while (0)

static PyObject *tally_tags(PyObject *self, PyObject *args) {
    Py_buffer mask, starts, codes, docs;
    Py_ssize_t size;
    int code_bytes;
    if (!PyArg_ParseTuple(args, "y*y*y*niy*", &mask, &starts, &codes, &size, &code_bytes,
                          &docs))
        return NULL;
    PyObject *result = NULL;
    int64_t *lanes = NULL;
    if (code_bytes != 2 && code_bytes != 4) {
        PyErr_SetString(PyExc_ValueError, "code_bytes must be 2 (uint16) or 4 (int32)");
        goto done;
    }
    Py_ssize_t ncodes = codes.len / code_bytes;
    if (size < 0 || starts.len != (mask.len + 1) * 4 || codes.len % code_bytes) {
        PyErr_SetString(PyExc_ValueError, "starts: one int32 a document and one more");
        goto done;
    }
    if (docs.len != ncodes * 4) {
        PyErr_SetString(PyExc_ValueError, "docs: one int32 an entry of codes");
        goto done;
    }
    lanes = PyMem_Calloc(TALLY_LANES * (size ? size : 1), sizeof(int64_t));
    if (!lanes) { PyErr_NoMemory(); goto done; }
    const unsigned char *m = mask.buf;
    const int32_t *at = starts.buf;
    const int32_t *docs_of = docs.buf;
    if (code_bytes == 2) TALLY_TAGS_LOOP(uint16_t);
    else TALLY_TAGS_LOOP(int32_t);
    result = PyBytes_FromStringAndSize(NULL, size * 8);
    if (!result) goto done;
    int64_t *count = (int64_t *)PyBytes_AS_STRING(result);
    for (Py_ssize_t k = 0; k < size; k++) {
        int64_t total = 0;
        for (int l = 0; l < TALLY_LANES; l++) total += lanes[l * size + k];
        count[k] = total;
    }
    goto done;
bad:
    PyErr_SetString(PyExc_ValueError, "a facet code or range out of its values");
done:
    PyMem_Free(lanes);
    PyBuffer_Release(&mask);
    PyBuffer_Release(&starts);
    PyBuffer_Release(&codes);
    PyBuffer_Release(&docs);
    return result;
}

/*
 * read_pickled_blocks(blob, pos) -> (ids, weights) or None
 *
 * One term's posting list in Whoosh's own W3 blocks (each: its int32 length, the pickle of
 * its info tuple, the pickle of its data tuple, zlib-compressed when the info says so), ids
 * and weights only, as indexer/postings.py's `_read_pickled` reads them with pickle: ids as
 * int64 bytes (each block's id deltas summed from 0), weights as float64 bytes (None: 1.0
 * each; one float: that float32 for all; else one each). The pickles are read by a small
 * reader of the opcodes these tuples use (ints, floats, None, bytes, tuples, memo and frame
 * markers); anything else, or a tuple not of the expected shape, answers None and the
 * caller reads the list with pickle.
 */
typedef struct {
    char kind;  /* 'i' int, 'f' float, 'n' None, 'b' bytes, 't' tuple */
    int64_t i;
    double f;
    Py_ssize_t start, len;  /* a tuple's items: flat[start:start + len] */
} PickleValue;

typedef struct {
    PickleValue *v;
    Py_ssize_t len, cap;
} PickleValues;

static int pv_push(PickleValues *a, PickleValue x) {
    if (a->len == a->cap) {
        Py_ssize_t cap = a->cap ? a->cap * 2 : 256;
        PickleValue *v = PyMem_Realloc(a->v, cap * sizeof(PickleValue));
        if (!v) { PyErr_NoMemory(); return -1; }
        a->v = v;
        a->cap = cap;
    }
    a->v[a->len++] = x;
    return 0;
}

/* the pickle at b[*at:end] into *out (its items in flat); 1 read, 0 unknown, -1 error */
static int mini_unpickle(const unsigned char *b, Py_ssize_t *at, Py_ssize_t end,
                         PickleValues *stack, PickleValues *flat, PickleValue *out) {
    Py_ssize_t marks[8], nmarks = 0, p = *at;
    stack->len = 0;
    flat->len = 0;
#define NEED(n) do { if (p + (Py_ssize_t)(n) > end) return 0; } while (0)
    for (;;) {
        NEED(1);
        unsigned char op = b[p++];
        PickleValue x = {0};
        Py_ssize_t n = 0;
        switch (op) {
        case 0x80: NEED(1); p += 1; continue;                 /* PROTO */
        case 0x95: NEED(8); p += 8; continue;                 /* FRAME */
        case 0x94: continue;                                  /* MEMOIZE */
        case 'q': NEED(1); p += 1; continue;                  /* BINPUT */
        case 'r': NEED(4); p += 4; continue;                  /* LONG_BINPUT */
        case '(':                                             /* MARK */
            if (nmarks == 8) return 0;
            marks[nmarks++] = stack->len;
            continue;
        case 'K': NEED(1); x.kind = 'i'; x.i = b[p]; p += 1; break;
        case 'M': NEED(2); x.kind = 'i'; x.i = b[p] | (b[p + 1] << 8); p += 2; break;
        case 'J': {
            NEED(4);
            uint32_t u = (uint32_t)b[p] | ((uint32_t)b[p + 1] << 8) |
                         ((uint32_t)b[p + 2] << 16) | ((uint32_t)b[p + 3] << 24);
            x.kind = 'i';
            x.i = (int32_t)u;
            p += 4;
            break;
        }
        case 'G': {
            NEED(8);
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) u = (u << 8) | b[p + k];
            x.kind = 'f';
            memcpy(&x.f, &u, 8);
            p += 8;
            break;
        }
        case 'N': x.kind = 'n'; break;
        case 'C': NEED(1); n = b[p]; p += 1; NEED(n); p += n; x.kind = 'b'; break;
        case 'B': {
            NEED(4);
            n = (Py_ssize_t)((uint32_t)b[p] | ((uint32_t)b[p + 1] << 8) |
                             ((uint32_t)b[p + 2] << 16) | ((uint32_t)b[p + 3] << 24));
            p += 4;
            NEED(n);
            p += n;
            x.kind = 'b';
            break;
        }
        case ')': x.kind = 't'; x.start = flat->len; x.len = 0; break;
        case 't': case 0x85: case 0x86: case 0x87: {          /* TUPLE, TUPLE1-3 */
            Py_ssize_t first;
            if (op == 't') {
                if (!nmarks) return 0;
                first = marks[--nmarks];
            } else {
                first = stack->len - (op - 0x84);
                if (first < (nmarks ? marks[nmarks - 1] : 0)) return 0;
            }
            x.kind = 't';
            x.start = flat->len;
            x.len = stack->len - first;
            for (Py_ssize_t k = first; k < stack->len; k++)
                if (pv_push(flat, stack->v[k]) < 0) return -1;
            stack->len = first;
            break;
        }
        case '.':                                             /* STOP */
            if (stack->len != 1 || nmarks) return 0;
            *out = stack->v[0];
            *at = p;
            return 1;
        default:
            return 0;
        }
        if (pv_push(stack, x) < 0) return -1;
    }
#undef NEED
}

static PyObject *read_pickled_blocks(PyObject *self, PyObject *args) {
    Py_buffer buf;
    Py_ssize_t pos;
    if (!PyArg_ParseTuple(args, "y*n", &buf, &pos)) return NULL;
    const unsigned char *b = buf.buf;
    const Py_ssize_t len = buf.len;
    Buf ids = {0}, weights = {0};
    PickleValues stack = {0}, flat = {0};
    PyObject *result = NULL, *decompress = NULL, *inflated = NULL;
    PickleValue top;
    for (;;) {
        int32_t blocklength;
        Py_ssize_t end;
        if (!w3_block_at(b, len, pos, &blocklength, &end)) goto unknown;
        pos += 4;
        /* the info: (postings, last id, max weight, compression, min length, max length) */
        Py_ssize_t at = pos;
        int rc = mini_unpickle(b, &at, end, &stack, &flat, &top);
        if (rc < 0) goto fail;
        if (!rc || top.kind != 't' || top.len != 6) goto unknown;
        PickleValue *info = flat.v + top.start;
        if (info[0].kind != 'i' || info[3].kind != 'i' || info[0].i < 1) goto unknown;
        int64_t count = info[0].i;
        const unsigned char *data = b + at;
        Py_ssize_t data_len = end - at;
        Py_CLEAR(inflated);
        if (info[3].i) {
            if (!decompress) {
                PyObject *zlib = PyImport_ImportModule("zlib");
                if (!zlib) goto fail;
                decompress = PyObject_GetAttrString(zlib, "decompress");
                Py_DECREF(zlib);
                if (!decompress) goto fail;
            }
            PyObject *raw = PyBytes_FromStringAndSize((const char *)data, data_len);
            if (!raw) goto fail;
            inflated = PyObject_CallOneArg(decompress, raw);
            Py_DECREF(raw);
            if (!inflated) goto fail;
            data = (const unsigned char *)PyBytes_AS_STRING(inflated);
            data_len = PyBytes_GET_SIZE(inflated);
        }
        /* the data: (id deltas, weights, values) */
        Py_ssize_t dat = 0;
        rc = mini_unpickle(data, &dat, data_len, &stack, &flat, &top);
        if (rc < 0) goto fail;
        if (!rc || top.kind != 't' || top.len != 3 || dat != data_len) goto unknown;
        PickleValue deltas = flat.v[top.start], w = flat.v[top.start + 1];
        if (deltas.kind != 't' || deltas.len != count) goto unknown;
        if (buf_reserve(&ids, count * 8) < 0 || buf_reserve(&weights, count * 8) < 0) goto fail;
        int64_t *id_out = (int64_t *)(ids.p + ids.len), sum = 0;
        for (int64_t k = 0; k < count; k++) {
            PickleValue d = flat.v[deltas.start + k];
            if (d.kind != 'i') goto unknown;
            sum += d.i;
            id_out[k] = sum;
        }
        double *w_out = (double *)(weights.p + weights.len);
        if (w.kind == 'n') {
            for (int64_t k = 0; k < count; k++) w_out[k] = 1.0;
        } else if (w.kind == 'f') {
            double same = (double)(float)w.f;
            for (int64_t k = 0; k < count; k++) w_out[k] = same;
        } else if (w.kind == 't' && w.len == count) {
            for (int64_t k = 0; k < count; k++) {
                PickleValue e = flat.v[w.start + k];
                if (e.kind != 'f') goto unknown;
                w_out[k] = e.f;
            }
        } else goto unknown;
        ids.len += count * 8;
        weights.len += count * 8;
        if (blocklength < 0) break; /* the last block */
        pos = end;
    }
    {
        PyObject *a = PyBytes_FromStringAndSize(ids.p ? (const char *)ids.p : "", ids.len);
        PyObject *z = PyBytes_FromStringAndSize(weights.p ? (const char *)weights.p : "",
                                                weights.len);
        if (a && z) result = PyTuple_Pack(2, a, z);
        Py_XDECREF(a);
        Py_XDECREF(z);
    }
    goto done;
unknown:
    Py_INCREF(Py_None);
    result = Py_None;
    goto done;
fail:
    result = NULL;
done:
    Py_XDECREF(inflated);
    Py_XDECREF(decompress);
    PyMem_Free(stack.v);
    PyMem_Free(flat.v);
    PyMem_Free(ids.p);
    PyMem_Free(weights.p);
    PyBuffer_Release(&buf);
    return result;
}

/*
 * bm25_add(scores, mask, ids, offset, tf, lengths, idf, k1, b, avgfl) -> None
 *
 * One segment's posting list scored and added in place, as indexer/bm25.py's `_add_list`
 * does it with numpy: for each posting i, document g = ids[i] + offset, mask[g] = 1 and
 * scores[g] += idf * ((tf[i] * (k1 + 1)) / (tf[i] + k1 * ((1 - b) + b * lengths[g] / avgfl)))
 * (whoosh.scoring.bm25, the same operations in the same order, so the same doubles: built
 * with -ffp-contract=off), or scores[g] += tf[i] when `lengths` is None (a field without
 * lengths: the posting's weight is its score). `scores` and `lengths`: float64 a document;
 * `mask`: one byte a document; `ids`: int64; `tf`: float64 a posting. ValueError on a
 * document outside the arrays or arrays of different lengths.
 */
static PyObject *bm25_add(PyObject *self, PyObject *args) {
    Py_buffer scores, mask, ids, tf, lengths = {0};
    Py_ssize_t offset;
    PyObject *lengths_obj;
    double idf, k1, b, avgfl;
    if (!PyArg_ParseTuple(args, "w*w*y*ny*Odddd", &scores, &mask, &ids, &offset, &tf,
                          &lengths_obj, &idf, &k1, &b, &avgfl))
        return NULL;
    PyObject *result = NULL;
    int have_lengths = lengths_obj != Py_None;
    if (have_lengths && PyObject_GetBuffer(lengths_obj, &lengths, PyBUF_SIMPLE) < 0) {
        lengths.obj = NULL;
        goto done;
    }
    Py_ssize_t ndocs = scores.len / 8, n = ids.len / 8;
    if (scores.len % 8 || mask.len != ndocs || ids.len % 8 || tf.len != ids.len ||
        (have_lengths && lengths.len != scores.len)) {
        PyErr_SetString(PyExc_ValueError, "bm25_add: arrays of different lengths");
        goto done;
    }
    double *out = scores.buf;
    unsigned char *m = mask.buf;
    const int64_t *at = ids.buf;
    const double *f = tf.buf, *fl = have_lengths ? lengths.buf : NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t g = at[i] + offset;
        if (g < 0 || g >= ndocs) {
            PyErr_SetString(PyExc_ValueError, "bm25_add: a document outside the arrays");
            goto done;
        }
    }
    double k1p = k1 + 1, one_b = 1 - b;
    for (Py_ssize_t i = 0; i < n; i++) {
        int64_t g = at[i] + offset;
        m[g] = 1;
        if (fl) out[g] += idf * ((f[i] * k1p) / (f[i] + k1 * (one_b + b * fl[g] / avgfl)));
        else out[g] += f[i];
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&scores);
    PyBuffer_Release(&mask);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&tf);
    if (lengths.obj) PyBuffer_Release(&lengths);
    return result;
}

static PyMethodDef methods[] = {
    {"bm25_add", bm25_add, METH_VARARGS,
     "bm25_add(scores, mask, ids, offset, tf, lengths, idf, k1, b, avgfl) -> None\n\n"
     "One posting list's BM25 scores added into scores, its documents set in mask (see _speedups.c)."},
    {"decode_positions", decode_positions, METH_VARARGS,
     "decode_positions(buf, starts, ends) -> (counts, positions) as int64 bytes\n\n"
     "Decodes posting positions (varints of deltas) in bulk (see indexer/_speedups.c)."},
    {"phrase_match", phrase_match, METH_VARARGS,
     "phrase_match(candidates, slots, slop) -> bytes, 1 per candidate holding the phrase\n\n"
     "A phrase's placement checked per candidate on its terms' positions (see _speedups.c)."},
    {"tally_codes", tally_codes, METH_VARARGS,
     "tally_codes(mask, codes, size) -> int64 bytes: a single-valued facet's counts\n\n"
     "Bin 0: documents without a value; bin c + 1: code c (see _speedups.c)."},
    {"tally_tags", tally_tags, METH_VARARGS,
     "tally_tags(mask, starts, codes, size, code_bytes, docs) -> int64 bytes: a many-valued facet's counts"},
    {"read_pickled_blocks", read_pickled_blocks, METH_VARARGS,
     "read_pickled_blocks(blob, pos) -> (ids, weights) or None\n\n"
     "One term's posting list in Whoosh's pickled W3 blocks, ids and weights (see _speedups.c)."},
    {"read_blocks", read_blocks, METH_VARARGS,
     "read_blocks(blob, pos, values) -> (ids, weights, positions, starts, ends) or None\n\n"
     "One term's compact posting blocks read in one pass (see indexer/_speedups.c)."},
    {"write_term", write_term, METH_VARARGS,
     "write_term(meta, vals, bounds, lengths, field_boost, boosts, start) -> (blob, terminfo)\n\n"
     "One term's compact posting blocks and W3TermInfo (see indexer/_speedups.c)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "indexer._speedups",
    "Compiled inner loop of indexer.fastwrite (optional: fastwrite falls back to Python).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    for (int c = 0; c < 256; c++) {
        int word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        WORD_LOWER[c] = word ? (unsigned char)c : 0;
        if (c >= 'A' && c <= 'Z') WORD_LOWER[c] = (unsigned char)(c - 'A' + 'a');
    }
    if (PyType_Ready(&TokenCacheType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&TokenCacheType);
    if (PyModule_AddObject(m, "TokenCache", (PyObject *)&TokenCacheType) < 0) {
        Py_DECREF(&TokenCacheType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
