from email import message_from_bytes, policy

from django.core.mail import EmailMessage

from passculture.core.notifications.backends import FileAndConsoleBackend


def test_development_backend_writes_one_eml_file_per_message(tmp_path, capsys):
    backend = FileAndConsoleBackend(file_path=tmp_path)
    messages = [
        EmailMessage("Réservation confirmée", "Bonjour", "a@example.com", [f"to{i}@example.com"])
        for i in range(2)
    ]
    assert backend.send_messages(messages) == 2
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Réservation confirmée"
    assert "Subject: Réservation confirmée" in capsys.readouterr().out
