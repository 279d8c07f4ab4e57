"""The catalog in the admin: model versions, their scale, levels, process areas, questions.

Maturity models are shared by every consultant. A version that a campaign uses is frozen:
past results must never change, so its pages are read-only and say why; "New version"
makes an editable draft copy.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from assessments.admin_access import is_consultant
from models_catalog import services
from models_catalog.export import export_document
from models_catalog.file_format import ModelFileError
from models_catalog.forms import (
    KeysWithinVersionFormSet,
    ModelFileForm,
    ProcessAreaForm,
    QuestionForm,
)
from models_catalog.models import Level, MaturityModel, ProcessArea, Question, ScaleOption
from models_catalog.versions import next_version

COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}


def version_of(obj) -> MaturityModel:
    return obj if isinstance(obj, MaturityModel) else obj.maturity_model


def counted(annotation: str, description: str):
    """A list column showing a count the queryset annotates, sortable by it."""

    @admin.display(description=description, ordering=annotation)
    def column(model_admin, obj):
        return getattr(obj, annotation)

    return column


def in_version(obj) -> str:
    """A choice's label that tells which version it belongs to."""
    return f"{obj.maturity_model.slug} {obj.maturity_model.version} · {obj}"


def editable_versions():
    """Versions no campaign uses: the queryset form of `services.is_in_use`."""
    return MaturityModel.objects.filter(campaigns__isnull=True)


def is_frozen(request, obj) -> bool:
    """Whether the object's version is in use, asked once per version and request."""
    if obj is None or obj.pk is None:
        return False
    version_id = obj.pk if isinstance(obj, MaturityModel) else obj.maturity_model_id
    if not hasattr(request, "_versions_in_use"):
        request._versions_in_use = {}
    if version_id not in request._versions_in_use:
        request._versions_in_use[version_id] = services.is_in_use(version_of(obj))
    return request._versions_in_use[version_id]


class SharedCatalog:
    """Admin mixin: every consultant may work on the catalog, except on frozen versions.

    For an inline, `obj` is the parent object, which belongs to the same version.
    """

    def has_module_permission(self, request):
        return is_consultant(request)

    def has_view_permission(self, request, obj=None):
        return is_consultant(request)

    def has_add_permission(self, request, obj=None):
        return is_consultant(request) and not is_frozen(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_consultant(request) and not is_frozen(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_consultant(request) and not is_frozen(request, obj)


class CatalogAdmin(SharedCatalog, admin.ModelAdmin):
    """A catalog page: says why a frozen version is read-only; deletes one object at a time.

    Bulk deletion is left out: its confirmation page would list the campaigns of every
    organization that protect a version.
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and obj is not None and is_frozen(request, obj):
            campaigns = version_of(obj).campaigns.count()
            messages.warning(
                request,
                f"This version is used by {campaigns} campaign{'s' if campaigns != 1 else ''} "
                "and cannot change; use 'New version' to edit a copy.",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    # Publishing checks a version against the model file's rules; an edit of a published
    # version no campaign uses yet is checked again, as it could break one.
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        recheck(request, version_of(form.instance))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        if not isinstance(obj, MaturityModel):
            recheck(request, obj.maturity_model)


def recheck(request, maturity_model: MaturityModel):
    error = services.recheck_published(maturity_model=maturity_model)
    if error is not None:
        messages.warning(
            request,
            f"{maturity_model.slug} {maturity_model.version} is back to draft, so no new "
            f"campaign can choose it: {error}. Publish it again once it is complete.",
        )


class ScaleOptionInline(SharedCatalog, admin.TabularInline):
    model = ScaleOption
    extra = 0


class LevelInline(SharedCatalog, admin.TabularInline):
    model = Level
    extra = 0
    fields = ("number", "name", "description", "obstacle")
    formfield_overrides = COMPACT_TEXT
    show_change_link = True


class ProcessAreaInline(SharedCatalog, admin.TabularInline):
    model = ProcessArea
    form = ProcessAreaForm
    formset = KeysWithinVersionFormSet
    extra = 0
    fields = ("position", "key", "name", "threshold", "recommendation")
    formfield_overrides = COMPACT_TEXT
    show_change_link = True


class QuestionInline(SharedCatalog, admin.TabularInline):
    model = Question
    form = QuestionForm
    formset = KeysWithinVersionFormSet
    extra = 0
    fields = ("position", "key", "text", "help", "weight")
    formfield_overrides = COMPACT_TEXT
    show_change_link = True


@admin.register(MaturityModel)
class MaturityModelAdmin(CatalogAdmin):
    list_display = (
        "name",
        "slug",
        "version",
        "status",
        "level_count",
        "question_count",
        "campaign_count",
        "download_link",
    )
    list_filter = ("status",)
    search_fields = ("slug", "name")
    fields = (
        ("slug", "version"),
        "status",
        "name",
        "source",
        "description",
        ("rule", "threshold"),
        "allow_na",
    )
    readonly_fields = ("status",)
    inlines = (ScaleOptionInline, LevelInline)
    actions = ("create_new_version", "publish", "retire")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                level_count=Count("levels", distinct=True),
                question_count=Count("questions", distinct=True),
                campaign_count=Count("campaigns", distinct=True),
            )
        )

    level_count = counted("level_count", "levels")
    question_count = counted("question_count", "questions")
    campaign_count = counted("campaign_count", "used by campaigns")

    @admin.display(description="model file")
    def download_link(self, maturity_model):
        url = reverse("admin:models_catalog_maturitymodel_download", args=[maturity_model.pk])
        return format_html('<a href="{}">Download</a>', url)

    def get_urls(self):
        own = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="models_catalog_maturitymodel_upload",
            ),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="models_catalog_maturitymodel_download",
            ),
            path(
                "<int:pk>/new-version/",
                self.admin_site.admin_view(self.new_version_view),
                name="models_catalog_maturitymodel_new_version",
            ),
        ]
        return own + super().get_urls()

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ModelFileForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                maturity_model, changed = services.import_model_file(form.read())
            except ModelFileError as error:
                form.add_error("file", str(error))
            else:
                outcome = "imported" if changed else "is already up to date"
                messages.success(
                    request, f"{maturity_model.slug} {maturity_model.version} {outcome}."
                )
                return redirect("admin:models_catalog_maturitymodel_change", maturity_model.pk)
        return TemplateResponse(
            request,
            "admin/form_page.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Upload a model file",
                "form": form,
                "submit_label": "Upload",
            },
        )

    def download_view(self, request, pk):
        maturity_model = get_object_or_404(MaturityModel, pk=pk)
        if not self.has_view_permission(request, maturity_model):
            raise PermissionDenied
        return model_file_response(maturity_model)

    def new_version_view(self, request, pk):
        maturity_model = get_object_or_404(MaturityModel, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            copy = self.copy_version(request, maturity_model)
            if copy is not None:
                return redirect("admin:models_catalog_maturitymodel_change", copy.pk)
            return redirect("admin:models_catalog_maturitymodel_change", maturity_model.pk)
        taken = set(
            MaturityModel.objects.filter(slug=maturity_model.slug).values_list("version", flat=True)
        )
        return TemplateResponse(
            request,
            "admin/models_catalog/maturitymodel/new_version.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": maturity_model,
                "title": "Create a new version",
                "next_version": next_version(maturity_model.version, taken),
            },
        )

    def copy_version(self, request, maturity_model) -> MaturityModel | None:
        try:
            copy = services.create_new_version(maturity_model=maturity_model)
        except ModelFileError as error:
            messages.error(request, f"No new version of {maturity_model.slug}: {error}")
            return None
        messages.success(
            request,
            format_html(
                'Created <a href="{}">{} {}</a> as a draft copy of {}.',
                reverse("admin:models_catalog_maturitymodel_change", args=[copy.pk]),
                copy.slug,
                copy.version,
                maturity_model.version,
            ),
        )
        return copy

    @admin.action(description="Create a new version (draft copy)", permissions=["add"])
    def create_new_version(self, request, queryset):
        for maturity_model in queryset:
            self.copy_version(request, maturity_model)

    @admin.action(description="Publish", permissions=["change"])
    def publish(self, request, queryset):
        for maturity_model in queryset:
            try:
                services.publish(maturity_model=maturity_model)
            except ModelFileError as error:
                messages.error(
                    request,
                    f"{maturity_model.slug} {maturity_model.version} was not published: {error}",
                )
            else:
                messages.success(
                    request, f"{maturity_model.slug} {maturity_model.version} is published."
                )

    @admin.action(description="Retire", permissions=["change"])
    def retire(self, request, queryset):
        for maturity_model in queryset:
            services.retire(maturity_model=maturity_model)
        messages.success(
            request,
            f"Retired {len(queryset)} version{'s' if len(queryset) != 1 else ''}; "
            "campaigns that use them keep them.",
        )


def model_file_response(maturity_model: MaturityModel) -> HttpResponse:
    document = export_document(maturity_model)
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        content_type="application/json; charset=utf-8",
    )
    filename = f"{maturity_model.slug}-{maturity_model.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Level)
class LevelAdmin(CatalogAdmin):
    list_display = ("__str__", "maturity_model", "area_count")
    list_select_related = ("maturity_model",)
    list_filter = ("maturity_model",)
    search_fields = ("name", "maturity_model__slug")
    fields = ("maturity_model", "number", "name", "description", "obstacle")
    inlines = (ProcessAreaInline,)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(area_count=Count("process_areas", distinct=True))
        )

    area_count = counted("area_count", "process areas")

    def get_readonly_fields(self, request, obj=None):
        # A level moved to another version would leave its areas behind in the old one.
        return ("maturity_model",) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "maturity_model":
            kwargs["queryset"] = editable_versions()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VersionPartAdmin(CatalogAdmin):
    """An area or question: it stays in its version, since what it holds carries that
    version too; a new one goes into a version that no campaign uses."""

    parent_field: str

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get(self.parent_field)
        if field is not None:
            parents = field.queryset.select_related("maturity_model")
            field.queryset = (
                parents.filter(maturity_model_id=obj.maturity_model_id)
                if obj
                else parents.filter(maturity_model__in=editable_versions())
            )
            field.label_from_instance = in_version
        return form


@admin.register(ProcessArea)
class ProcessAreaAdmin(VersionPartAdmin):
    form = ProcessAreaForm
    parent_field = "level"
    list_display = ("key", "name", "level", "maturity_model", "threshold", "question_count")
    list_select_related = ("level", "maturity_model")
    list_filter = ("maturity_model",)
    search_fields = ("key", "name")
    fields = ("level", "position", "key", "name", "description", "threshold", "recommendation")
    inlines = (QuestionInline,)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(question_count=Count("questions", distinct=True))
        )

    question_count = counted("question_count", "questions")


@admin.register(Question)
class QuestionAdmin(VersionPartAdmin):
    form = QuestionForm
    parent_field = "process_area"
    list_display = ("key", "text", "process_area", "maturity_model", "weight")
    list_select_related = ("process_area", "maturity_model")
    list_filter = ("maturity_model",)
    search_fields = ("key", "text")
    fields = ("process_area", "position", "key", "text", "help", "weight")
