"""Reading maturity models: which version a name means."""

from models_catalog.models import MaturityModel
from models_catalog.versions import version_key


class UnknownModelError(LookupError):
    pass


def resolve_model(slug: str, version: str | None = None) -> MaturityModel:
    """The named version, or the newest published one (CONTRACT.md section 2)."""
    versions = MaturityModel.objects.filter(slug=slug)
    if version:
        found = versions.filter(version=version).first()
        if found is None:
            raise UnknownModelError(f"model {slug} has no version {version}")
        return found
    published = list(versions.filter(status=MaturityModel.Status.PUBLISHED))
    if not published:
        known = "has no published version" if versions.exists() else "does not exist"
        raise UnknownModelError(f"model {slug} {known}")
    return max(published, key=lambda candidate: version_key(candidate.version))
