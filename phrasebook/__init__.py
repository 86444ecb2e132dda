"""Phrasebook: standard-phrase trainer for government service-window staff."""

__version__ = "0.1.0"
