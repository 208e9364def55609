"""What every benchmark group receives: the settings, how many repeats, and where to keep temp data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.bench.memory import PeakMemory
from agent.config import Settings


@dataclass
class BenchContext:
    settings: Settings
    workdir: Path
    repeats: int = 3
    quick: bool = False
    memory: PeakMemory = field(default_factory=PeakMemory)
    log: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        self.log.append(message)

    def settings_for(self, name: str) -> Settings:
        """Settings with a fresh data folder under the bench's temp dir."""
        data_dir = self.workdir / name
        data_dir.mkdir(parents=True, exist_ok=True)
        return self.settings.model_copy(update={"data_dir": data_dir})
