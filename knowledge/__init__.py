"""Built-in knowledge: guidance documents, role briefs, the question bank and exemplar banks.

Data only. Written in the project's own words; `coach ingest` indexes it into Chroma.
"""

from pathlib import Path


def root() -> Path:
    """The folder holding the built-in knowledge files."""
    return Path(__file__).resolve().parent
