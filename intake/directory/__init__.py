"""The organisation directory in the database: imports, the lookups ID&V
runs against, and leavers.

- :mod:`intake.directory.services` — importing the directory's CSV files.
- :mod:`intake.directory.queries` — :class:`SqlDirectory`, the lookups.
- :mod:`intake.directory.leavers` — roles held by people no longer active.
- :mod:`intake.directory.models` — the directory's tables and role holders.
"""
