from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from . import account_deletions, allocine, allocine_imports, bank_accounts, identity, offerers, payments


@staff_member_required(login_url="admin:login")
def queues(request):
    """Staff's validation queues (each area adds its queue to this page)."""
    queues = [
        *offerers.queue_entries(),
        identity.queue_entry(),
        bank_accounts.queue_entry(),
        allocine.queue_entry(),
        allocine_imports.queue_entry(),
        account_deletions.queue_entry(),
        payments.queue_entry(),
    ]
    return render(request, "backoffice/queues.html", {"title": "Files de validation", "queues": queues})
