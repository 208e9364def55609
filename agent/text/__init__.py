"""Small text utilities shared by validators and classifiers."""
