"""What changes maturity models: import, new version, publish, retire, shipped models.

Every function is one transaction: a failed import writes nothing.
"""

from pathlib import Path

from django.db import transaction

from models_catalog.export import export_document
from models_catalog.file_format import (
    MODEL_THRESHOLD_DEFAULT,
    FileShape,
    ModelFileError,
    check_document,
    in_level_order,
    optional_value,
    read_model_file,
)
from models_catalog.models import Level, MaturityModel, ProcessArea, Question, ScaleOption
from models_catalog.versions import next_version

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"
SHIPPED_SLUGS = ("smart-customer-management", "cx-journey", "customer-centricity-stages")


class ModelInUseError(ModelFileError):
    """A version that campaigns use is frozen: past results must never change."""


def is_in_use(maturity_model: MaturityModel) -> bool:
    return maturity_model.campaigns.exists()


def import_model_file(text: str | bytes) -> tuple[MaturityModel, bool]:
    """Import a model file; returns the version and whether anything changed."""
    document, shape = read_model_file(text)
    return import_model(document=document, shape=shape)


@transaction.atomic
def import_model(*, document: dict, shape: FileShape) -> tuple[MaturityModel, bool]:
    existing = (
        MaturityModel.objects.select_for_update()
        .filter(slug=document["slug"], version=document["version"])
        .first()
    )
    if existing is not None:
        if export_document(existing, shape=shape) == in_level_order(document):
            reshaped = keep_shape(existing, shape)
            return existing, publish_imported_draft(existing) or reshaped
        if is_in_use(existing):
            raise ModelInUseError(
                f"version: {existing.slug} {existing.version} is used by campaigns and is "
                "frozen; give the changed file a new version"
            )
        existing.levels.all().delete()
        maturity_model = existing
    else:
        maturity_model = MaturityModel(status=MaturityModel.Status.PUBLISHED)
    fill_model(maturity_model, document, shape)
    maturity_model.save()
    create_contents(maturity_model, document)
    publish_imported_draft(maturity_model)
    return maturity_model, True


def publish_imported_draft(maturity_model: MaturityModel) -> bool:
    """An imported file has passed every rule, so the draft it names is published, as any
    imported version is. A retired version stays retired: `load_models` runs at every
    `make setup`, and must not bring back a version someone took out of use. Returns
    whether it changed."""
    if maturity_model.status != MaturityModel.Status.DRAFT:
        return False
    maturity_model.status = MaturityModel.Status.PUBLISHED
    maturity_model.save(update_fields=["status", "updated_at"])
    return True


def keep_shape(maturity_model: MaturityModel, shape: FileShape) -> bool:
    """The same content in a file that writes null for a missing key, or writes out a
    default, changes how export gives the file back and no result: allowed on a version
    that campaigns use. Returns whether it changed."""
    if maturity_model.file_shape == shape.as_json():
        return False
    maturity_model.file_shape = shape.as_json()
    maturity_model.save(update_fields=["file_shape", "updated_at"])
    return True


def fill_model(maturity_model: MaturityModel, document: dict, shape: FileShape):
    maturity_model.slug = document["slug"]
    maturity_model.version = document["version"]
    maturity_model.name = document["name"]
    maturity_model.source = optional_value(document, "source")
    maturity_model.description = optional_value(document, "description")
    maturity_model.allow_na = optional_value(document["scale"], "allow_na")
    maturity_model.rule = optional_value(document, "rule")
    maturity_model.threshold = optional_value(document, "threshold", MODEL_THRESHOLD_DEFAULT)
    maturity_model.file_shape = shape.as_json()


def create_contents(maturity_model: MaturityModel, document: dict):
    """Bulk-insert the scale, levels, areas and questions of a checked document."""
    ScaleOption.objects.filter(maturity_model=maturity_model).delete()
    ScaleOption.objects.bulk_create(
        ScaleOption(maturity_model=maturity_model, value=option["value"], label=option["label"])
        for option in document["scale"]["options"]
    )
    level_documents = in_level_order(document)["levels"]
    levels = Level.objects.bulk_create(
        Level(
            maturity_model=maturity_model,
            number=level["number"],
            name=level["name"],
            description=optional_value(level, "description"),
            obstacle=optional_value(level, "obstacle"),
        )
        for level in level_documents
    )
    area_rows = [
        (
            area,
            ProcessArea(
                maturity_model=maturity_model,
                level=level,
                position=position,
                key=area["key"],
                name=area["name"],
                description=optional_value(area, "description"),
                threshold=optional_value(area, "threshold"),
                recommendation=optional_value(area, "recommendation"),
            ),
        )
        for level, level_document in zip(levels, level_documents, strict=True)
        for position, area in enumerate(optional_value(level_document, "process_areas"))
    ]
    ProcessArea.objects.bulk_create(row for _, row in area_rows)
    Question.objects.bulk_create(
        Question(
            maturity_model=maturity_model,
            process_area=area,
            position=position,
            key=question["key"],
            text=question["text"],
            help=optional_value(question, "help"),
            weight=optional_value(question, "weight"),
        )
        for area_document, area in area_rows
        for position, question in enumerate(area_document["questions"])
    )


@transaction.atomic
def load_shipped_models() -> list[tuple[MaturityModel, bool]]:
    """Load or update the three shipped models; loading them twice changes nothing.

    All three or none: a file refused after another was taken leaves the earlier one as
    it was (CONTRACT.md section 2). The error names the file."""
    return [load_shipped_file(SHIPPED_DIR / f"{slug}.json") for slug in SHIPPED_SLUGS]


def load_shipped_file(path: Path) -> tuple[MaturityModel, bool]:
    try:
        return import_model_file(path.read_bytes())
    except OSError as error:
        raise ModelFileError(f"{path}: cannot read the file ({error.strerror})") from None
    except ModelFileError as error:
        raise ModelFileError(f"{path}: {error}") from None


@transaction.atomic
def create_new_version(*, maturity_model: MaturityModel, version: str = "") -> MaturityModel:
    """Copy a version as a draft to edit; campaigns keep the version they pinned."""
    taken = set(
        MaturityModel.objects.filter(slug=maturity_model.slug).values_list("version", flat=True)
    )
    version = version or next_version(maturity_model.version, taken)
    if version in taken:
        raise ModelFileError(f"version: {maturity_model.slug} {version} exists already")
    document = export_document(maturity_model)
    document["version"] = version
    copy = MaturityModel(status=MaturityModel.Status.DRAFT)
    fill_model(
        copy, document, FileShape(**{k: set(v) for k, v in maturity_model.file_shape.items()})
    )
    copy.save()
    create_contents(copy, document)
    return copy


@transaction.atomic
def publish(*, maturity_model: MaturityModel) -> MaturityModel:
    """Publish a version after checking it against every rule of the model file."""
    check_document(export_document(maturity_model))
    maturity_model.status = MaturityModel.Status.PUBLISHED
    maturity_model.save(update_fields=["status", "updated_at"])
    return maturity_model


@transaction.atomic
def recheck_published(*, maturity_model: MaturityModel) -> ModelFileError | None:
    """After an edit: a published version that now breaks a rule of the model file goes
    back to draft, so that no new campaign can choose it, until it is published again
    (which checks it). Returns the rule broken; None when the version is not published
    or still sound."""
    maturity_model.refresh_from_db(fields=["status"])
    if maturity_model.status != MaturityModel.Status.PUBLISHED:
        return None
    try:
        check_document(export_document(maturity_model))
    except ModelFileError as error:
        maturity_model.status = MaturityModel.Status.DRAFT
        maturity_model.save(update_fields=["status", "updated_at"])
        return error
    return None


@transaction.atomic
def retire(*, maturity_model: MaturityModel) -> MaturityModel:
    maturity_model.status = MaturityModel.Status.RETIRED
    maturity_model.save(update_fields=["status", "updated_at"])
    return maturity_model
