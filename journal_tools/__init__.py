"""Maintainer tools, run from the checkout (`python -m journal_tools.…`); not part of the
installed package, and never imported by it."""
