"""Error types the CLI and UI turn into one clear line instead of a traceback."""


class CoachError(Exception):
    """Base class: anything the user can act on, shown as a single line."""


class InputError(CoachError):
    """The user's input is invalid (empty, oversize, unknown choice, unreadable file)."""


class ConfigError(CoachError):
    """The configuration points at something missing (model file, embeddings backend)."""


class ModelError(CoachError):
    """The model server is down, hung, or returned something we cannot use."""
