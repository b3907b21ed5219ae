"""`passculture generate_vapid_keys`: a new VAPID key pair for web push (decision 0032).

Prints the two settings to put in the environment; `--file PATH` writes them as the JSON key file
instead (created readable by its owner only, never overwritten). A new pair invalidates every existing
subscription: browsers subscribed with the old public key must subscribe again.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from passculture.core.notifications.push_keys import generate_key_pair, write_key_file


class Command(BaseCommand):
    help = "Génère une paire de clés VAPID pour les notifications push."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, help="Écrit les clés dans ce fichier JSON (jamais écrasé).")

    def handle(self, *args, **options):
        keys = generate_key_pair()
        path = options.get("file")
        if path:
            try:
                write_key_file(path, keys)
            except FileExistsError as error:
                raise CommandError(f"{path} existe déjà : il n'est jamais écrasé.") from error
            self.stdout.write(f"Clés VAPID écrites dans {path} (VAPID_KEY_FILE).")
            return
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private_key}")
