"""Every prompt lives in a file here; `render` fails loudly on a missing or unused variable.

Prompt files use `$name` placeholders (string.Template). A file may hold a system part and a user
part separated by a line `---user---`, so the stable system text forms a cacheable prefix.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from importlib import resources

SEPARATOR = "---user---"


class PromptError(KeyError):
    """A prompt file is missing, or a variable was not supplied."""


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str

    def variables(self) -> set[str]:
        names: set[str] = set()
        for text in (self.system, self.user):
            for match in string.Template.pattern.finditer(text):
                name = match.group("named") or match.group("braced")
                if name:
                    names.add(name)
        return names

    def messages(self, **values: object) -> list[dict[str, str]]:
        """Render to chat messages; every placeholder must be given, and nothing extra."""
        needed = self.variables()
        missing = needed - values.keys()
        extra = values.keys() - needed
        if missing:
            raise PromptError(f"prompt {self.name!r} is missing variables: {sorted(missing)}")
        if extra:
            raise PromptError(f"prompt {self.name!r} got unknown variables: {sorted(extra)}")
        text = {k: str(v) for k, v in values.items()}
        out = []
        if self.system.strip():
            out.append({"role": "system", "content": string.Template(self.system).substitute(text)})
        out.append({"role": "user", "content": string.Template(self.user).substitute(text)})
        return out


def load(name: str, package: str = __name__) -> Prompt:
    """Read `<package>/<name>.txt` (the product's prompts live here; the benchmark keeps its own)."""
    try:
        raw = resources.files(package).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PromptError(f"no prompt file named {name!r}") from exc
    system, sep, user = raw.partition(SEPARATOR)
    if not sep:
        system, user = "", raw
    return Prompt(name=name, system=system.strip(), user=user.strip())
