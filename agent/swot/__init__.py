"""Interview notes → a grounded SWOT, next steps, suggested contacts and conflicts between sources."""
