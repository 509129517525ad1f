"""Statusrapport: reproducible annual status report on Nasjonal helse- og samhandlingsplan.

Notebooks import what they call from here (``from statusrapport import dataset, display,
views``); the modules are loaded on first use so that the command line starts fast."""

import importlib

__version__ = "0.1.0"

NOTEBOOK_API = {"dataset": "statusrapport.data.dataset", "display": "statusrapport.chapter.display",
                "views": "statusrapport.chapter.views"}


def __getattr__(name):
    if name in NOTEBOOK_API:
        return importlib.import_module(NOTEBOOK_API[name])
    raise AttributeError(f"module 'statusrapport' has no attribute {name!r}")
