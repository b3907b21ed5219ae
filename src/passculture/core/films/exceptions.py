from passculture.core.common.exceptions import InvalidInput, NotFound


class FilmNotFound(NotFound):
    code = "FILM_NOT_FOUND"
    message = "Film introuvable : cherchez-le de nouveau ou créez-le."


class FilmTitleRequired(InvalidInput):
    code = "FILM_TITLE_REQUIRED"
    message = "Indiquez le titre du film."


class FilmFieldTooLong(InvalidInput):
    code = "FILM_FIELD_TOO_LONG"
    message = "Un des champs du film est trop long."


class InvalidFilmYear(InvalidInput):
    code = "INVALID_FILM_YEAR"
    message = "L'année du film doit être comprise entre 1895 et cinq ans après l'année en cours."


class InvalidVisa(InvalidInput):
    code = "INVALID_VISA"
    message = "Le numéro de visa ne contient que des chiffres (de 1 à 10), par exemple 158963."


class InvalidFilmDuration(InvalidInput):
    code = "INVALID_FILM_DURATION"
    message = "La durée du film doit être comprise entre 1 et 1440 minutes."


class FilmOnlyForShowtimes(InvalidInput):
    code = "FILM_ONLY_FOR_SHOWTIMES"
    message = "Seule une séance de cinéma peut être liée à un film : retirez le film ou changez de catégorie."


class FilmMergeNeedsTwo(InvalidInput):
    code = "FILM_MERGE_NEEDS_TWO"
    message = "Choisissez au moins deux films à fusionner, dont celui à garder."
