"""Store on Redis: shared by every node, expiry by Redis itself."""

from __future__ import annotations

import redis

# INCR then set the expiry only on the first increment, atomically.
_INCR = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return n
"""
# Compare-and-set in one step: no other command runs between the GET and the SET.
_SWAP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class RedisStore:
    def __init__(self, client: redis.Redis, prefix: str = "") -> None:
        self.client = client
        self.prefix = prefix
        self._incr = client.register_script(_INCR)
        self._swap = client.register_script(_SWAP)

    @classmethod
    def from_url(cls, url: str, prefix: str = "") -> RedisStore:
        return cls(redis.Redis.from_url(url, decode_responses=True), prefix)

    def get(self, key: str) -> str | None:
        return self.client.get(self.prefix + key)

    def put(self, key: str, value: str, ttl: int) -> None:
        self.client.set(self.prefix + key, value, ex=max(1, ttl))

    def add(self, key: str, value: str, ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, value, ex=max(1, ttl), nx=True))

    def take(self, key: str) -> str | None:
        return self.client.getdel(self.prefix + key)

    def swap(self, key: str, expected: str, new: str, ttl: int) -> bool:
        return bool(self._swap(keys=[self.prefix + key], args=[expected, new, max(1, ttl)]))

    def incr(self, key: str, ttl: int) -> int:
        return int(self._incr(keys=[self.prefix + key], args=[max(1, ttl)]))

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)
