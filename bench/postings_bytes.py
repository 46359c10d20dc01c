"""Where the bytes of an index's posting blocks (`.pst`) go, per field and per part.

    python bench/postings_bytes.py INDEX_DIR

Walks every term of every segment of the index's live generation and splits each posting
list's bytes into: the list's magic and block lengths (`frame`), the pickled block infos
(`info`), the data envelope (pickle opcodes around the data: array heads, GLOBAL ... REDUCE),
ids, weights, the position counts, the positions themselves, and the per-value overhead of
the old layout (each value's frame, count and pickle head: `value overhead`). Blocks it does
not know (stock Whoosh's compressed pickles: the fields without positions) count whole as
`other`. It reads both layouts `cables index` has written: format 2's raw blocks (each value
Whoosh's `Positions.encode` bytes) and format 3's compact blocks (`indexer.blockcodec`, in
`whoosh_private.compact_block`'s envelope).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

from _common import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from whoosh.filedb.filestore import FileStorage  # noqa: E402
from whoosh.reading import SegmentReader  # noqa: E402

from indexer import store  # noqa: E402
from indexer.blockcodec import Parts  # noqa: E402
from indexer.whoosh_private import posting_blocks, posting_bytes, read_toc  # noqa: E402

PARTS = ("frame", "info", "envelope", "ids", "weights", "counts", "positions",
         "value overhead", "other")  # fmt: skip

# format 2's raw block (indexer/whoosh_private.py before format 3)
_ARRAY = b"carray\n_array_reconstructor\n(carray\narray\nX\x01\x00\x00\x00"
_OLD_HEAD = b"\x80\x03" + _ARRAY + b"IK\x06B"
_OLD_WEIGHTS = _ARRAY + b"fK\x0eB"
# format 3's compact block envelope
_NEW_HEAD = b"\x80\x03cindexer.whoosh_private\nw3_block\n"


def _info_end(blob: bytes, start: int) -> int:
    """The end of the block info pickle at `start` (protocol 2, ends with STOP after a memo)."""
    return blob.index(b"tq\x00.", start) + 4


def _old_block(blob: bytes, start: int, end: int, parts: Counter[str]) -> None:
    at = start + len(_OLD_HEAD)
    size = int.from_bytes(blob[at : at + 4], "little")
    parts["envelope"] += len(_OLD_HEAD) + 4 + 2
    parts["ids"] += size
    at += 4 + size + 2
    tag = blob[at]
    if tag == ord("N"):
        parts["weights"] += 1
        at += 1
    elif tag == ord("G"):
        parts["weights"] += 9
        at += 9
    else:
        wsize = int.from_bytes(blob[at + len(_OLD_WEIGHTS) : at + len(_OLD_WEIGHTS) + 4], "little")
        parts["envelope"] += len(_OLD_WEIGHTS) + 4 + 2
        parts["weights"] += wsize
        at += len(_OLD_WEIGHTS) + 4 + wsize + 2
    parts["envelope"] += 1 + 3  # MARK ... TUPLE TUPLE3 STOP
    at += 1
    stop = end - 3
    while at < stop:
        if blob[at] == ord("C"):
            size, head = blob[at + 1], 2
        else:
            size, head = int.from_bytes(blob[at + 1 : at + 5], "little"), 5
        value = blob[at + head : at + head + size]
        ints = 0
        k = 9  # the count and the pickle's head
        while k < len(value) and value[k] != ord("."):
            op = value[k]
            width = {ord("K"): 1, ord("M"): 2, ord("J"): 4}.get(op)
            if width is None:
                k += 1
            else:
                ints += 1 + width
                k += 1 + width
        parts["positions"] += ints
        parts["value overhead"] += head + size - ints
        at += head + size


def _new_block(blob: bytes, start: int, end: int, parts: Counter[str]) -> None:
    at = start + len(_NEW_HEAD)
    head = 2 if blob[at] == ord("C") else 5
    parts["envelope"] += len(_NEW_HEAD) + head + 3  # ... TUPLE1 REDUCE STOP
    payload = blob[at + head : end - 3]
    cut = Parts(payload)
    body = len(cut.weights) + len(cut.ids) + len(cut.counts) + len(cut.positions)
    parts["envelope"] += len(payload) - body  # the payload's own head
    parts["weights"] += len(cut.weights)
    parts["ids"] += len(cut.ids)
    parts["counts"] += len(cut.counts)
    parts["positions"] += len(cut.positions)


def breakdown(index_dir: Path) -> tuple[dict[str, Counter[str]], Counter[str], int]:
    """Bytes per field and part, terms per field, and the index's total bytes."""
    generation = store.live_generation(index_dir)
    if generation is None:
        raise SystemExit(f"no index at {index_dir}")
    storage = FileStorage(str(generation))
    toc = read_toc(storage, "MAIN")
    fields: dict[str, Counter[str]] = defaultdict(Counter)
    terms: Counter[str] = Counter()
    for segment in toc.segments:
        reader = SegmentReader(storage, toc.schema, segment)
        try:
            for field_name, text in reader.all_terms():
                blob = posting_bytes(reader, field_name, text)
                if blob is None:
                    continue
                parts = fields[field_name]
                terms[field_name] += 1
                parts["frame"] += 4
                for start, end in posting_blocks(blob):
                    parts["frame"] += 4
                    data = _info_end(blob, start)
                    parts["info"] += data - start
                    if blob.startswith(_OLD_HEAD, data):
                        _old_block(blob, data, end, parts)
                    elif blob.startswith(_NEW_HEAD, data):
                        _new_block(blob, data, end, parts)
                    else:
                        parts["other"] += end - data
        finally:
            reader.close()
    total = sum(p.stat().st_size for p in generation.iterdir() if p.is_file())
    return fields, terms, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("index", type=Path)
    args = parser.parse_args(argv)
    fields, terms, total = breakdown(args.index.resolve())
    mib = 1 << 20
    grand: Counter[str] = Counter()
    print(f"{args.index}: {total / mib:,.1f} MiB in all ({machine()})")
    print(f"{'field':<18}{'terms':>10}" + "".join(f"{p:>16}" for p in PARTS) + f"{'total':>12}")
    for name in sorted(fields, key=lambda n: -sum(fields[n].values())):
        parts = fields[name]
        grand.update(parts)
        row = "".join(f"{parts[p] / mib:>16.2f}" for p in PARTS)
        print(f"{name:<18}{terms[name]:>10,}{row}{sum(parts.values()) / mib:>12.2f}")
    pst = sum(grand.values())
    row = "".join(f"{grand[p] / mib:>16.2f}" for p in PARTS)
    print(f"{'all (MiB)':<18}{sum(terms.values()):>10,}{row}{pst / mib:>12.2f}")
    row = "".join(f"{100 * grand[p] / pst:>15.1f}%" for p in PARTS)
    print(f"{'share of .pst':<28}{row}")
    print(f"posting blocks: {pst / mib:,.1f} MiB = {100 * pst / total:.1f}% of the index")
    return 0


if __name__ == "__main__":
    sys.exit(main())
