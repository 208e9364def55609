"""Persistent stores: Chroma for retrievable text, SQLite for the user's own data."""
