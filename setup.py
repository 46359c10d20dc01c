"""Builds the optional compiled part of `indexer` (everything else is in pyproject.toml).

`indexer/_speedups.c` is the inner loop of the index writer. It is optional: without a C
compiler the install still succeeds and `indexer.fastwrite` runs its pure-Python twin.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "indexer._speedups",
            ["indexer/_speedups.c"],
            optional=True,
            # no fused multiply-add: the compiled BM25 (bm25_add) gives numpy's very doubles
            extra_compile_args=["-O2", "-ffp-contract=off"],
        )
    ]
)
