"""Big objects stream through storage without the process holding them in memory."""

import threading
import time

import psutil
import pytest

from app.storage import build_storage
from app.storage.base import MIN_PART_SIZE
from app.storage.local import LocalStorage
from tests.storage.streams import GeneratedStream

SIZE = 300 * 1024 * 1024
BUDGET = 60 * 1024 * 1024


class PeakRSS:
    """Samples this process's resident memory in a background thread."""

    def __enter__(self):
        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.start


@pytest.mark.parametrize("backend", ["local", "s3"])
def test_saving_300_mib_keeps_memory_flat(backend, tmp_path, request):
    storage = LocalStorage(tmp_path) if backend == "local" else build_storage(request.getfixturevalue("s3_config"))
    with PeakRSS() as rss:
        stored = storage.save("materials/big/0000000000000001", GeneratedStream(SIZE), "video/mp4")
    assert stored.size == SIZE
    assert rss.growth < BUDGET, f"RSS grew by {rss.growth / 2**20:.0f} MiB"


def test_joining_parts_keeps_memory_flat(tmp_path):
    storage = LocalStorage(tmp_path)
    key = "materials/big/0000000000000002"
    upload_id = storage.create_multipart_upload(key, "video/mp4")
    part_size = max(MIN_PART_SIZE, SIZE // 3)
    with PeakRSS() as rss:
        etags = [(n, storage.upload_part(key, upload_id, n, GeneratedStream(part_size))) for n in (1, 2, 3)]
        stored = storage.complete_multipart_upload(key, upload_id, etags)
    assert stored.size == 3 * part_size
    assert rss.growth < BUDGET, f"RSS grew by {rss.growth / 2**20:.0f} MiB"
