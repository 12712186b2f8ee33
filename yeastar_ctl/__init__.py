"""yeastar_ctl: an open-source contact-center control plane on stock Asterisk."""

__version__ = "0.1.0"
