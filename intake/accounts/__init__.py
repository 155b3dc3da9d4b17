"""Dashboard accounts and API tokens.

- :mod:`intake.accounts.services` — create, list, change, check and revoke.
- :mod:`intake.accounts.models` — users and tokens.
"""
