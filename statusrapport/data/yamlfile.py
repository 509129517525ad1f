"""Reading YAML files safely (no object construction) and fast (libyaml when available):
the catalogue is read by every chapter."""

import yaml

from statusrapport.data.readlog import opened

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path, log=True):
    """Parsed content of ``path``; raises yaml.YAMLError, UnicodeDecodeError or OSError.
    ``log=False``: not a chapter dependency by itself (see readlog)."""
    path = opened(path) if log else path
    return yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - safe loader
