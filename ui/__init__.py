"""The Gradio web app: `create_app(deps)` builds it, `launch.serve` runs it on loopback."""
