"""Reference-guided restoration: restore spun copy from an archive of clean articles.

When a newsroom holds the clean wire feed, or earlier or later versions of the
story, the original wording is not a guess. The package reads such an archive
(`archive`), indexes it once (`index`: `ReferenceIndex`) and proposes, for each
sentence of the input that has a close sentence in the archive, that
sentence's wording as hunks (`proposer`: `ReferenceProposer`), unless taking
it would change what the copy says (`facts`).
"""

from restore.reference.index import ReferenceIndex
from restore.reference.proposer import ReferenceProposer

__all__ = ["ReferenceIndex", "ReferenceProposer"]
