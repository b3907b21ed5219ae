"""The import's price category (decision 0027): Allociné's one price is one category per imported offer.

Each imported offer has one category of origin ALLOCINE, at the venue's import price, which the import
creates and keeps at that price; its showtimes use it. The import reads and writes only the categories of
its own origin: a category a pro made by hand (MANUAL) is never changed, nor a showtime whose category
the pro chose (`Stock.edited_fields` holds "price_category"), nor one whose price they set by hand before
categories ("price_cents").

The category's label is the venue's: the label of the venue's latest imported category (a pro may rename
it on the labels page, and the next films follow), else "Tarif unique". On an offer where the pro already
gave that label to a category of their own, the import's category is "Tarif AlloCiné".

Cost: the import category of each offer is read with the offers (imported.py); reads and
writes happen only when a category is missing or the price changed, so that an unchanged re-import
runs the same statements as before categories.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from passculture.core.common.rows import insert as insert_instances
from passculture.core.common.rows import quoted_column
from passculture.core.common.time import now as utcnow
from passculture.core.offers.constants import UNIQUE_PRICE_LABEL
from passculture.core.offers.models import Offer, PriceCategory, PriceCategoryLabel, PriceCategoryOrigin
from passculture.core.offers.price_categories import clean_label, get_or_create_label

FALLBACK_LABEL = "Tarif AlloCiné"
ORIGIN = PriceCategoryOrigin.ALLOCINE


def _default_label_id(venue) -> int:
    """The label of the venue's latest import category, else its "Tarif unique" (made when missing).
    One query (two scalar subqueries) where the ORM took two or three, and one INSERT to make it: a
    first national import asks this of every theatre."""
    text = clean_label(UNIQUE_PRICE_LABEL)
    with connection.cursor() as cursor:
        cursor.execute(_label_sql(connection), [venue.pk, ORIGIN.value, venue.pk, text])
        latest, named = cursor.fetchone()
    if latest is not None:
        return latest
    if named is not None:
        return named
    return _create_label_id(venue, text)


def _create_label_id(venue, text: str) -> int:
    """A new label of the venue; one made meanwhile by another import (the unique constraint) is read."""
    if connection.features.can_return_rows_from_bulk_insert:  # INSERT ... RETURNING
        meta = PriceCategoryLabel._meta
        quote = connection.ops.quote_name
        column = meta.get_field("venue").column  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute(
                # Names come from the model, quoted; the values are parameters.
                f"INSERT INTO {quote(meta.db_table)} ({quote(column)}, {quote(meta.get_field('label').column)}) "  # noqa: S608
                f"VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING {quote(meta.pk.column)}",
                [venue.pk, text],
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    return get_or_create_label(venue, text).pk


_LABEL_SQL: dict[str, str] = {}


def _label_sql(connection) -> str:
    sql = _LABEL_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        category = functools.partial(quoted_column, connection, PriceCategory)
        label = functools.partial(quoted_column, connection, PriceCategoryLabel)
        pk = quote("id")
        c, lbl = quote(PriceCategory._meta.db_table), quote(PriceCategoryLabel._meta.db_table)
        # Names come from the models, quoted; the values are parameters.
        sql = _LABEL_SQL[connection.vendor] = (
            f"SELECT (SELECT c.{category('label')} FROM {c} c "  # noqa: S608
            f"INNER JOIN {lbl} l ON l.{pk} = c.{category('label')} "
            f"WHERE l.{label('venue')} = %s AND c.{category('origin')} = %s "
            f"ORDER BY c.{pk} DESC LIMIT 1), "
            f"(SELECT {pk} FROM {lbl} WHERE {label('venue')} = %s AND {label('label')} = %s)"
        )
    return sql


def import_categories(
    venue, offers: Iterable[Offer], price_cents: int, *, new_offers: bool = False
) -> dict[int, int]:
    """{offer id: id of its import category} for these imported offers of the venue (saved, read with
    `imported.imported_offers` or just created), each at `price_cents`: missing ones are created, ones at
    another price (the settings changed) updated. `new_offers`: offers just created, which have no
    category of any origin yet."""
    ours: dict[int, int] = {}
    stale: list[int] = []
    missing: list[int] = []
    for offer in offers:
        category_id = getattr(offer, "import_category_id", None)
        if category_id is None:
            missing.append(offer.pk)
            continue
        ours[offer.pk] = category_id
        if getattr(offer, "import_category_price", None) != price_cents:
            stale.append(category_id)
    if stale:
        PriceCategory.objects.filter(pk__in=stale, origin=ORIGIN).update(
            price_cents=price_cents, updated_at=utcnow()
        )
    if not missing:
        return ours
    taken: dict[int, set[int]] = defaultdict(set)
    if not new_offers:
        for offer_id, label_id in PriceCategory.objects.filter(offer_id__in=missing).values_list(
            "offer_id", "label_id"
        ):
            taken[offer_id].add(label_id)
    labels = [_default_label_id(venue)]
    new_rows: list[PriceCategory] = []
    for offer_id in missing:
        if labels[0] in taken[offer_id]:
            if len(labels) == 1:
                labels.append(get_or_create_label(venue, FALLBACK_LABEL).pk)
            if labels[1] in taken[offer_id]:
                continue  # both names are the pro's on this offer: its showtimes keep their own price
            label_id = labels[1]
        else:
            label_id = labels[0]
        new_rows.append(
            PriceCategory(offer_id=offer_id, label_id=label_id, price_cents=price_cents, origin=ORIGIN)
        )
    # One INSERT ... RETURNING built once per number of rows (core.common.rows), not bulk_create's.
    insert_instances(connection, new_rows)
    for category in new_rows:
        ours[category.offer_id] = category.pk
    return ours
