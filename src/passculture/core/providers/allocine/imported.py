"""A venue's imported offers as the import reads them (used by apply.py), each with its import category
(prices.py): one statement built once (core.common.rows), not a queryset compiled for every theatre.

Each offer comes with its import category's id and price (None without), read with the offers
themselves, so that an unchanged re-import costs no statement more.
"""

from django.db import connection

from passculture.core.common.rows import RowReader
from passculture.core.offers.models import Offer, PriceCategory

from .memo import REF_PREFIX
from .prices import ORIGIN


def _is_imported(connection, column) -> tuple[str, list]:
    # Not `provider_ref LIKE 'allocine:%'`: with the statistics of a table that just grew (after the first
    # national import) PostgreSQL intersects the venue index with the provider_ref index, that is reads the
    # ref of every imported offer of the country for each venue. Comparing the first characters leaves it
    # the venue index only.
    ref = column("", "provider_ref")
    first = "left({}, %s)" if connection.vendor == "postgresql" else "substr({}, 1, %s)"
    return f"{first.format(ref)} = %s", [len(REF_PREFIX), REF_PREFIX]


def _import_category(field: str):
    def build(connection, column) -> tuple[str, list]:
        quote = connection.ops.quote_name
        meta = PriceCategory._meta

        def name(attname: str) -> str:
            return quote(meta.get_field(attname).column)  # type: ignore[union-attr]

        # The category's first one of the import's origin, as prices.import_categories expects.
        return (
            f"SELECT c.{name(field)} FROM {quote(meta.db_table)} c "  # noqa: S608
            f"WHERE c.{name('offer')} = {column('', 'id')} AND c.{name('origin')} = %s "
            f"ORDER BY c.{name('id')} LIMIT 1",
            [ORIGIN.value],
        )

    return build


_IMPORTED_OFFERS = RowReader(
    Offer,
    where=("venue",),
    extra=(
        ("import_category_id", _import_category("id")),
        ("import_category_price", _import_category("price_cents")),
    ),
    condition=_is_imported,
)


def imported_offers(venue_id: int) -> list[Offer]:
    """The venue's imported offers (`provider_ref` "allocine:..."), in no particular order, each with
    `import_category_id` and `import_category_price`."""
    return _IMPORTED_OFFERS.all(connection, [venue_id])
