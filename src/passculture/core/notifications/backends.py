"""Development email backend: each message is written as an .eml file under var/mail/ and printed."""

import sys

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend


class FileAndConsoleBackend(FileBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", str(settings.EMAIL_FILE_PATH))
        super().__init__(*args, **kwargs)

    def write_message(self, message):
        super().write_message(message)
        # The EmailMessage's own fields: the MIME headers would show RFC 2047-encoded French subjects.
        sys.stdout.write(f"[email] To: {', '.join(message.to)} | Subject: {message.subject}\n")
        sys.stdout.flush()
