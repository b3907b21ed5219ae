"""`python -m passculture.demo.reference_ticketing --port 8765 --secret ...`: run it standalone."""

import argparse
import os
import sys

from .server import ReferenceTicketingServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m passculture.demo.reference_ticketing", description="Reference ticketing system."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--secret",
        default=os.environ.get("REFERENCE_TICKETING_SECRET", ""),
        help="the provider's HMAC secret (or REFERENCE_TICKETING_SECRET)",
    )
    parser.add_argument("--seed", type=int, default=None, help="reproducible barcodes")
    parser.add_argument(
        "--showtime",
        action="append",
        default=[],
        metavar="STOCK_ID[:CAPACITY]",
        help="a showtime to sell (rows A-J of 12 seats), repeatable",
    )
    parser.add_argument("--auto-create", action="store_true", help="sell any unknown stock id (120 seats)")
    parser.add_argument("--no-control", action="store_true", help="disable the test-only /_control/ API")
    parser.add_argument("--verbose", action="store_true", help="log each request")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("a secret is required (--secret or REFERENCE_TICKETING_SECRET)")
    server = ReferenceTicketingServer(
        args.secret,
        host=args.host,
        port=args.port,
        control=not args.no_control,
        auto_create_showtimes=args.auto_create,
        seed=args.seed,
        verbose=args.verbose,
    )
    for spec in args.showtime:
        stock_id, _, capacity = spec.partition(":")
        server.state.add_showtime(stock_id, capacity=int(capacity) if capacity.isdigit() else None)
    print(f"bookingUrl:      {server.booking_url}")
    print(f"cancelUrl:       {server.cancel_url}")
    print(f"notificationUrl: {server.notification_url}")
    if not args.no_control:
        print(f"control (tests): {server.base_url}/_control/state")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
