import pytest

from app.storage import build_storage
from app.storage.local import LocalStorage


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """Each contract test runs against both backends."""
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    config = request.getfixturevalue("s3_config")
    return build_storage(config)
