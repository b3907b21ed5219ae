"""The demo catalogue: fictional cinemas at real addresses, fictional films, the demo accounts.

Cinema and film names are invented (the SIREN/SIRET are generated) so that nothing here can be
mistaken for a real business; the addresses and coordinates are real places so that maps and
distance search look right.
"""

from dataclasses import dataclass

DEMO_PASSWORD = "Demo-pass-2026!"  # noqa: S105 - published demo password, printed by the command
DEMO_EMAIL_DOMAIN = "demo.passculture.local"
SEED = 20260826


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


ADMIN_EMAIL = demo_email("admin")
PRO_EMAIL = demo_email("pro")
PRO_PENDING_EMAIL = demo_email("pro.attente")
YOUNG_EMAIL = demo_email("jeune")
YOUNG_SPENT_EMAIL = demo_email("jeune.depense")
YOUNG_EXPIRED_EMAIL = demo_email("jeune.expire")
YOUNG_17_EMAIL = demo_email("jeune17")
# A credit ending in 25 days: its 30-day reminder waits in the outbox (decision 0033, demo/reminders.py).
YOUNG_ENDING_EMAIL = demo_email("jeune.fin")
YOUNG_PENDING_EMAIL = demo_email("jeune.verification")  # identity check waiting for staff (demo/identity.py)

# Printed in this order.
ACCOUNT_EMAILS = (
    YOUNG_EMAIL,
    YOUNG_SPENT_EMAIL,
    YOUNG_EXPIRED_EMAIL,
    YOUNG_17_EMAIL,
    YOUNG_PENDING_EMAIL,
    PRO_EMAIL,
    PRO_PENDING_EMAIL,
    ADMIN_EMAIL,
)


@dataclass(frozen=True)
class CinemaData:
    key: str
    name: str
    address: str
    postal_code: str
    city: str
    latitude: float
    longitude: float
    base_price_cents: int


@dataclass(frozen=True)
class OffererData:
    key: str
    name: str
    address: str
    postal_code: str
    city: str
    validated: bool
    cinemas: tuple[CinemaData, ...]


OFFERERS: tuple[OffererData, ...] = (
    OffererData(
        key="ecrans",
        name="Écrans de France (démo)",
        address="7 place Saint-Michel",
        postal_code="75005",
        city="Paris",
        validated=True,
        cinemas=(
            CinemaData("paris-st-michel", "Ciné Lumière Saint-Michel", "7 place Saint-Michel",
                       "75005", "Paris", 48.853200, 2.344000, 850),
            CinemaData("paris-belleville", "Ciné Lumière Belleville", "120 boulevard de Belleville",
                       "75020", "Paris", 48.872200, 2.376900, 750),
            CinemaData("lyon-bellecour", "Ciné Lumière Bellecour", "2 place Bellecour",
                       "69002", "Lyon", 45.757800, 4.832000, 800),
            CinemaData("marseille-vieux-port", "Ciné Lumière Vieux-Port", "10 quai du Port",
                       "13002", "Marseille", 43.296200, 5.370000, 700),
            CinemaData("bordeaux-chartrons", "Ciné Lumière Chartrons", "15 quai des Chartrons",
                       "33000", "Bordeaux", 44.849000, -0.570300, 750),
            CinemaData("lille-grand-place", "Ciné Lumière Grand'Place", "5 place du Général de Gaulle",
                       "59800", "Lille", 50.637000, 3.063500, 700),
            CinemaData("toulouse-capitole", "Ciné Lumière Capitole", "12 place du Capitole",
                       "31000", "Toulouse", 43.604500, 1.444000, 650),
        ),
    ),
    OffererData(
        key="nantes",
        name="Le Carré Nantais (démo)",
        address="3 rue Crébillon",
        postal_code="44000",
        city="Nantes",
        validated=True,
        cinemas=(
            CinemaData("nantes-crebillon", "Le Carré Nantais", "3 rue Crébillon",
                       "44000", "Nantes", 47.213300, -1.560000, 600),
        ),
    ),
    OffererData(
        key="ocean",
        name="Ciné Océan Réunion (démo)",
        address="2 rue de Paris",
        postal_code="97400",
        city="Saint-Denis",
        validated=True,
        cinemas=(
            CinemaData("saint-denis-974", "Ciné Océan Saint-Denis", "2 rue de Paris",
                       "97400", "Saint-Denis", -20.879000, 55.448500, 650),
            CinemaData("saint-pierre-974", "Ciné Océan Saint-Pierre", "boulevard Hubert Delisle",
                       "97410", "Saint-Pierre", -21.340600, 55.477800, 600),
        ),
    ),
    OffererData(
        key="cathedrale",
        name="Ciné Cathédrale (démo, en attente)",
        address="place de la Cathédrale",
        postal_code="67000",
        city="Strasbourg",
        validated=False,
        cinemas=(
            CinemaData("strasbourg-cathedrale", "Ciné Cathédrale", "place de la Cathédrale",
                       "67000", "Strasbourg", 48.581800, 7.750700, 750),
        ),
    ),
)  # fmt: skip

# Cinemas that get one daily digest of their bookings instead of one email per booking (decision 0035):
# the same structure as Saint-Michel, which keeps the email per booking, so both are seen side by side.
DIGEST_CINEMAS = frozenset({"paris-belleville"})


@dataclass(frozen=True)
class FilmData:
    title: str
    genre: str
    duration_minutes: int
    language: str  # ISO 639-1 of the original version; "fr" films are shown in VF only
    synopsis: str


FILMS: tuple[FilmData, ...] = (
    FilmData("Les Lumières de Belleville", "Comédie dramatique", 104, "fr",
             "Dans un café de Belleville, une serveuse et un projectionniste à la retraite montent un ciné-club clandestin."),
    FilmData("Le Dernier Été à Sète", "Drame", 98, "fr",
             "Trois amis d'enfance se retrouvent pour un dernier été avant que la maison familiale ne soit vendue."),
    FilmData("Orbite basse", "Science-fiction", 126, "en",
             "Une ingénieure coincée dans une station spatiale vieillissante doit la faire redescendre seule."),
    FilmData("La Forêt des murmures", "Animation", 84, "fr",
             "Une petite fille découvre que les arbres de la forêt voisine se parlent la nuit."),
    FilmData("Code Minuit", "Thriller", 112, "en",
             "Un hacker repenti a jusqu'à minuit pour empêcher la panne géante du réseau électrique européen."),
    FilmData("Nos Années lycée", "Comédie", 95, "fr",
             "Vingt ans après le bac, une classe entière se retrouve pour une soirée qui tourne mal."),
    FilmData("Le Chant du volcan", "Documentaire", 88, "fr",
             "Une année au pied du piton de la Fournaise avec les scientifiques qui l'écoutent respirer."),
    FilmData("Les Héritiers du phare", "Aventure", 118, "fr",
             "Deux cousins héritent d'un phare breton et d'une carte au trésor qu'aucun adulte ne prend au sérieux."),
    FilmData("Neon Tokyo", "Action", 121, "ja",
             "Une coursière à moto traverse Tokyo en une nuit pour livrer un colis que tout le monde convoite."),
    FilmData("Un hiver à Montréal", "Romance", 101, "fr",
             "Une étudiante française et un musicien québécois partagent un appartement trop petit pour deux."),
    FilmData("La Cuisine de Mamie Rose", "Comédie", 92, "fr",
             "Pour sauver le restaurant familial, une grand-mère s'inscrit à un concours de cuisine télévisé."),
    FilmData("Sous la surface", "Horreur", 99, "en",
             "Une équipe de plongeurs explore une épave qui n'apparaît sur aucune carte."),
    FilmData("Le Grand Détour", "Road movie", 107, "fr",
             "Un père et sa fille traversent la France en deux-chevaux pour rendre une lettre vieille de trente ans."),
    FilmData("Mémoires d'un robot", "Science-fiction", 115, "fr",
             "Un robot domestique retrouve des souvenirs qui ne sont pas les siens."),
    FilmData("Les Filles du quai", "Drame", 110, "fr",
             "Sur le port de Marseille, trois dockeuses se battent pour garder leur emploi."),
    FilmData("El Último Tango", "Musical", 103, "es",
             "À Buenos Aires, un vieux bandonéoniste accepte de former une jeune danseuse impertinente."),
    FilmData("Petit Pied et le Géant", "Animation", 79, "fr",
             "Un lutin minuscule se lie d'amitié avec un géant qui a peur du noir."),
    FilmData("Le Procès Valmont", "Policier", 124, "fr",
             "Une avocate commise d'office découvre que son client est peut-être innocent."),
    FilmData("Wild Coast", "Documentaire", 90, "en",
             "Des côtes d'Irlande à celles de l'Écosse, une année avec les phoques gris."),
    FilmData("Rue des Bouchers", "Comédie", 97, "fr",
             "Deux boucheries concurrentes se livrent une guerre sans merci dans une rue lilloise."),
    FilmData("La Nuit des étoiles filantes", "Fantastique", 109, "fr",
             "Chaque étoile filante exauce un vœu, mais toujours de la pire façon possible."),
    FilmData("Kizomba", "Musical", 100, "pt",
             "À Lisbonne, une professeure de danse ouvre son école aux enfants du quartier."),
    FilmData("L'Atelier du vent", "Drame", 113, "fr",
             "Un luthier toulousain transmet son savoir à un apprenti qui ne sait pas encore qu'il est sourd."),
    FilmData("Cap sur Mafate", "Aventure", 94, "fr",
             "Un groupe de lycéens réunionnais traverse le cirque de Mafate à pied pendant une semaine."),
    FilmData("Silence radio", "Thriller", 106, "de",
             "Une animatrice de radio nocturne reçoit l'appel d'un auditeur qui annonce un crime."),
)  # fmt: skip

# Wall-clock showtimes (venue local time) a cinema picks from each day.
SHOWTIME_SLOTS = ((11, 0), (14, 0), (16, 30), (18, 0), (20, 30), (22, 0))
SEAT_LIMITS = (None, None, None, 40, 80, 120, 3)

CINEMA_CARD = {
    "cinema": "paris-st-michel",
    "name": "Carte 5 séances Ciné Lumière",
    "description": "Cinq places valables dans tous les Ciné Lumière, sans date, pour toutes les séances.",
    "price_cents": 30_00,
}

# jeune's favourites (the Favoris tab): two films shown in Paris and the cinema of Saint-Michel.
FAVOURITE_FILMS = ("Orbite basse", "Les Lumières de Belleville")
FAVOURITE_CINEMA = "paris-st-michel"

# A free screening near the account whose credit has expired (jeune.expire, Lyon): free showtimes stay
# bookable after the credit expires (RULES.md "Booking").
FREE_SCREENING = {
    "cinema": "lyon-bellecour",
    "name": "Ciné-club : Le Chant du volcan (séance gratuite)",
    "film": "Le Chant du volcan",
    "description": "Projection gratuite suivie d'une rencontre avec l'équipe scientifique du film.",
    "days_ahead": 3,
    "time": (18, 0),
    "seats": 80,
}

# Beneficiaries who are not in the printed list: their bookings fill the pros' booking lists.
EXTRA_BENEFICIARIES = (
    ("camille.martin", "Camille", "Martin", "69003", "Lyon"),
    ("lucas.bernard", "Lucas", "Bernard", "13005", "Marseille"),
    ("ines.petit", "Inès", "Petit", "33000", "Bordeaux"),
    ("noah.robert", "Noah", "Robert", "59000", "Lille"),
    ("lea.hoarau", "Léa", "Hoarau", "97400", "Saint-Denis"),
    ("hugo.richard", "Hugo", "Richard", "75011", "Paris"),
)

# --- Reimbursement history ---------------------------------------------------------------------------

# The one showing venue left without bank details, so the pro ledger shows bookings waiting for them.
VENUE_WITHOUT_BANK_ACCOUNT = "toulouse-capitole"
# Banks of the demo accounts (bank code -> BIC); the IBANs themselves are generated with valid keys.
DEMO_BANKS = (("30006", "AGRIFRPP"), ("20041", "PSSTFRPP"))

# Beneficiaries whose credit was granted months ago and who went to the cinema since: their used
# bookings feed pricing, payment batches and the pro ledger. Same password as the other accounts.
HISTORY_BENEFICIARY_COUNT = 20
HISTORY_DAYS = 300  # how far back their shows go (the credit was granted a little before)
HISTORY_SPEND_SHARE = 0.8  # each spends at most this share of the credit: balances stay plausible


def history_email(number: int) -> str:
    return demo_email(f"jeune.historique.{number}")


HISTORY_NAMES = (
    ("Chloé", "Lambert"), ("Mathis", "Fontaine"), ("Jade", "Rousseau"), ("Enzo", "Vincent"),
    ("Louise", "Muller"), ("Nathan", "Lefèvre"), ("Manon", "Faure"), ("Tom", "André"),
    ("Lina", "Mercier"), ("Théo", "Blanc"), ("Zoé", "Guérin"), ("Raphaël", "Boyer"),
    ("Alice", "Garnier"), ("Adam", "Chevalier"), ("Rose", "François"), ("Sofiane", "Legrand"),
    ("Anna", "Gauthier"), ("Maël", "Payet"), ("Sarah", "Perrin"), ("Yanis", "Morin"),
)  # fmt: skip

# A ticketing software vendor with an active link to one cinema (issue 15: the public API and webhooks
# reach the venues linked to a provider).
TICKETING_PROVIDER = {
    "name": "Billetterie de référence (démo)",
    "cinema": "lyon-bellecour",
    "venue_id_at_provider": "DEMO-LYON-BELLECOUR",
}
