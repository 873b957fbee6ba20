"""Imports every module that defines tables, so Base.metadata knows the whole schema."""

import idp.audit.record  # noqa: F401
import idp.store.sql_store  # noqa: F401
import keys.data_keys  # noqa: F401
