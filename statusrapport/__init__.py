"""Statusrapport: reproducible annual status report on Nasjonal helse- og samhandlingsplan."""

__version__ = "0.1.0"
