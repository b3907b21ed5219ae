"""One module per scenario. Each exposes `add_arguments(parser)` and `run(args) -> dict`."""

SCENARIOS = {
    "allocine_national": "benchmarks.scenarios.allocine_national",
    "bookings_export": "benchmarks.scenarios.bookings_export",
    "booking_contention": "benchmarks.scenarios.booking_contention",
    "cinema_sessions": "benchmarks.scenarios.cinema_sessions",
    "image_memory": "benchmarks.scenarios.image_memory",
    "multinode": "benchmarks.scenarios.multinode",
    "offer_search": "benchmarks.scenarios.offer_search",
    "page_weight": "benchmarks.scenarios.page_weight",
    "password_reset_timing": "benchmarks.scenarios.password_reset_timing",
    "reimbursements": "benchmarks.scenarios.reimbursements",
}
