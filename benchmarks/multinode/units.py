"""The deploy/ files read the way systemd reads them, so that the multi-node run starts each node with
the very command line of its unit and the very settings of the environment file.

Only what our units use is understood: `KEY=value` lines of an EnvironmentFile (no quotes, no
expansion: systemd takes values literally), the `ExecStart=` and `OnUnitActiveSec=` keys, `${NAME}`
expanded to one word from the environment, and the `%H` (host name) and `%%` specifiers. Anything else
in an ExecStart (`$NAME` word splitting, a `-`/`@` prefix) is refused rather than guessed."""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_TEMPLATE = DEPLOY / "passculture.env.example"
UNITS = DEPLOY / "systemd"
INSTALLED_VENV_BIN = "/opt/passculture/venv/bin/"
PLACEHOLDER = re.compile(r"^<.*>$")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path = ENV_TEMPLATE) -> dict[str, str]:
    """The KEY=value lines (commented defaults left out), as systemd's EnvironmentFile= reads them."""
    values = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not a KEY=value line: {raw!r}")
        values[match.group(1)] = match.group(2)
    return values


def commented_settings(path: Path = ENV_TEMPLATE) -> set[str]:
    """The settings listed as commented defaults (`# KEY=value`)."""
    names = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(raw.strip().removeprefix("#").strip()) if raw.startswith("# ") else None
        if match:
            names.add(match.group(1))
    return names


def render_env(overrides: dict[str, str], path: Path = ENV_TEMPLATE) -> dict[str, str]:
    """The template's values with `overrides` applied; every `<...>` placeholder must be overridden
    (a node never starts with a placeholder for a secret or an address)."""
    values = {**read_env_file(path), **overrides}
    left = sorted(name for name, value in values.items() if PLACEHOLDER.match(value))
    if left:
        raise ValueError(f"placeholders left in {path.name}: {', '.join(left)}")
    return values


def write_env_file(values: dict[str, str], path: Path) -> None:
    for name, value in values.items():
        if "\n" in value:
            raise ValueError(f"{name}: a value of an EnvironmentFile is one line")
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()), encoding="utf-8")
    path.chmod(0o600)


def unit_value(unit: str, key: str, section: str | None = None) -> str:
    """The last `key=` of a unit file (systemd: a later assignment wins), continuation lines joined."""
    text = (UNITS / unit).read_text(encoding="utf-8").replace("\\\n", " ")
    current, found = None, None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif not line.startswith(("#", ";")) and "=" in line and (section is None or section == current):
            name, _, value = line.partition("=")
            if name.strip() == key:
                found = value.strip()
    if found is None:
        raise KeyError(f"{unit}: no {key}=")
    return found


def exec_start(unit: str, env: dict[str, str], *, host: str, venv_bin: str) -> list[str]:
    """The unit's ExecStart as an argv: `${NAME}` from `env`, `%H` = `host`, the installed venv's
    bin/ replaced by `venv_bin` (this checkout's interpreter)."""
    line = unit_value(unit, "ExecStart", "Service")
    if line[:1] in "-@:+!" or re.search(r"\$[A-Za-z_]", line):
        raise ValueError(f"{unit}: ExecStart uses a form this reader does not expand: {line!r}")

    def variable(match: re.Match) -> str:
        name = match.group(1)
        if name not in env:
            raise KeyError(f"{unit}: ${{{name}}} is not in the environment file")
        return env[name]

    argv = []
    for word in shlex.split(line):
        word = VARIABLE.sub(variable, word)
        word = word.replace("%H", host).replace("%%", "%")
        argv.append(word)
    if argv[0].startswith(INSTALLED_VENV_BIN):
        argv[0] = venv_bin.rstrip("/") + "/" + argv[0][len(INSTALLED_VENV_BIN) :]
    return argv


def timer_seconds(timer: str = "passculture-jobs.timer") -> float:
    """OnUnitActiveSec= of the jobs timer, in seconds (forms: 60, 60s, 1min, 2min 30s)."""
    value = unit_value(timer, "OnUnitActiveSec", "Timer")
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hr": 3600}
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value):
        if unit not in units:
            raise ValueError(f"{timer}: unit {unit!r} in OnUnitActiveSec={value}")
        total += float(number) * units[unit]
    if total <= 0:
        raise ValueError(f"{timer}: OnUnitActiveSec={value}")
    return total
