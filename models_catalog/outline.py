"""A model version as plain, ordered data: what pages, scoring and reports read.

Loaded in a constant number of queries, whatever the size of the model.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from config.release import RELEASE
from models_catalog.models import MaturityModel


@dataclass(frozen=True)
class QuestionOutline:
    id: int
    key: str
    text: str
    help: str
    weight: float


@dataclass(frozen=True)
class AreaOutline:
    id: int
    key: str
    name: str
    description: str
    threshold: float  # the area's own, else the model's
    recommendation: str
    level_number: int
    questions: tuple[QuestionOutline, ...]


@dataclass(frozen=True)
class LevelOutline:
    number: int
    name: str
    description: str
    obstacle: str
    areas: tuple[AreaOutline, ...]


@dataclass(frozen=True)
class ScaleOutline:
    options: tuple[tuple[int, str], ...]
    allow_na: bool

    @property
    def minimum(self) -> int:
        return self.options[0][0]

    @property
    def maximum(self) -> int:
        return self.options[-1][0]

    @cached_property
    def values(self) -> frozenset[int]:
        return frozenset(value for value, _ in self.options)

    def describe(self) -> str:
        return f"{self.minimum}-{self.maximum}"


@dataclass(frozen=True)
class ModelOutline:
    id: int
    slug: str
    version: str
    name: str
    source: str
    rule: str
    threshold: float
    scale: ScaleOutline
    levels: tuple[LevelOutline, ...]
    _areas_by_key: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def areas(self) -> tuple[AreaOutline, ...]:
        """All process areas in questionnaire order: by level, then position."""
        return tuple(area for level in self.levels for area in level.areas)

    @cached_property
    def questions_by_key(self) -> dict[str, QuestionOutline]:
        return {q.key: q for area in self.areas for q in area.questions}

    @cached_property
    def question_keys_by_id(self) -> dict[int, str]:
        return {q.id: q.key for area in self.areas for q in area.questions}

    def area(self, key: str) -> AreaOutline | None:
        return next((area for area in self.areas if area.key == key), None)

    def level(self, number: int) -> LevelOutline | None:
        return next((level for level in self.levels if level.number == number), None)


# Outlines never change once built (their key moves with the version), so each process
# keeps the few it uses rather than unpickling one from the shared cache on every page.
LOCAL_OUTLINES: dict[str, "ModelOutline"] = {}
LOCAL_LIMIT = 32


def outline_key(maturity_model: MaturityModel) -> str:
    """Names one state of a model version: it moves whenever any part of it changes."""
    return f"outline:{RELEASE}:{maturity_model.pk}:{maturity_model.updated_at.timestamp()}"


def load_outline(maturity_model: MaturityModel) -> ModelOutline:
    """The version's outline; cached until any part of the version changes (signals.py
    moves `updated_at` on every change of a level, area, question or scale option)."""
    key = outline_key(maturity_model)
    outline = LOCAL_OUTLINES.get(key)
    if outline is not None:
        return outline
    outline = cache.get(key)
    if outline is None:
        outline = read_outline(maturity_model)
        cache.set(key, outline, timeout=None)
    if len(LOCAL_OUTLINES) >= LOCAL_LIMIT:
        LOCAL_OUTLINES.clear()  # old versions' keys are never asked for again
    LOCAL_OUTLINES[key] = outline
    return outline


def read_outline(maturity_model: MaturityModel) -> ModelOutline:
    levels = maturity_model.levels.order_by("number").prefetch_related("process_areas__questions")
    scale = ScaleOutline(
        options=tuple(maturity_model.scale_options.order_by("value").values_list("value", "label")),
        allow_na=maturity_model.allow_na,
    )
    return ModelOutline(
        id=maturity_model.pk,
        slug=maturity_model.slug,
        version=maturity_model.version,
        name=maturity_model.name,
        source=maturity_model.source,
        rule=maturity_model.rule,
        threshold=maturity_model.threshold,
        scale=scale,
        levels=tuple(
            LevelOutline(
                number=level.number,
                name=level.name,
                description=level.description,
                obstacle=level.obstacle,
                areas=tuple(
                    outline_area(area, level.number, maturity_model.threshold)
                    for area in level.process_areas.all()
                ),
            )
            for level in levels
        ),
    )


def outline_area(area, level_number: int, model_threshold: float) -> AreaOutline:
    return AreaOutline(
        id=area.pk,
        key=area.key,
        name=area.name,
        description=area.description,
        threshold=model_threshold if area.threshold is None else area.threshold,
        recommendation=area.recommendation,
        level_number=level_number,
        questions=tuple(
            QuestionOutline(id=q.pk, key=q.key, text=q.text, help=q.help, weight=q.weight)
            for q in area.questions.all()
        ),
    )
