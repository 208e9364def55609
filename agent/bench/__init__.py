"""`coach bench`: figures measured on the embedded default, as ratios and scalings taken in one run.

The machines are shared and noisy, so each group reports medians and spreads over repeated runs after
a warm-up, and the figures that carry a target are ratios or scalings rather than absolute times.
"""
