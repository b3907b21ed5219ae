"""Runs one benchmark scenario and writes its result as JSON.

    python -m benchmarks.run [scenario] [--out benchmarks/results/<name>.json] [scenario options]

Exit status 0 when the scenario's correctness checks pass (e.g. zero oversell), 1 otherwise: a fast
but wrong run is a failure, never a result.
"""

import argparse
import datetime as dt
import importlib
import json
import sys
from pathlib import Path

from benchmarks.scenarios import SCENARIOS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_SCENARIO = "booking_contention"


def _chosen_scenario(argv: list[str] | None) -> str:
    """The scenario named on the command line, else the default."""
    words = sys.argv[1:] if argv is None else argv
    return next((word for word in words if word in SCENARIOS), DEFAULT_SCENARIO)


def build_parser(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """Only the chosen scenario's options are added: each scenario owns its options and their defaults
    (two scenarios may both have `--database-url`, each with its own default database)."""
    scenario = _chosen_scenario(argv)
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__.split("\n")[0],
        epilog="Scenarios: " + ", ".join(sorted(SCENARIOS)) + ". Options of one scenario: "
        "python -m benchmarks.run <scenario> --help",
    )
    parser.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO, choices=sorted(SCENARIOS))
    parser.add_argument(
        "--out", type=Path, help="JSON file (default: benchmarks/results/<scenario>-<time>.json)"
    )
    module = importlib.import_module(SCENARIOS[scenario])
    module.add_arguments(parser.add_argument_group(scenario))
    return parser, {scenario: module}


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser(argv)
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC)
    result = {
        "scenario": args.scenario,
        "started_at": started.isoformat(timespec="seconds"),
        **modules[args.scenario].run(args),
    }
    out = args.out or RESULTS_DIR / f"{args.scenario}-{started:%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(f"\nresult written to {out}")
    if not result.get("ok", False):
        print("CHECKS FAILED: see 'checks' in the result", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
