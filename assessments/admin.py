"""Where consultants run assessments: organizations, campaigns, invitations, responses.

Everything here is limited to the organizations the user consults (admin_access); the
work itself is done by the services (assessments.services, assessments.invitations,
reports.exports, reports.export_jobs), as the commands do it.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.crypto import salted_hmac
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from assessments import invitations as invitation_service
from assessments import tasks
from assessments.admin_access import ConsultedOrganizationsOnly
from assessments.admin_deletion import CountedDeletion
from assessments.admin_forms import (
    CampaignForm,
    InvitationRequestForm,
    MembershipForm,
    MembershipFormSet,
    RepeatCampaignForm,
    ResponsesFileForm,
)
from assessments.admin_results import ResultsReviewAdmin
from assessments.aggregates import count_of
from assessments.models import (
    Answer,
    Campaign,
    Invitation,
    Membership,
    Organization,
    Response,
    Unit,
)
from assessments.repeat import RepeatError, free_repeat_name, repeat_campaign
from assessments.responses_file import ResponsesFileError
from assessments.services import import_responses, plural
from models_catalog.admin import counted
from reports import export_jobs, exports
from reports.models import AnswerExport

CONSULTANT = Membership.Role.CONSULTANT


def attachment(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class SuperusersCreate:
    """Admin mixin: consultants work on what exists; only superusers create and delete."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class UnitInline(ConsultedOrganizationsOnly, admin.TabularInline):
    model = Unit
    extra = 0


class MembershipInline(ConsultedOrganizationsOnly, admin.TabularInline):
    model = Membership
    form = MembershipForm
    formset = MembershipFormSet
    fields = ("user", "role")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organization")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.granted_by = request.user
        return formset


@admin.register(Organization)
class OrganizationAdmin(
    CountedDeletion, SuperusersCreate, ConsultedOrganizationsOnly, admin.ModelAdmin
):
    list_display = ("name", "unit_count", "campaign_count", "member_count", "created_at")
    search_fields = ("name",)
    inlines = (UnitInline, MembershipInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                unit_count=count_of(
                    Unit.objects.filter(organization=OuterRef("pk")), per="organization"
                ),
                campaign_count=count_of(
                    Campaign.objects.filter(organization=OuterRef("pk")), per="organization"
                ),
                member_count=count_of(
                    Membership.objects.filter(organization=OuterRef("pk")), per="organization"
                ),
            )
        )

    unit_count = counted("unit_count", "units")
    campaign_count = counted("campaign_count", "campaigns")
    member_count = counted("member_count", "members")


@admin.register(Membership)
class MembershipAdmin(ConsultedOrganizationsOnly, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "organization", "role")
    list_select_related = ("user", "organization")
    list_filter = ("role", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__email", "organization__name")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.granted_by = request.user
        return form

    def may_manage(self, request, obj=None):
        # Consultant access is the superusers' to give and take away.
        if isinstance(obj, Membership) and obj.role == CONSULTANT:
            return request.user.is_superuser
        return super().may_manage(request, obj)

    def has_view_permission(self, request, obj=None):
        # Everyone's, though: consultants see who else consults their organizations.
        return super().may_manage(request, obj)


class CampaignFilter(admin.RelatedOnlyFieldListFilter):
    """The campaigns of the listed rows, named with their organization in one query."""

    def field_choices(self, field, request, model_admin):
        listed = model_admin.get_queryset(request).values("campaign_id")
        campaigns = Campaign.objects.filter(pk__in=listed).select_related("organization")
        return [(campaign.pk, str(campaign)) for campaign in campaigns]


class SubmittedFilter(admin.SimpleListFilter):
    title = "submitted"
    parameter_name = "submitted"

    def lookups(self, request, model_admin):
        return (("yes", "Submitted"), ("no", "Not submitted"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(submitted_at__isnull=self.value() == "no")
        return queryset


@admin.register(Campaign)
class CampaignAdmin(
    CountedDeletion, ResultsReviewAdmin, ConsultedOrganizationsOnly, admin.ModelAdmin
):
    form = CampaignForm
    list_display = (
        "name",
        "organization",
        "maturity_model",
        "status",
        "opens_at",
        "closes_at",
        "invited",
        "started",
        "submitted",
    )
    list_select_related = ("organization", "maturity_model")
    list_filter = (
        "status",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("maturity_model", admin.RelatedOnlyFieldListFilter),
        "anonymous",
    )
    search_fields = ("name", "organization__name")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("organization", "name", "maturity_model", "target_level", "status")}),
        ("Dates", {"fields": ("opens_at", "closes_at")}),
        (
            "Anonymity and disagreement",
            {"fields": ("anonymous", "anonymity_minimum", "disagreement_threshold")},
        ),
        ("Sharing the results", {"fields": ("executives_see",)}),
    )
    actions = (
        "create_invitation_links",
        "export_answers_csv",
        "export_answers_xlsx",
        "export_invitation_links",
        "send_invitation_emails",
        "send_reminders",
        "repeat_this_campaign",
        "mark_results_reviewed",
        "start_action_plans",
    )

    def get_queryset(self, request):
        return invitation_service.with_progress(super().get_queryset(request))

    invited = counted("invited", "invited")
    started = counted("started", "started")
    submitted = counted("submitted", "submitted")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets
        return (*self.fieldsets, ("Results", {"fields": ("results_links", "review_state")}))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Answers are given against the pinned version and under the promised anonymity.
        frozen_by_answers = ("maturity_model", "anonymous") if obj.responses.exists() else ()
        return ("organization", *frozen_by_answers, "results_links", "review_state")

    @admin.display(description="results and exports")
    def results_links(self, campaign):
        links = (
            (reverse(f"reports:{name}", args=[campaign.pk]), label)
            for name, label in (
                ("results", "Results page"),
                ("report_pdf", "Gap report (PDF)"),
                ("answers_csv", "Answers (CSV)"),
                ("answers_xlsx", "Answers (XLSX)"),
                ("results_json", "Results document (JSON)"),
                ("actions", "Action plan"),
            )
        )
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/invitations/",
                self.admin_site.admin_view(self.create_invitations_view),
                name="assessments_campaign_create_invitations",
            ),
            path(
                "<int:pk>/import-responses/",
                self.admin_site.admin_view(self.import_responses_view),
                name="assessments_campaign_import_responses",
            ),
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="assessments_campaign_review",
            ),
            path(
                "<int:pk>/repeat/",
                self.admin_site.admin_view(self.repeat_view),
                name="assessments_campaign_repeat",
            ),
        ]
        return own + super().get_urls()

    def campaign_to_change(self, request, pk) -> Campaign:
        campaign = self.get_object(request, str(pk))  # 404 out of reach
        if not self.has_change_permission(request, campaign):
            raise PermissionDenied
        return campaign

    def form_page(self, request, campaign, form, **context) -> TemplateResponse:
        return TemplateResponse(
            request,
            context.pop("template", "admin/form_page.html"),
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": campaign,
                "form": form,
                **context,
            },
        )

    def create_invitations_view(self, request, pk):
        campaign = self.campaign_to_change(request, pk)
        form = InvitationRequestForm(request.POST or None, campaign=campaign)
        if request.method == "POST" and form.is_valid():
            try:
                created = invitation_service.create_invitations(
                    campaign=campaign, **form.cleaned_data
                )
            except invitation_service.InvitationError as error:
                form.add_error(None, f"{str(error).capitalize()}.")
            else:
                messages.success(request, f"Created {plural(len(created), 'invitation link')}.")
                if note := invitation_service.closed_campaign_note(campaign):
                    messages.warning(request, f"{capfirst(note)}.")
                return self.form_page(
                    request,
                    campaign,
                    form,
                    template="admin/assessments/campaign/invitations_created.html",
                    title=f"New invitation links for {campaign.name}",
                    invitations=[
                        (invitation, invitation_service.invitation_url(invitation))
                        for invitation in created
                    ],
                )
        return self.form_page(
            request,
            campaign,
            form,
            title=f"Create invitation links for {campaign.name}",
            intro="Each link opens the questionnaire once for one person. Ask for a number "
            "of links to hand out yourself, or paste e-mail addresses to send them by "
            "e-mail afterwards.",
            submit_label="Create links",
        )

    def import_responses_view(self, request, pk):
        campaign = self.campaign_to_change(request, pk)
        form = ResponsesFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                summary = import_responses(campaign=campaign, data=form.read())
            except ResponsesFileError as error:
                form.add_error("file", f"Nothing was imported: {error}")
            else:
                if summary.answers:
                    messages.success(
                        request,
                        f"Imported {summary}.",
                    )
                else:
                    messages.warning(request, "The file has no answer rows; nothing was imported.")
                return redirect("admin:assessments_campaign_change", campaign.pk)
        return self.form_page(
            request,
            campaign,
            form,
            title=f"Import responses into {campaign.name}",
            intro=f"Answers to {campaign.maturity_model.slug} "
            f"{campaign.maturity_model.version}, one row per answer.",
            submit_label="Import",
        )

    def repeat_view(self, request, pk):
        campaign = self.campaign_to_change(request, pk)
        form = RepeatCampaignForm(
            request.POST or None, initial={"name": free_repeat_name(campaign)}
        )
        if request.method == "POST" and form.is_valid():
            try:
                repeat = repeat_campaign(campaign=campaign, name=form.cleaned_data["name"])
            except RepeatError as error:
                # capfirst, not capitalize: the message quotes names as they are written.
                form.add_error("name", f"{capfirst(str(error))}.")
            else:
                invited = repeat.invitations.count()
                messages.success(
                    request,
                    f"Created {repeat.name} as a draft with {plural(invited, 'invitation link')}"
                    " for the people invited by e-mail last time. Set its dates, open it and "
                    "send the invitations when the round begins.",
                )
                return redirect("admin:assessments_campaign_change", repeat.pk)
        return self.form_page(
            request,
            campaign,
            form,
            title=f"Repeat {campaign.name}",
            intro="A new draft campaign for the next round: the same model (its newest "
            "published version), target level and anonymity settings, and a new link for "
            "everyone invited by e-mail. Comparing the rounds shows your progress.",
            submit_label="Create the repeat",
        )

    def one_campaign(self, request, queryset, purpose: str) -> Campaign | None:
        if queryset.count() != 1:
            messages.error(request, f"Choose exactly one campaign {purpose}.")
            return None
        return queryset.select_related("organization", "maturity_model").get()

    @admin.action(description="Create invitation links", permissions=["change"])
    def create_invitation_links(self, request, queryset):
        campaign = self.one_campaign(request, queryset, "to create its invitation links")
        if campaign is not None:
            return redirect("admin:assessments_campaign_create_invitations", campaign.pk)
        return None

    @admin.action(description="Repeat this campaign", permissions=["change"])
    def repeat_this_campaign(self, request, queryset):
        campaign = self.one_campaign(request, queryset, "to repeat")
        if campaign is not None:
            return redirect("admin:assessments_campaign_repeat", campaign.pk)
        return None

    @admin.action(description="Export answers (CSV)", permissions=["view"])
    def export_answers_csv(self, request, queryset):
        return self.export_answers(request, queryset, "csv")

    @admin.action(description="Export answers (XLSX)", permissions=["view"])
    def export_answers_xlsx(self, request, queryset):
        return self.export_answers(request, queryset, "xlsx")

    def export_answers(self, request, queryset, extension: str):
        campaign = self.one_campaign(request, queryset, "to export its answers")
        if campaign is None:
            return None
        try:
            queued = export_jobs.goes_through_the_queue(campaign=campaign, kind=extension)
        except exports.TooManyRowsError as error:
            messages.error(request, f"{capfirst(str(error))}.")
            return None
        if queued:
            export = export_jobs.answer_export_for(
                campaign=campaign, kind=extension, requested_by=request.user
            )
            report_queued_export(request, campaign, export)
            return None
        write, content_type, _ = exports.ANSWER_FILES[extension]
        return attachment(
            write(campaign),
            filename=f"campaign-{campaign.pk}-answers.{extension}",
            content_type=content_type,
        )

    @admin.action(description="Export invitation links (CSV)", permissions=["view"])
    def export_invitation_links(self, request, queryset):
        return invitation_links_csv(Invitation.objects.filter(campaign__in=queryset))

    @admin.action(description="Send invitation e-mails", permissions=["change"])
    def send_invitation_emails(self, request, queryset):
        send_invitation_emails(request, Invitation.objects.filter(campaign__in=queryset))

    @admin.action(description="Send reminders", permissions=["change"])
    def send_reminders(self, request, queryset):
        send_reminders(request, Invitation.objects.filter(campaign__in=queryset))


def report_queued_export(request, campaign: Campaign, export: AnswerExport):
    """Where a large export is: the link is the download's own address, which waits for
    the file and then serves it."""
    link = reverse(f"reports:answers_{export.kind}", args=[campaign.pk])
    what = f"The answers of {campaign.name} ({export.get_kind_display()})"
    if export.status == AnswerExport.Status.FAILED:
        text = '{} could not be prepared: {} <a href="{}">Try again</a>.'
        messages.error(request, format_html(text, what, export.error, link))
    elif export.status == AnswerExport.Status.READY:
        text = '{} are ready: <a href="{}">download them</a>.'
        messages.success(request, format_html(text, what, link))
    else:
        text = (
            '{} are being prepared: <a href="{}">this link</a> downloads them once they are ready.'
        )
        messages.info(request, format_html(text, what, link))


def invitation_links_csv(invitations) -> HttpResponse:
    return attachment(
        invitation_service.invitations_csv(invitations),
        filename="invitation-links.csv",
        content_type="text/csv; charset=utf-8",
    )


def send_invitation_emails(request, invitations):
    queued = tasks.send_invitation_emails.delay(ids_of(invitations))
    report_sending(
        request,
        queued,
        "invitation e-mail",
        "links without an address, or sent already,",
    )


def send_reminders(request, invitations):
    queued = tasks.send_reminder_emails.delay(ids_of(invitations))
    report_sending(request, queued, "reminder", "people who submitted, or have no address,")


def ids_of(invitations) -> list[int]:
    return list(invitations.values_list("pk", flat=True))


def report_sending(request, queued, noun: str, skipped: str):
    """E-mails go through the queue; without a broker they are sent already."""
    if queued.ready():
        messages.success(request, f"Sent {plural(queued.get(), noun)}; {skipped} were left out.")
    else:
        messages.success(
            request, f"The {noun}s are being sent in the background; {skipped} are left out."
        )


@admin.register(Invitation)
class InvitationAdmin(ConsultedOrganizationsOnly, admin.ModelAdmin):
    list_display = ("__str__", "campaign", "unit", "role", "created_at", "sent_at", "link")
    list_select_related = ("campaign__organization", "unit")
    list_filter = (("campaign", CampaignFilter), "sent_at", "reminded_at")
    search_fields = ("email", "campaign__name")
    fields = (
        "campaign",
        "link",
        "token",
        "email",
        "unit",
        "role",
        "created_at",
        "sent_at",
        "reminded_at",
    )
    readonly_fields = ("campaign", "link", "token", "created_at", "sent_at", "reminded_at")
    actions = ("export_links_csv", "send_invitation_emails", "send_reminders")

    def has_add_permission(self, request, obj=None):
        # Links are created in bulk from their campaign ("Create invitation links").
        return False

    @admin.display(description="link")
    def link(self, invitation):
        return invitation_service.invitation_url(invitation)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "unit" in form.base_fields:
            form.base_fields["unit"].queryset = Unit.objects.filter(
                organization_id=obj.campaign.organization_id
            )
        return form

    @admin.action(description="Export links (CSV)", permissions=["view"])
    def export_links_csv(self, request, queryset):
        return invitation_links_csv(queryset)

    @admin.action(description="Send invitation e-mails", permissions=["change"])
    def send_invitation_emails(self, request, queryset):
        send_invitation_emails(request, queryset)

    @admin.action(description="Send reminders", permissions=["change"])
    def send_reminders(self, request, queryset):
        send_reminders(request, queryset)


class AnswerInline(ConsultedOrganizationsOnly, admin.TabularInline):
    model = Answer
    fields = ("question_key", "question_text", "value", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .order_by(
                "question__process_area__level__number",
                "question__process_area__position",
                "question__position",
            )
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="question")
    def question_key(self, answer):
        return answer.question.key

    @admin.display(description="text")
    def question_text(self, answer):
        return answer.question.text


def respondent_label(response: Response) -> str:
    """How the admin names a respondent: in an anonymous campaign, by a pseudonym.

    An imported identifier may be a name or a staff number; a keyed hash of the response
    names nobody.
    """
    if not response.campaign.anonymous:
        return response.respondent
    digest = salted_hmac("assessments.admin.respondent", str(response.pk)).hexdigest()
    return f"anonymous {digest[:8]}"


@admin.register(Response)
class ResponseAdmin(SuperusersCreate, ConsultedOrganizationsOnly, admin.ModelAdmin):
    """Responses as given: read-only. In an anonymous campaign nothing here names a person."""

    list_display = (
        "respondent_name",
        "campaign",
        "unit",
        "role",
        "started_at",
        "submitted_at",
        "answer_count",
    )
    list_select_related = ("campaign__organization", "unit")
    list_filter = (
        ("campaign", CampaignFilter),
        SubmittedFilter,
        ("unit", admin.RelatedOnlyFieldListFilter),
    )
    # Neither the invitation's e-mail nor an anonymous respondent's identifier is searched:
    # either would tie an anonymous answer to a person.
    search_fields = ("respondent",)
    ordering = ("-started_at", "-pk")
    inlines = (AnswerInline,)

    def get_queryset(self, request):
        # Counted per row shown, not grouped over every answer before the page is cut:
        # a list of 10,000 responses then costs what a list of a hundred does.
        answers = Answer.objects.filter(response=OuterRef("pk"))
        return (
            super().get_queryset(request).annotate(answer_count=count_of(answers, per="response"))
        )

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term:
            found = found.filter(campaign__anonymous=False)
        return found, may_have_duplicates

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="respondent")
    def respondent_name(self, response):
        return respondent_label(response)

    answer_count = counted("answer_count", "answers")

    @admin.display(description="invited as")
    def invited_as(self, response):
        return str(response.invitation) if response.invitation else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(
            request, object_id, form_url, self.labels(request, object_id, extra_context)
        )

    def history_view(self, request, object_id, extra_context=None):
        labels = self.labels(request, object_id, extra_context)
        if "respondent_label" in labels:
            labels["title"] = f"Change history: {labels['respondent_label']}"
        return super().history_view(request, object_id, labels)

    def labels(self, request, object_id, extra_context) -> dict:
        """Page titles that name the respondent as the list does, never by identifier."""
        response = self.get_object(request, object_id)  # 404 out of reach
        label = respondent_label(response)
        return {**(extra_context or {}), "subtitle": label, "respondent_label": label}

    def get_fields(self, request, obj=None):
        fields = ["respondent_name", "campaign", "unit", "role", "started_at", "submitted_at"]
        if obj is not None and not obj.campaign.anonymous:
            fields.append("invited_as")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)
