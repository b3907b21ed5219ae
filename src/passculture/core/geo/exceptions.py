from passculture.core.common.exceptions import InvalidInput


class AddressNotGeocoded(InvalidInput):
    code = "ADDRESS_NOT_GEOCODED"
    message = (
        "Nous n'avons pas pu situer cette adresse. Vérifiez le code postal et la ville, "
        "ou indiquez vous-même la latitude et la longitude du lieu (rubrique « Corriger la position »)."
    )


class InvalidCoordinates(InvalidInput):
    code = "INVALID_COORDINATES"
    message = (
        "Coordonnées invalides : la latitude doit être comprise entre -90 et 90 "
        "et la longitude entre -180 et 180 (degrés décimaux, ex. 48,8566 et 2,3522)."
    )


class CoordinatesIncomplete(InvalidInput):
    code = "COORDINATES_INCOMPLETE"
    message = "Indiquez à la fois la latitude et la longitude, ou laissez les deux vides."
