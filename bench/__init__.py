"""Benchmarks of the intake service (``make bench``); not part of the tests.

``python -m bench [SECTION ...]`` runs the named sections (default: all) and
merges their figures into ``bench/results.json``.
"""
