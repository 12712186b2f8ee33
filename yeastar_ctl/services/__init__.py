"""Services own the configuration and event state; the web layer and the CLI call these.

Each function takes an ``AsyncSession`` and flushes but never commits: the caller owns the
transaction (``async with sessions.begin() as session: ...``), so several calls can form one
unit. Bad input raises ``errors.ValidationError`` (or ``NotFoundError``) before anything is
changed. Returned rows are for reading; change state through the services.
"""
