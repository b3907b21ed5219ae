"""One module per scenario. Each exposes `add_arguments(parser)` and `run(args) -> dict`."""

SCENARIOS = {
    "booking_contention": "benchmarks.scenarios.booking_contention",
}
