"""The contacts dashboard: who to talk to, where each conversation stands, what is due next."""
