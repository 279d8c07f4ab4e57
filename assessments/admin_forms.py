"""Forms of the assessments admin: memberships, campaigns, invitation requests, imports."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q

from assessments.invitations import MOST_LINKS
from assessments.models import Campaign, Membership, Unit
from assessments.services import CampaignError, check_target_level
from models_catalog.forms import UploadForm
from models_catalog.models import MaturityModel

CONSULTANT = Membership.Role.CONSULTANT
EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


class MembershipForm(forms.ModelForm):
    """A membership, given by username: a consultant never sees the list of all users.

    Only superusers give, change or take away consultant access; `granted_by` is the user
    at work, set by the admin for each request.
    """

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.all(),
        to_field_name="username",
        widget=forms.TextInput,
        label="username",
        error_messages={
            "invalid_choice": "No account has this username; a superuser creates accounts."
        },
    )
    granted_by = None

    class Meta:
        model = Membership
        fields = ("user", "organization", "role")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.user_id is not None:
            self.initial["user"] = self.instance.user.username

    def clean(self):
        cleaned_data = super().clean()
        consultant_access = CONSULTANT in (cleaned_data.get("role"), self.instance.role)
        if consultant_access and self.has_changed() and not self.granted_by.is_superuser:
            self.add_error("role", "Only a superuser can give or change consultant access.")
        return cleaned_data


class MembershipFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.form.granted_by.is_superuser:
            return
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.role == CONSULTANT:
                raise ValidationError("Only a superuser can take away consultant access.")


class CampaignForm(forms.ModelForm):
    """New campaigns choose a published version; a campaign keeps the version it has."""

    class Meta:
        model = Campaign
        fields = (
            "organization",
            "name",
            "maturity_model",
            "target_level",
            "status",
            "opens_at",
            "closes_at",
            "anonymous",
            "anonymity_minimum",
            "disagreement_threshold",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("maturity_model")
        if field is not None:
            choices = Q(status=MaturityModel.Status.PUBLISHED)
            if self.instance.maturity_model_id:
                choices |= Q(pk=self.instance.maturity_model_id)
            field.queryset = field.queryset.filter(choices)

    def clean(self):
        cleaned_data = super().clean()
        self.check_target_level(cleaned_data)
        opens_at, closes_at = cleaned_data.get("opens_at"), cleaned_data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "A campaign closes after it opens.")
        self.check_name_is_free(cleaned_data.get("name"))
        return cleaned_data

    def check_target_level(self, cleaned_data):
        if "maturity_model" in self.fields:
            maturity_model = cleaned_data.get("maturity_model")
        else:
            maturity_model = self.instance.maturity_model
        target_level = cleaned_data.get("target_level")
        if maturity_model is None or target_level is None:
            return
        try:
            check_target_level(maturity_model, target_level)
        except CampaignError as error:
            self.add_error("target_level", f"{str(error).capitalize()}.")

    def check_name_is_free(self, name):
        # With the organization read-only, the form no longer checks (organization, name).
        if "organization" in self.fields or not name:
            return
        taken = (
            Campaign.objects.filter(organization_id=self.instance.organization_id, name=name)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if taken:
            self.add_error("name", "This organization has a campaign with this name already.")


class InvitationRequestForm(forms.Form):
    count = forms.IntegerField(
        label="Number of links",
        min_value=0,
        max_value=MOST_LINKS,
        initial=0,
        required=False,
        help_text="Links to hand out yourself, without an e-mail address.",
    )
    emails = forms.CharField(
        label="E-mail addresses",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        required=False,
        help_text="Paste a list: one address a line, or separated by commas. Addresses "
        "invited already get no second link.",
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), required=False)
    role = forms.CharField(max_length=50, required=False)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organization=campaign.organization)

    def clean_count(self) -> int:
        # An emptied box asks for no links without an address, as 0 does.
        return self.cleaned_data["count"] or 0

    def clean_emails(self) -> list[str]:
        addresses = [part for part in EMAIL_SEPARATORS.split(self.cleaned_data["emails"]) if part]
        bad = []
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                bad.append(address)
        if bad:
            raise ValidationError(f"Not e-mail addresses: {', '.join(bad)}.")
        return addresses


class ResponsesFileForm(UploadForm):
    file = forms.FileField(
        label="Responses file",
        help_text="CSV, UTF-8, with the header respondent,question,value and optionally "
        "unit,role,comment. Any bad row refuses the whole file.",
    )


class RepeatCampaignForm(forms.Form):
    name = forms.CharField(
        label="Name of the new campaign",
        max_length=Campaign._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="The next round of the same assessment; leave as is or give it a name "
        "people will recognise, such as the half-year it runs in.",
    )
