"""Turning executed chapters into the published report: blocks, stitch, PDF, downloads, manifest,
publish."""
