"""Production static files: collected with hashed names, nothing from a CDN."""

from pathlib import Path

import pytest
from django.core.management import call_command


def test_collectstatic_succeeds_with_the_production_storage(settings, tmp_path):
    """The manifest storage follows every url() and source map; a missing one fails.

    WhiteNoise's storage adds compression to Django's manifest; the manifest is what
    can fail, and compressing plotly.js would make this test slow.
    """
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/plotly/plotly.min.*.js"))
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css"))


@pytest.mark.parametrize("folder", ["templates", "static/css", "static/js"])
def test_no_page_loads_anything_from_a_cdn(folder):
    root = Path(__file__).resolve().parents[2] / folder
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="ignore")
            assert "cdn." not in text, path
            assert "unpkg.com" not in text, path
