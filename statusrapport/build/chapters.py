"""Chapters are the notebooks in ``notebooks/``: ``NN_name.ipynb``, in file order.
The number in the file name fixes the chapter number, so numbering is the same whether the
whole report or one chapter is built."""

from dataclasses import dataclass
from pathlib import Path

from statusrapport.errors import ParameterError


@dataclass(frozen=True)
class Chapter:
    name: str
    number: int  # as printed in the report: 00_sammendrag -> 1
    path: Path


def discover(notebooks_dir, only=None):
    found = []
    for path in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        prefix, _, name = path.stem.partition("_")
        found.append(Chapter(name, int(prefix) + 1, path))
    if only:
        known = {c.name for c in found}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise ParameterError(f"ukjent kapittel: {', '.join(unknown)}; "
                                 f"kapitlene er: {', '.join(c.name for c in found)}")
        found = [c for c in found if c.name in only]
    return found
