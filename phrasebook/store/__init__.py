"""The store: the only module that speaks SQL. `open_store` gives a migrated, ready `Store`."""

from phrasebook.store.db import Store, open_store

__all__ = ["Store", "open_store"]
