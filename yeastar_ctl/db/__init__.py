"""The database layer: the one source of truth for configuration and call events.

``base`` (declarative base), ``types`` (UTC datetimes and other column types), ``enums``,
``queue_settings`` (every queue setting and its default), ``config_models`` and
``event_models`` (the tables, re-exported by ``models``), ``engine`` (engines and sessions),
``migrate`` (Alembic, run from code). Everything else reaches the database via the services.
"""
