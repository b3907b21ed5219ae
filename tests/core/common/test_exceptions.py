from passculture.core.common.exceptions import DomainError, NotFound


def test_domain_error_carries_a_stable_code_and_a_french_message():
    error = NotFound()
    assert error.code == "NOT_FOUND"
    assert error.message == "Objet introuvable."
    assert str(error) == "NOT_FOUND: Objet introuvable."


def test_domain_error_message_and_code_can_be_specialised_per_raise():
    error = DomainError("Contremarque illisible.", code="UNREADABLE", token="AB")
    assert (error.code, error.message, error.details) == (
        "UNREADABLE",
        "Contremarque illisible.",
        {"token": "AB"},
    )
    assert DomainError.code == "DOMAIN_ERROR"
