from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class OfferNotFound(NotFound):
    code = "OFFER_NOT_FOUND"
    message = "Offre introuvable."


class StockNotFound(NotFound):
    code = "STOCK_NOT_FOUND"
    message = "Séance ou stock introuvable."


class OfferInactive(DomainError):
    code = "OFFER_INACTIVE"
    message = "Cette offre n'est plus disponible."


class VenueNotValidated(DomainError):
    code = "VENUE_NOT_VALIDATED"
    message = "Ce lieu n'est pas encore validé par le pass Culture."


class OffererNotValidated(DomainError):
    code = "OFFERER_NOT_VALIDATED"
    message = "Cette structure n'est pas encore validée par le pass Culture."


class StockDeleted(DomainError):
    code = "STOCK_DELETED"
    message = "Cette séance a été supprimée."


class BookingLimitPassed(DomainError):
    code = "BOOKING_LIMIT_PASSED"
    message = "La date limite de réservation de cette offre est dépassée."


class EventStarted(DomainError):
    code = "EVENT_STARTED"
    message = "Cette séance a déjà commencé."


class NotEnoughPlaces(DomainError):
    code = "NOT_ENOUGH_PLACES"
    message = "Il n'y a plus assez de places disponibles pour cette séance."


class InvalidPrice(InvalidInput):
    code = "INVALID_PRICE"
    message = "Le prix doit être positif ou nul."


class ThingPriceTooHigh(InvalidInput):
    code = "PRICE_TOO_HIGH"
    message = "Le prix d'une offre hors séance ne peut pas dépasser 300 €."


class PriceAboveMaximum(InvalidInput):
    code = "PRICE_TOO_HIGH"
    message = "Le prix ne peut pas dépasser 1 000 €."


class QuantityTooHigh(InvalidInput):
    code = "STOCK_QUANTITY_TOO_HIGH"
    message = "Le nombre de places ne peut pas dépasser 100 000."


class StockDateOutOfRange(InvalidInput):
    """Raised with the allowed days, in the venue's calendar."""

    code = "STOCK_DATE_OUT_OF_RANGE"
    message = "La date de la séance doit être comprise entre aujourd'hui et dans deux ans."


class InvalidQuantity(InvalidInput):
    code = "INVALID_STOCK_QUANTITY"
    message = "Le nombre de places doit être positif, ou vide pour illimité."


class BeginningRequired(InvalidInput):
    code = "BEGINNING_REQUIRED"
    message = "Une séance doit avoir une date et une heure."


class BookingLimitAfterBeginning(InvalidInput):
    code = "BOOKING_LIMIT_AFTER_BEGINNING"
    message = "La date limite de réservation doit précéder le début de la séance."


class QuantityBelowBookings(InvalidInput):
    code = "QUANTITY_BELOW_BOOKINGS"
    message = "Le nombre de places ne peut pas être inférieur au nombre de places déjà réservées."


class StockDeletionTooLate(DomainError):
    code = "STOCK_DELETION_TOO_LATE"
    message = "Une séance ne peut plus être supprimée plus de 48 h après son début."


class StockStartInPast(DomainError):
    code = "STOCK_START_IN_PAST"
    message = "Une séance ne peut pas être déplacée à une date passée."


class StockAlreadyStarted(DomainError):
    code = "STOCK_ALREADY_STARTED"
    message = "Cette séance a déjà commencé : sa date et son prix ne peuvent plus être modifiés."


class StockBookingsChanged(DomainError):
    code = "STOCK_BOOKINGS_CHANGED"
    message = "De nouvelles réservations ont été faites sur cette séance : vérifiez avant de la supprimer."


class OfferNameRequired(InvalidInput):
    code = "OFFER_NAME_REQUIRED"
    message = "Le titre de l'offre est obligatoire."


class InvalidCategory(InvalidInput):
    code = "INVALID_CATEGORY"
    message = "Cette catégorie d'offre n'existe pas."


class DescriptionTooLong(InvalidInput):
    code = "DESCRIPTION_TOO_LONG"
    message = "La description ne peut pas dépasser 1000 caractères."


class InvalidDuration(InvalidInput):
    code = "INVALID_DURATION"
    message = "La durée doit être comprise entre 1 et 1440 minutes."


class InvalidLanguage(InvalidInput):
    code = "INVALID_LANGUAGE"
    message = "Une des langues choisies n'est pas proposée."


class ShowtimesForEventsOnly(InvalidInput):
    code = "SHOWTIMES_FOR_EVENTS_ONLY"
    message = "Seule une séance de cinéma peut recevoir des séances datées."


class ThingOfferHasAStock(InvalidInput):
    code = "THING_OFFER_HAS_A_STOCK"
    message = "Cette offre a déjà un stock : modifiez-le plutôt que d'en ajouter un."


class ScheduleEndBeforeStart(InvalidInput):
    code = "SCHEDULE_END_BEFORE_START"
    message = "La date de fin doit être postérieure ou égale à la date de début."


class ScheduleTooLong(InvalidInput):
    code = "SCHEDULE_TOO_LONG"
    message = "La période ne peut pas dépasser 366 jours."


class ScheduleWithoutTime(InvalidInput):
    code = "SCHEDULE_WITHOUT_TIME"
    message = "Indiquez au moins un horaire."


class InvalidBookingLimitDelay(InvalidInput):
    code = "INVALID_BOOKING_LIMIT_DELAY"
    message = "Le délai de réservation doit être compris entre 0 et 720 heures avant la séance."


class TooManyShowtimes(InvalidInput):
    code = "TOO_MANY_SHOWTIMES"
    message = "Trop de séances d'un coup : 500 au maximum par envoi."


class NoShowtimeToCreate(InvalidInput):
    code = "NO_SHOWTIME_TO_CREATE"
    message = "Aucune séance à créer : toutes sont passées ou existent déjà."


class ImageTooLarge(InvalidInput):
    code = "IMAGE_TOO_LARGE"
    message = "L'image est trop lourde : 10 Mo au maximum."


class ImageInvalidType(InvalidInput):
    code = "IMAGE_INVALID_TYPE"
    message = "Format d'image non accepté : envoyez un fichier JPEG, PNG ou WebP."


class ImageTooSmall(InvalidInput):
    code = "IMAGE_TOO_SMALL"
    message = "L'image est trop petite : 400 × 600 pixels au minimum (largeur × hauteur)."


class ImageTooManyPixels(InvalidInput):
    code = "IMAGE_TOO_MANY_PIXELS"
    message = (
        "L'image a trop de pixels pour être traitée : 64 millions au maximum (par exemple 8000 × 8000). "
        "Réduisez ses dimensions et envoyez-la de nouveau."
    )


class ImageUnreadable(InvalidInput):
    code = "IMAGE_UNREADABLE"
    message = "L'image est illisible ou incomplète : réenregistrez-la et envoyez-la de nouveau."


# --- Search (core/offers/search/) ---------------------------------------------------------------


class InvalidRadius(InvalidInput):
    code = "INVALID_RADIUS"
    message = "Rayon de recherche invalide : choisissez 5, 10, 20, 50 ou 100 km."


class InvalidSearchDate(InvalidInput):
    code = "INVALID_DATE"
    message = (
        "Date invalide : indiquez « today » (aujourd'hui), « tomorrow » (demain), « week » (les 7 "
        "prochains jours) ou un jour au format AAAA-MM-JJ."
    )


class InvalidPagination(InvalidInput):
    code = "INVALID_PAGINATION"
    message = "Pagination invalide : limit doit être compris entre 1 et 50, offset entre 0 et 500."


class SearchTextTooLong(InvalidInput):
    code = "SEARCH_TEXT_TOO_LONG"
    message = "Texte de recherche trop long : 100 caractères au maximum."


class PlaceNotFound(InvalidInput):
    code = "PLACE_NOT_FOUND"
    message = "Nous ne trouvons pas ce lieu : vérifiez le nom de la ville ou le code postal (5 chiffres)."


class InvalidVersionFilter(InvalidInput):
    code = "INVALID_VERSION"
    message = "Version invalide : choisissez « VO » (version originale) ou « VF » (version française)."


class InvalidBudget(InvalidInput):
    code = "INVALID_BUDGET"
    message = "Budget invalide : un prix maximal en centimes, de 0 à 100000."


class InvalidAccessibilityFilter(InvalidInput):
    code = "INVALID_ACCESSIBILITY"
    message = (
        "Accessibilité invalide : choisissez « any » (au moins un handicap), « motor », « visual », "
        "« audio » ou « mental »."
    )


class InvalidFlag(InvalidInput):
    code = "INVALID_FLAG"
    message = "Valeur invalide : indiquez « true » ou « false »."


# --- Film calendar (core/offers/search/calendar.py) -----------------------------------------------


class FilmReferenceRequired(InvalidInput):
    code = "FILM_REFERENCE_REQUIRED"
    message = "Indiquez le film : filmId, allocineId ou visa (un seul des trois)."


class InvalidFilmReference(InvalidInput):
    code = "INVALID_FILM_REFERENCE"
    message = "Référence de film invalide : filmId est un nombre, allocineId et visa au plus 32 chiffres."


class FilmNotFound(NotFound):
    code = "FILM_NOT_FOUND"
    message = "Ce film n'est pas (ou plus) à l'affiche."


class InvalidCalendarPeriod(InvalidInput):
    code = "INVALID_PERIOD"
    message = (
        "Période invalide : from et to au format AAAA-MM-JJ, from au plus tôt hier, to après from, "
        "31 jours au plus."
    )


# --- Offers created step by step (core/offers/drafts.py) -----------------------------------------


class OfferIsDraft(InvalidInput):
    code = "OFFER_IS_DRAFT"
    message = "Cette offre est un brouillon : terminez ses étapes et publiez-la pour la rendre visible."


class OfferNotDraft(InvalidInput):
    code = "OFFER_NOT_DRAFT"
    message = "Cette offre est déjà publiée : modifiez-la depuis sa page."


class OfferDraftIncomplete(InvalidInput):
    code = "OFFER_DRAFT_INCOMPLETE"
    message = "L'offre ne peut pas encore être publiée."


class PosterChoiceRequired(InvalidInput):
    code = "POSTER_CHOICE_REQUIRED"
    message = (
        "Choisissez l'image de l'offre : envoyez une image, prenez l'affiche du film, ou cochez "
        "« Sans affiche » pour publier sans image."
    )


class FilmWithoutPoster(InvalidInput):
    code = "FILM_WITHOUT_POSTER"
    message = "Ce film n'a pas d'affiche : envoyez une image ou choisissez « Sans affiche »."


class ImageSourceMissing(InvalidInput):
    code = "IMAGE_SOURCE_MISSING"
    message = "Aucune image à recadrer : envoyez d'abord une image."


# --- Price categories (decision 0027) -------------------------------------------------------------


class PriceCategoryLabelInvalid(InvalidInput):
    code = "PRICE_CATEGORY_LABEL_INVALID"
    message = "Le libellé du tarif doit contenir entre 1 et 50 caractères."


class PriceCategoryLabelAlreadyExists(DomainError):
    code = "PRICE_CATEGORY_LABEL_ALREADY_EXISTS"
    message = "Ce lieu a déjà un libellé de tarif portant ce nom."


class PriceCategoryLabelInUse(DomainError):
    code = "PRICE_CATEGORY_LABEL_IN_USE"
    message = "Ce libellé est utilisé par un tarif d'une offre : il ne peut pas être supprimé."


class PriceCategoryLabelNotFound(NotFound):
    code = "PRICE_CATEGORY_LABEL_NOT_FOUND"
    message = "Libellé de tarif introuvable."


class PriceCategoryNotFound(NotFound):
    code = "PRICE_CATEGORY_NOT_FOUND"
    message = "Tarif introuvable."


class PriceCategoryAlreadyExists(DomainError):
    code = "PRICE_CATEGORY_ALREADY_EXISTS"
    message = "Cette offre a déjà un tarif portant ce libellé."


class PriceCategoryIdAtProviderTaken(DomainError):
    code = "ID_AT_PROVIDER_TAKEN"
    message = "Cet identifiant chez le fournisseur est déjà utilisé par un autre tarif de cette offre."


class IdAtProviderInvalid(InvalidInput):
    code = "ID_AT_PROVIDER_INVALID"
    message = "L'identifiant chez le fournisseur doit contenir au plus 70 caractères."


class PriceCategoryInUse(DomainError):
    code = "PRICE_CATEGORY_IN_USE"
    message = "Des séances utilisent ce tarif : supprimez-les ou changez leur tarif avant de le supprimer."


class PriceCategoriesForEventsOnly(InvalidInput):
    code = "PRICE_CATEGORIES_FOR_EVENTS_ONLY"
    message = "Seules les séances ont plusieurs tarifs ; une carte ou un abonnement a un prix unique."
