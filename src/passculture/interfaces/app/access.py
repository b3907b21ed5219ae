"""Who may see a beneficiary page: a logged-in, active beneficiary (staff and pros have their portals)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from passculture.core.users.constants import Role


def is_beneficiary_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.BENEFICIARY)


def beneficiary_required(view):
    """Anonymous visitors go to the login page (and come back); other roles read why they cannot enter."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("app:login"))
        if not is_beneficiary_user(request.user):
            return render(request, "app/not_a_beneficiary.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
