"""Reading YAML files safely (no object construction) and fast (libyaml when available):
the catalogue is read by every chapter."""

import yaml

from .readlog import opened

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path):
    """Parsed content of ``path``; raises yaml.YAMLError, UnicodeDecodeError or OSError."""
    return yaml.load(opened(path).read_text(encoding="utf-8"), Loader=LOADER)  # noqa: S506 - safe loader
