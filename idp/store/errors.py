"""The Store's one error, shared by its backends and the web layer that answers it with 503."""


class StoreUnavailable(Exception):
    """The Store's server is unreachable, silent past its timeout, or refusing writes (read
    only, out of memory, unable to persist). Nothing was read; a write may or may not have
    landed, as with any lost answer."""
