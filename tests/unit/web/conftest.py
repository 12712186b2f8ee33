"""The portal fixtures (see portal_support)."""

from portal_support import admin, portal  # noqa: F401  (fixtures)
