"""Failed-login throttling: after 5 failures in a row a key (a name, or a client address) is
locked for 60 s, whatever is tried meanwhile. Counting per name stops guessing one account's
password from many addresses; counting per address stops one client trying many names.

In memory, per process: a restart forgets the counts, which only gives an attacker another 5
tries per minute. The clock is injectable so tests never sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES = 5
LOCKOUT_SECONDS = 60.0


@dataclass
class _Count:
    failures: int = 0
    locked_until: float = 0.0


@dataclass
class LoginLimiter:
    clock: Callable[[], float] = time.monotonic
    max_failures: int = MAX_FAILURES
    lockout: float = LOCKOUT_SECONDS
    _counts: dict[str, _Count] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def locked(self, *keys: str) -> float:
        """Seconds until every one of `keys` may try again (0 when none is locked)."""
        now = self.clock()
        with self._lock:
            waits = [c.locked_until - now for k in keys if (c := self._counts.get(k))]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> None:
        """Count one failure for each key; the fifth in a row locks it and starts counting anew."""
        now = self.clock()
        with self._lock:
            for key in keys:
                count = self._counts.setdefault(key, _Count())
                count.failures += 1
                if count.failures >= self.max_failures:
                    count.failures = 0
                    count.locked_until = now + self.lockout

    def succeeded(self, *keys: str) -> None:
        """A right password clears the failures of the keys given. The login passes only the
        name: a guesser's own account must not reset the count of the address guessing."""
        with self._lock:
            for key in keys:
                count = self._counts.get(key)
                if count is not None and count.locked_until <= self.clock():
                    del self._counts[key]
