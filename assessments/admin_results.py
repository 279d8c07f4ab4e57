"""The admin's side of a campaign's results: the consultant's review page and the action
plan inline.

The review page lists every process area of the campaign's model with its computed status
and score, and a consultant's observation, override and justification for each; it saves
them all at once through `assessments.review`. Both are reached from the campaign, so they
are scoped as the campaign is (admin_access).
"""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from assessments import action_plan, review
from assessments.admin_access import ConsultedOrganizationsOnly
from assessments.models import Action, AreaReview, Campaign, ReviewedStatus
from assessments.results import campaign_results
from assessments.scoring import AreaScore
from assessments.services import plural
from reports.action_forms import area_choices
from reports.selectors import STATUS_LABELS

NO_OVERRIDE = ("", "Computed status")


class AreaReviewForm(forms.Form):
    area_key = forms.CharField(widget=forms.HiddenInput)
    observation = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 36})
    )
    override_status = forms.ChoiceField(
        label="status set by the consultant",
        required=False,
        choices=[NO_OVERRIDE, *ReviewedStatus.choices],
    )
    justification = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 36})
    )

    def __init__(self, *args, computed_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.computed_status = computed_status

    def clean(self):
        cleaned_data = super().clean()
        entered = review.AreaReviewInput(
            area_key=cleaned_data.get("area_key", ""),
            observation=cleaned_data.get("observation", ""),
            override_status=cleaned_data.get("override_status", ""),
            justification=cleaned_data.get("justification", ""),
        )
        for field, message in review.review_problems(entered, self.computed_status).items():
            self.add_error(field, message)
        return cleaned_data

    def entered(self) -> review.AreaReviewInput:
        return review.AreaReviewInput(**self.cleaned_data)


class AreaReviewFormSet(forms.BaseFormSet):
    """One form per process area, in the model's order; each knows its computed status."""

    def __init__(self, *args, areas: list[AreaScore], **kwargs):
        self.areas = areas
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        # As many forms as areas, whatever a crafted POST says.
        return len(self.areas)

    def get_form_kwargs(self, index):
        return {"computed_status": self.areas[index].status}

    def clean(self):
        posted = [form.cleaned_data.get("area_key") for form in self.forms]
        if posted != [area.key for area in self.areas]:
            raise forms.ValidationError(
                "The process areas on this page are not those of the campaign's model: "
                "reload the page and review again."
            )


AreaReviewForms = forms.formset_factory(AreaReviewForm, formset=AreaReviewFormSet, extra=0)


def seen_answers_version(request, campaign) -> int | None:
    """The answers version the review page showed (a hidden field); None if unreadable or
    if no page can have shown it: below 0 or ahead of the campaign's."""
    try:
        seen = int(request.POST.get("answers_version", ""))
    except ValueError:
        return None
    return seen if 0 <= seen <= campaign.answers_version else None


def review_page(model_admin, request, campaign):
    """The review page of one campaign; POST saves the reviews, marks the results
    reviewed, or withdraws that mark."""
    if request.method == "POST" and "_withdraw" in request.POST:
        review.withdraw_review(campaign=campaign)
        messages.success(request, "The results are marked not reviewed again.")
        return redirect("admin:assessments_campaign_review", campaign.pk)
    results = campaign_results(campaign)
    areas = [(level, area) for level in results.score.levels for area in level.areas]
    stored = {
        stored.area_key: stored
        for stored in AreaReview.objects.filter(campaign=campaign).select_related("reviewed_by")
    }
    formset = AreaReviewForms(
        request.POST or None,
        prefix="areas",
        areas=[area for _, area in areas],
        initial=[initial_of(area.key, stored.get(area.key)) for _, area in areas],
    )
    if request.method == "POST" and formset.is_valid():
        try:
            changed = review.save_area_reviews(
                campaign=campaign,
                reviews=[form.entered() for form in formset],
                reviewed_by=request.user,
            )
        except review.ReviewError as error:
            # The forms checked the same rules: only answers that came in meanwhile and
            # changed a computed status get here.
            messages.error(request, f"Nothing was saved: {error}")
        else:
            message = f"Saved the review of {plural(changed, 'process area')}."
            if "_mark_reviewed" in request.POST:
                review.mark_results_reviewed(
                    campaigns=Campaign.objects.filter(pk=campaign.pk),
                    reviewed_by=request.user,
                    answers_version=seen_answers_version(request, campaign),
                )
                message += " The results are marked reviewed."
            messages.success(request, message)
            return redirect("admin:assessments_campaign_review", campaign.pk)
    rows = [
        {
            "level": level,
            "area": area,
            "status_label": STATUS_LABELS[area.status],
            "stored": stored.get(area.key),
            "form": form,
        }
        for (level, area), form in zip(areas, formset.forms, strict=True)
    ]
    return TemplateResponse(
        request,
        "admin/assessments/campaign/review.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "original": campaign,
            "title": f"Review the results of {campaign.name}",
            "formset": formset,
            "rows": rows,
            "respondents": results.respondents,
            "campaign": campaign,
            "changed_since_review": review.answers_changed_since_review(campaign),
        },
    )


def initial_of(area_key: str, stored: AreaReview | None) -> dict:
    if stored is None:
        return {"area_key": area_key}
    return {
        "area_key": area_key,
        "observation": stored.observation,
        "override_status": stored.override_status,
        "justification": stored.justification,
    }


class ActionInlineForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ("title", "area_key", "description", "owner", "due_date", "status")
        widgets = {"description": forms.Textarea(attrs={"rows": 2, "cols": 40})}


class ActionInline(ConsultedOrganizationsOnly, admin.TabularInline):
    """The campaign's action plan, the one executives keep on the site."""

    model = Action
    form = ActionInlineForm
    extra = 0
    verbose_name_plural = "action plan"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            outline = campaign_results(obj).outline
            formset.form.base_fields["area_key"] = forms.ChoiceField(
                label="process area", choices=area_choices(outline), required=False
            )
        return formset


class ResultsReviewAdmin:
    """CampaignAdmin's part in the review and the action plan: the review page, the
    review's state on the campaign, and the actions on the list of campaigns."""

    def get_inlines(self, request, obj):
        # A plan follows results: a campaign being created has none.
        return (*super().get_inlines(request, obj), ActionInline) if obj is not None else ()

    def review_view(self, request, pk):
        return review_page(self, request, self.campaign_to_change(request, pk))

    @admin.display(description="results review")
    def review_state(self, campaign):
        url = reverse("admin:assessments_campaign_review", args=[campaign.pk])
        if campaign.results_reviewed_at is None:
            return format_html('Not reviewed yet · <a href="{}">Review the results</a>', url)
        return format_html(
            'Reviewed on {}{}{} · <a href="{}">See or change the review</a>',
            date_format(timezone.localtime(campaign.results_reviewed_at), "j F Y"),
            f" by {campaign.results_reviewed_by}" if campaign.results_reviewed_by else "",
            "; answers changed since" if review.answers_changed_since_review(campaign) else "",
            url,
        )

    @admin.action(description="Mark results reviewed", permissions=["change"])
    def mark_results_reviewed(self, request, queryset):
        count = review.mark_results_reviewed(campaigns=queryset, reviewed_by=request.user)
        messages.success(
            request,
            f"Marked the results of {plural(count, 'campaign')} reviewed.",
        )

    @admin.action(description="Start action plans from the gaps", permissions=["change"])
    def start_action_plans(self, request, queryset):
        added = sum(
            len(action_plan.start_from_gaps(campaign=campaign))
            for campaign in queryset.select_related("maturity_model")
        )
        messages.success(
            request,
            f"Added {plural(added, 'draft action')}, one for each process "
            "area to work on that had none.",
        )
