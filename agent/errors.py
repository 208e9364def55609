"""Error types the CLI and UI turn into one clear line instead of a traceback."""


class CoachError(Exception):
    """Base class: anything the user can act on, shown as a single line."""


class InputError(CoachError):
    """The user's input is invalid (empty, oversize, unknown choice, unreadable file)."""


class ConfigError(CoachError):
    """The configuration points at something missing (model file, embeddings backend)."""


class ModelError(CoachError):
    """The model server is down, hung, or returned something we cannot use."""


def fallback_notice(error: str) -> str:
    """What a user is told when a draft fell back to its template because the model failed."""
    return (f"The model did not answer ({error.rstrip('.')}), so this uses the template "
            "wording; the next request tries the model again.")


class StorageError(CoachError):
    """The data folder cannot be used: read-only, full, or a damaged file. The message says which
    file and what to do (free space, make the folder writable, `coach doctor`, restore a backup)."""
