"""The import's price category (decision 0027): Allociné's one price is one category per imported offer.

Each imported offer has one category of origin ALLOCINE, at the venue's import price, which the import
creates and keeps at that price; its showtimes use it. The import reads and writes only the categories of
its own origin: a category a pro made by hand (MANUAL) is never changed, nor a showtime whose category
the pro chose (`Stock.edited_fields` holds "price_category"), nor one whose price they set by hand before
categories ("price_cents").

The category's label is the venue's: the label of the venue's latest imported category (a pro may rename
it on the labels page, and the next films follow), else "Tarif unique". On an offer where the pro already
gave that label to a category of their own, the import's category is "Tarif AlloCiné".

Cost: the import category of each offer is read with the offers (`with_import_category`); reads and
writes happen only when a category is missing or the price changed, so that an unchanged re-import
runs the same statements as before categories.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from passculture.core.common.time import now as utcnow
from passculture.core.offers.constants import UNIQUE_PRICE_LABEL
from passculture.core.offers.models import Offer, PriceCategory, PriceCategoryLabel, PriceCategoryOrigin
from passculture.core.offers.price_categories import get_or_create_label

FALLBACK_LABEL = "Tarif AlloCiné"
ORIGIN = PriceCategoryOrigin.ALLOCINE


def _default_label(venue) -> PriceCategoryLabel:
    label_id = (
        PriceCategory.objects.filter(label__venue=venue, origin=ORIGIN)
        .order_by("-id")
        .values_list("label_id", flat=True)
        .first()
    )
    if label_id is not None:
        return PriceCategoryLabel.objects.get(pk=label_id)
    return get_or_create_label(venue, UNIQUE_PRICE_LABEL)


def with_import_category(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """The imported offers, each with its import category's id and price (None without): read with
    the offers themselves, so that an unchanged re-import costs no statement more."""
    ours = PriceCategory.objects.filter(offer_id=OuterRef("pk"), origin=ORIGIN).order_by("id")
    return offers.annotate(
        import_category_id=Subquery(ours.values("pk")[:1]),
        import_category_price=Subquery(ours.values("price_cents")[:1]),
    )


def import_categories(
    venue, offers: Iterable[Offer], price_cents: int, *, new_offers: bool = False
) -> dict[int, int]:
    """{offer id: id of its import category} for these imported offers of the venue (saved, read with
    `with_import_category` or just created), each at `price_cents`: missing ones are created, ones at
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
    labels = [_default_label(venue)]
    new_rows: list[PriceCategory] = []
    for offer_id in missing:
        if labels[0].pk in taken[offer_id]:
            if len(labels) == 1:
                labels.append(get_or_create_label(venue, FALLBACK_LABEL))
            if labels[1].pk in taken[offer_id]:
                continue  # both names are the pro's on this offer: its showtimes keep their own price
            label = labels[1]
        else:
            label = labels[0]
        new_rows.append(PriceCategory(offer_id=offer_id, label=label, price_cents=price_cents, origin=ORIGIN))
    for category in PriceCategory.objects.bulk_create(new_rows):
        ours[category.offer_id] = category.pk
    return ours
