"""Writing a model version back to the model file (CONTRACT.md section 4).

Optional keys that the imported file left out stay out, and nulls stay null, while their
value is unchanged: import then export gives back the same document, with its levels
listed by number.
"""

from models_catalog.file_format import DEFAULTS, FORMAT, MODEL_THRESHOLD_DEFAULT, FileShape
from models_catalog.models import MaturityModel


class _Writer:
    def __init__(self, shape: dict):
        self.absent = set(shape.get("absent", ()))
        self.null = set(shape.get("null", ()))

    def put(self, target: dict, name: str, value, path: str, default=None):
        default = DEFAULTS.get(name) if default is None else default
        if value == default or value is None:
            if path in self.absent:
                return
            if path in self.null:
                target[name] = None
                return
        target[name] = value


def export_document(maturity_model: MaturityModel, *, shape: FileShape | None = None) -> dict:
    """The version's model file; with a shape, as a file of that shape would give it."""
    writer = _Writer((maturity_model.file_shape or {}) if shape is None else shape.as_json())
    document = {
        "format": FORMAT,
        "slug": maturity_model.slug,
        "version": maturity_model.version,
        "name": maturity_model.name,
    }
    writer.put(document, "source", maturity_model.source, "model.source")
    writer.put(document, "description", maturity_model.description, "model.description")
    scale = {
        "options": [
            {"value": option.value, "label": option.label}
            for option in maturity_model.scale_options.order_by("value")
        ]
    }
    writer.put(scale, "allow_na", maturity_model.allow_na, "scale.allow_na")
    document["scale"] = scale
    writer.put(document, "rule", maturity_model.rule, "model.rule")
    writer.put(
        document,
        "threshold",
        maturity_model.threshold,
        "model.threshold",
        default=MODEL_THRESHOLD_DEFAULT,
    )
    document["levels"] = export_levels(maturity_model, writer)
    return document


def export_levels(maturity_model: MaturityModel, writer: _Writer) -> list[dict]:
    levels = maturity_model.levels.order_by("number").prefetch_related("process_areas__questions")
    exported = []
    for level in levels:
        item = {"number": level.number, "name": level.name}
        writer.put(item, "description", level.description, f"level:{level.number}.description")
        writer.put(item, "obstacle", level.obstacle, f"level:{level.number}.obstacle")
        areas = [export_area(area, writer) for area in level.process_areas.all()]
        writer.put(item, "process_areas", areas, f"level:{level.number}.process_areas")
        exported.append(item)
    return exported


def export_area(area, writer: _Writer) -> dict:
    item = {"key": area.key, "name": area.name}
    writer.put(item, "description", area.description, f"area:{area.key}.description")
    writer.put(item, "threshold", area.threshold, f"area:{area.key}.threshold")
    writer.put(item, "recommendation", area.recommendation, f"area:{area.key}.recommendation")
    item["questions"] = []
    for question in area.questions.all():
        entry = {"key": question.key, "text": question.text}
        writer.put(entry, "help", question.help, f"question:{question.key}.help")
        writer.put(entry, "weight", question.weight, f"question:{question.key}.weight")
        item["questions"].append(entry)
    return item
