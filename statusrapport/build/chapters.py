"""Chapters are the notebooks in ``notebooks/`` named ``NN_name.ipynb``, where ``name`` is
declared in :data:`statusrapport.model.NOTEBOOKS`. The number in the file name fixes the
chapter number, so numbering is the same whether the whole report or one chapter is built.

Any other notebook there (JupyterLab's ``01_samhandling-Copy1.ipynb``, a download's
``01_samhandling (1).ipynb``, ``Untitled.ipynb``) is refused with its name, as are two files
with the same number or the same chapter: a stray copy never becomes a chapter."""

import re
from dataclasses import dataclass
from pathlib import Path

from statusrapport.errors import ParameterError
from statusrapport.model import NOTEBOOKS

NAME = re.compile(r"^(\d\d)_([a-z_]+)\.ipynb$")


@dataclass(frozen=True)
class Chapter:
    name: str
    number: int  # as printed in the report: 00_sammendrag -> 1
    path: Path


def _problems(notebooks_dir):
    """(chapters in file order, problems)."""
    found, problems, numbers, names = [], [], {}, {}
    for path in sorted(Path(notebooks_dir).glob("*.ipynb")):
        m = NAME.match(path.name)
        if not m or m.group(2) not in NOTEBOOKS:
            problems.append(f"{path.name}: ikke et kapittel (forventet NN_navn.ipynb med navn blant "
                            f"{', '.join(NOTEBOOKS)}); en kopi eller ny notatbok? "
                            "flytt den ut av notebooks/ eller gi den et kapittelnavn")
            continue
        number, name = int(m.group(1)), m.group(2)
        for seen, key, what in ((numbers, number, "nummer"), (names, name, "navn")):
            if key in seen:
                problems.append(f"{path.name}: samme kapittel{what} som {seen[key]}; hvert kapittel "
                                "skal ha sitt eget nummer og navn")
            seen.setdefault(key, path.name)
        found.append(Chapter(name, number + 1, path))
    return found, problems


def discover(notebooks_dir, only=None):
    found, problems = _problems(notebooks_dir)
    if problems:
        raise ParameterError("notebooks/ har notatbøker som ikke kan bli kapitler:\n  - "
                             + "\n  - ".join(problems))
    if only:
        known = {c.name for c in found}
        unknown = [o for o in only if o not in known]
        if unknown:
            raise ParameterError(f"ukjent kapittel: {', '.join(unknown)}; "
                                 f"kapitlene er: {', '.join(c.name for c in found)}")
        found = [c for c in found if c.name in only]
    return found
