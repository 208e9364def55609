"""Fault-injection kit shared by `tests/faults/` (small counts) and `evals/robustness.py` (full counts):
a fake OpenAI-compatible server that hangs or answers garbage, the real app as a subprocess, the
kill loop, the injection set and the Gradio surface probe."""
