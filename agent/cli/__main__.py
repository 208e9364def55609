"""`python -m agent.cli` runs the same entry point as the `coach` script."""

from agent.cli import main

raise SystemExit(main())
