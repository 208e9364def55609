"""Turning files into retrievable chunks: structure-aware chunking and an idempotent pipeline."""
