"""Answers of the national address API's /search/ endpoint, in its recorded shape (GeoJSON
FeatureCollection, [lon, lat] points, BAN properties), replayed by a local pytest-httpserver."""


def _feature(lon, lat, **properties):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _collection(query, features, **filters):
    return {
        "type": "FeatureCollection",
        "version": "draft",
        "features": features,
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": query,
        "filters": filters,
        "limit": 5,
    }


PARIS_VOLTAIRE = _collection(
    "10 boulevard Voltaire 75011 Paris",
    [
        _feature(
            2.366923,
            48.865284,
            label="10 Boulevard Voltaire 75011 Paris",
            score=0.9712345454545454,
            housenumber="10",
            id="75111_9907_00010",
            banId="0b9d5ab4-1c25-4f4a-8c1e-3d6d2c1f7e10",
            name="10 Boulevard Voltaire",
            postcode="75011",
            citycode="75111",
            x=653224.15,
            y=6863122.63,
            city="Paris",
            district="Paris 11e Arrondissement",
            context="75, Paris, Île-de-France",
            type="housenumber",
            importance=0.68357,
            street="Boulevard Voltaire",
        ),
        _feature(
            2.378801,
            48.858076,
            label="Boulevard Voltaire 75011 Paris",
            score=0.7061,
            id="75111_9907",
            name="Boulevard Voltaire",
            postcode="75011",
            citycode="75111",
            x=654085.9,
            y=6862318.58,
            city="Paris",
            district="Paris 11e Arrondissement",
            context="75, Paris, Île-de-France",
            type="street",
            importance=0.7672,
        ),
    ],
    postcode="75011",
)

REUNION_RUE_DE_PARIS = _collection(
    "2 rue de Paris 97400 Saint-Denis",
    [
        _feature(
            55.450859,
            -20.879164,
            label="2 Rue de Paris 97400 Saint-Denis",
            score=0.9588,
            housenumber="2",
            id="97411_1234_00002",
            name="2 Rue de Paris",
            postcode="97400",
            citycode="97411",
            x=338711.2,
            y=7690448.1,
            city="Saint-Denis",
            context="974, La Réunion",
            type="housenumber",
            importance=0.6534,
            street="Rue de Paris",
        )
    ],
    postcode="97400",
)

# A vague query: the best guess is another street, far below the acceptance score.
LOW_SCORE = _collection(
    "zzz 97400 Saint-Denis",
    [
        _feature(
            55.4481,
            -20.8823,
            label="Rue Zadig 97400 Saint-Denis",
            score=0.31,
            name="Rue Zadig",
            postcode="97400",
            citycode="97411",
            city="Saint-Denis",
            context="974, La Réunion",
            type="street",
        )
    ],
    postcode="97400",
)

EMPTY = _collection("nulle part 75011 Paris", [], postcode="75011")
