"""One builder per tab; each takes `deps` and adds its components to the current Blocks."""
