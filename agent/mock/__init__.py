"""Mock informational interview: the user leads, the AI plays the contact, then coaches."""
