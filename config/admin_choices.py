"""Many-to-many choices on admin change pages (every model's, ours and other apps').

Django checks each chosen key of a many-to-many field on its own, then reads them all
in one `IN (…)`. SQLite cannot take an integer beyond 64 bits in that list, so a crafted
key (a user's groups: `2**70`) gave a 500 where one such key alone is "not one of the
available choices". Here the whole list is that error too.
"""

from django.core.exceptions import ValidationError
from django.forms import ModelMultipleChoiceField


class CheckedMultipleChoiceField(ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": max(map(str, value), key=len)},  # the longest is too big
            ) from None


class CheckedChoices:
    """ModelAdmin mixin: its many-to-many fields refuse keys the database cannot read."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", CheckedMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
