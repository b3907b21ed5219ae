from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from . import account_deletions, allocine
from .waiting import waiting_queues


@staff_member_required(login_url="admin:login")
def queues(request):
    """Staff's validation queues (the home's tiles), then what else is followed here."""
    context = {
        **admin.site.each_context(request),
        "title": "Files de validation",
        "queues": waiting_queues(),
        "others": [account_deletions.queue_entry(), allocine.queue_entry()],
    }
    return render(request, "backoffice/queues.html", context)
