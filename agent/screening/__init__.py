"""Screening: flag questions that must not be asked in an informational interview.

Public API: `ScreenResult` and `screen_questions(deps, questions, *, role=None)`.
"""

from agent.classify.screen import ScreenResult
from agent.screening.screen import screen_questions

__all__ = ["ScreenResult", "screen_questions"]
