from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class FavouriteNotFound(NotFound):
    code = "FAVOURITE_NOT_FOUND"
    message = "Ce favori n'existe pas (ou plus)."


class FavouriteTargetNotFound(NotFound):
    code = "FAVOURITE_TARGET_NOT_FOUND"
    message = "Ce film ou ce cinéma n'existe pas (ou n'est plus visible)."


class FavouriteTargetInvalid(InvalidInput):
    code = "FAVOURITE_TARGET_INVALID"
    message = "Indique soit un film, soit un cinéma."


class TooManyFavourites(DomainError):
    code = "FAVOURITES_LIMIT_REACHED"
    message = "Tu as atteint le nombre maximal de favoris (500). Retires-en quelques-uns pour en ajouter."
