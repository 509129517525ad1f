"""Bringing new data in: delivery readers, the ``import`` command, and deriving tidy observations
from the committed snapshots."""
