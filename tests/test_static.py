"""Static files build the way production serves them."""

import pytest
from django.core.management import call_command


@pytest.mark.slow  # collectstatic compresses every file
def test_collectstatic_builds_hashed_compressed_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    assert (tmp_path / "staticfiles.json").exists()
    assert list(tmp_path.glob("vendor/bootstrap/bootstrap.min.*.css.br"))
    assert list(tmp_path.glob("css/app.*.css.gz"))
    assert (tmp_path / "vendor/bootstrap/LICENSE").exists()
