"""Development email backend: each message is written as one .eml file under var/mail/ (open it with
any mail client) and a one-line summary is printed."""

import sys
import uuid
from email.header import decode_header, make_header
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class FileAndConsoleBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            msg = message.message()
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            (self.directory / name).write_bytes(msg.as_bytes(linesep="\r\n"))
            if getattr(settings, "EMAIL_CONSOLE_ECHO", True):
                subject = str(make_header(decode_header(msg["Subject"] or "")))
                sys.stdout.write(f"[email] To: {msg['To']} | Subject: {subject} | {self.directory / name}\n")
            sent += 1
        sys.stdout.flush()
        return sent
