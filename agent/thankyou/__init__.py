"""Thank-you notes after an informational interview: one specific point, how you'll use it, short."""
