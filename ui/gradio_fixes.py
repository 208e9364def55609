"""A workaround for a memory leak in Gradio 6's per-session state, applied when the app is built.

When a handler returns a property update (`gr.update(...)`, and `gr.skip()`, which is the same
empty update) for a component, Gradio stores a fresh copy of that component in the session's
state under the original component's id, but the copy gets a new id of its own. When the same
component is next an *input* of an event, Gradio looks it up by the copy's id, does not find it
and stores it again under that id. So every such event adds one more component copy (and its
config) to the session, for good: about 170 KB per call of the question list's row check (30
rows), without limit for a page left open all day, and the surface probe's 5.3 GB.

The fix gives the copy the id of the component it stands for, which is what Gradio's lookups
assume. It wraps one method (`SessionState.__setitem__`), is idempotent, and a test
(`tests/unit/test_gradio_fixes.py`) fails if a Gradio upgrade changes the behaviour it relies on.
"""

from __future__ import annotations

from typing import Any

_PATCHED = "_coach_keeps_ids"


def keep_replacement_ids() -> None:
    """Make a component copy stored in a session keep the id it is stored under."""
    from gradio.blocks import Block
    from gradio.state_holder import SessionState

    original = SessionState.__setitem__
    if getattr(original, _PATCHED, False):
        return

    def setitem(self: SessionState, key: int, value: Any) -> None:
        if isinstance(value, Block) and value._id != key and key in self.blocks_config.blocks:
            value._id = key
        original(self, key, value)

    setattr(setitem, _PATCHED, True)
    SessionState.__setitem__ = setitem  # type: ignore[method-assign]
