"""Accounts for `coach ui --multi-user`: names, Argon2 password hashes, the users table and the
login check with its rate limit. The CLI (`coach users`) and the UI's login both use this."""
