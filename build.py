#!/usr/bin/env python3
"""Build the status report. Run ``python build.py --help`` for options."""

import sys

from statusrapport.cli import main

if __name__ == "__main__":
    sys.exit(main())
