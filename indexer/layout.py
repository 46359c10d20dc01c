"""What an index folder holds, by name, and the format version: the one place that says so.

Both sides use these names: the write side (`indexer.ingest`, `indexer.fastwrite`) creates
the files, the read side (`indexer.searching` and the modules around it) opens them.

    index/
      MAIN_*.toc, *.seg, *.pst, ...   Whoosh's files of each generation (segments are hard
                                      links shared between generations)
      manifest.json                   the files read, their sizes, mtimes and hashes
      versions.json                   every version of every cable seen, by release
      alerts.json                     saved searches (`indexer.alerts`)
      .lock                           held by the one process that writes
      *.wrd                           each segment's words (`indexer.wordlist`)
      .facets-v4                      the facet table of a generation (read side cache)
      .words-v2.json                  the did-you-mean word sample (read side cache)
      .variants-v1.json               the name-variant table (read side cache)

>>> INDEX_NAME, MANIFEST
('MAIN', 'manifest.json')
"""

from __future__ import annotations

#: Whoosh's index name inside the folder (`whoosh.index._DEF_INDEX_NAME`)
INDEX_NAME = "MAIN"
#: the files read into the index (`indexer.ingest`)
MANIFEST = "manifest.json"
#: the version of the manifest's layout
MANIFEST_VERSION = 3
#: every version of every cable, by release (`cables diff`)
VERSIONS = "versions.json"
#: the writer's lock (`indexer.lock`)
LOCK_NAME = ".lock"
#: saved searches and their lock (`indexer.alerts`)
ALERTS_FILE = "alerts.json"
ALERTS_LOCK = ".alerts.lock"
#: a segment's word list: `<segment id>.wrd` (`indexer.wordlist`)
WORDS_EXT = ".wrd"
#: read-side caches of a generation, validated by the generation they belong to
FACETS_FILE = ".facets-v4"
WORD_SAMPLE_FILE = ".words-v2.json"
VARIANTS_FILE = ".variants-v1.json"
