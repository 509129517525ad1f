"""Statusrapport: reproducible annual status report on Nasjonal helse- og samhandlingsplan.

Notebooks import what they call from here (``from statusrapport import dataset, display,
views``); the modules are loaded on first use so that the command line starts fast."""

import importlib
import sys

# jsonschema (imported by nbformat and papermill in every build process and chapter worker, and
# by data/schema) registers an "iri" format from rfc3987_syntax when that is installed (it is,
# for JupyterLab), and importing it compiles a grammar: 1,3 s of CPU in each of those
# processes. Nothing here checks IRIs; the package is imported first, so it is never loaded.
sys.modules.setdefault("rfc3987_syntax", None)

__version__ = "0.1.0"

NOTEBOOK_API = {"dataset": "statusrapport.data.dataset", "display": "statusrapport.chapter.display",
                "views": "statusrapport.chapter.views"}


def __getattr__(name):
    if name in NOTEBOOK_API:
        return importlib.import_module(NOTEBOOK_API[name])
    raise AttributeError(f"module 'statusrapport' has no attribute {name!r}")
