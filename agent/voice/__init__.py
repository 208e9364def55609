"""Offline voice: audio in (checked, decoded, transcribed by Whisper tiny.en on CTranslate2), audio out
(the Piper voice en_US-joe-medium), and the figures of how a turn was spoken.

A lower layer like `agent/text`: the mock interview, the CLI and the UI use it; it uses no capability.
Both models come from PyPI packages installed by the Makefile and are loaded once per process
(`agent.voice.models`); nothing here downloads anything, and nothing is imported or loaded at import
time.
"""
