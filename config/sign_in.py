"""The sign-in forms of the site and of the admin: Django's, with the username's length
checked.

Django's sign-in form gives the username field the length of the user model's (150) after
making it, so no validator checks it. A longer name went on to the lockout (django-axes),
whose record of the failure holds 255 characters: PostgreSQL refused it with a 500. No
account has such a name, so the form refuses it, naming the field.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class UsernameLengthChecked:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(UsernameLengthChecked, AuthenticationForm):
    pass


class AdminSignInForm(UsernameLengthChecked, AdminAuthenticationForm):
    pass
