import pytest

from passculture.core.geo.gazetteer import Gazetteer, get_gazetteer, normalise


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def _insee(communes):
    return [c.insee for c in communes]


def test_the_gazetteer_is_loaded_once_and_kept_in_memory():
    assert get_gazetteer() is get_gazetteer()


def test_paris_11_postal_code_leads_to_paris_and_its_arrondissement(gazetteer):
    communes = gazetteer.by_postal_code("75011")
    assert {"75056", "75111"} <= set(_insee(communes))
    assert all(c.department == "75" for c in communes)
    assert all(c.has_centre for c in communes)


def test_saint_denis_97400_is_in_la_reunion(gazetteer):
    (commune,) = [c for c in gazetteer.by_postal_code("97400") if c.name == "Saint-Denis"]
    assert (commune.insee, commune.department) == ("97411", "974")
    assert -21.5 < commune.latitude < -20.8 and 55.2 < commune.longitude < 55.9


def test_ajaccio_20000_is_in_corse_du_sud(gazetteer):
    assert [(c.name, c.department) for c in gazetteer.by_postal_code("20000")] == [("Ajaccio", "2A")]


def test_bastia_20200_is_in_haute_corse(gazetteer):
    assert ("Bastia", "2B") in [(c.name, c.department) for c in gazetteer.by_postal_code("20200")]


def test_marseille_13001_has_the_city_and_its_first_arrondissement(gazetteer):
    names = [c.name for c in gazetteer.by_postal_code("13001")]
    assert "Marseille" in names
    assert "Marseille 1er Arrondissement" in names


def test_les_abymes_97139_is_in_guadeloupe(gazetteer):
    (commune,) = gazetteer.by_postal_code("97139")
    assert (commune.name, commune.department, commune.insee) == ("Les Abymes", "971", "97101")
    assert commune.has_centre


def test_every_overseas_department_is_included(gazetteer):
    departments = {c.department for c in gazetteer.communes}
    assert {"971", "972", "973", "974", "976"} <= departments


def test_a_postal_code_shared_by_several_communes_gives_them_all_most_populated_first(gazetteer):
    communes = gazetteer.by_postal_code("97400")
    populations = [c.population or 0 for c in communes]
    assert len(communes) >= 1
    assert populations == sorted(populations, reverse=True)


def test_names_match_whatever_the_accents_case_and_hyphens(gazetteer):
    assert _insee(gazetteer.by_name("saint denis")) == _insee(gazetteer.by_name("SAINT-DENIS"))
    assert _insee(gazetteer.by_name("st denis")) == _insee(gazetteer.by_name("Saint-Denis"))
    assert {"93066", "97411"} <= set(_insee(gazetteer.by_name("saint denis")))
    assert _insee(gazetteer.by_name("evry courcouronnes")) == _insee(gazetteer.by_name("Évry-Courcouronnes"))


def test_names_can_be_searched_by_their_beginning(gazetteer):
    assert "13055" in _insee(gazetteer.by_name_prefix("marsei"))


def test_an_unknown_postal_code_or_name_finds_nothing(gazetteer):
    assert gazetteer.by_postal_code("00000") == []
    assert gazetteer.by_name("Xyzzyville") == []


def test_an_address_in_paris_is_placed_in_its_arrondissement(gazetteer):
    assert gazetteer.find("75011", "Paris").insee == "75111"


def test_the_postal_routing_label_still_finds_the_commune(gazetteer):
    assert gazetteer.find("20000", "AJACCIO CEDEX").insee == "2A004"


def test_a_city_not_behind_an_ambiguous_postal_code_finds_nothing(gazetteer):
    several = next(
        code for code, items in gazetteer._by_postal_code.items() if len({c.name for c in items}) > 2
    )
    assert gazetteer.find(several, "Xyzzyville") is None


def test_the_nearest_commune_of_a_point(gazetteer):
    assert gazetteer.nearest(-20.8823, 55.4504).insee == "97411"
    assert gazetteer.nearest(41.9192, 8.7386).insee == "2A004"


def test_normalise_folds_ligatures_and_abbreviations():
    assert normalise("Œuilly") == "oeuilly"
    assert normalise("Ste-Marie") == "sainte marie"
