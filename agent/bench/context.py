"""What every benchmark group receives: the settings, how many repeats, and where to keep temp data."""

from __future__ import annotations

import shutil
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
    minutes: float = 20.0  # the soak group's duration
    students: int = 50  # the multiuser group's simulated students
    real_model: bool = False  # the multiuser group: the embedded model instead of a fake server
    configs: tuple[str, ...] = ("sqlite", "server")  # the multiuser group's storage set-ups
    arrive_over: float = 2.0  # the multiuser group: students start at random within this many seconds
    memory: PeakMemory = field(default_factory=PeakMemory)
    log: list[str] = field(default_factory=list)
    _index: Path | None = None

    def note(self, message: str) -> None:
        self.log.append(message)

    def settings_for(self, name: str) -> Settings:
        """Settings with a fresh data folder under the bench's temp dir."""
        data_dir = self.workdir / name
        data_dir.mkdir(parents=True, exist_ok=True)
        return self.settings.model_copy(update={"data_dir": data_dir})

    def indexed_settings(self, name: str) -> Settings:
        """Settings whose data folder holds the built-in index, built once per run and copied, so
        groups measuring the model do not each pay for a first ingest."""
        from agent.deps import Deps
        from agent.ingest.pipeline import ingest

        if self._index is None:
            source = self.settings_for("index")
            deps = Deps(source)
            ingest(deps.vectors, deps.db)
            deps.close()
            self._index = source.data_dir
        target = self.workdir / name
        shutil.copytree(self._index, target, dirs_exist_ok=True)
        return self.settings.model_copy(update={"data_dir": target})
