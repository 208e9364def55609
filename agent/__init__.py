"""The informational-interview coach: workflows, stores and the model client (no UI code)."""
