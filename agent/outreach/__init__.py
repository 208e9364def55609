"""Outreach drafts: the request for an informational interview, by email or LinkedIn note."""
