"""Serve a test app in its own process (for tests that measure the server process itself).

    python -m tests.serve_app <database url> <media root> <port> [KEY=VALUE ...]
"""

import sys

from werkzeug.serving import make_server

from tests.conftest import make_test_app

if __name__ == "__main__":
    database_url, media_root, port, *pairs = sys.argv[1:]
    overrides = dict(pair.split("=", 1) for pair in pairs)
    app = make_test_app(database_url, media_root, **overrides)
    make_server("127.0.0.1", int(port), app, threaded=True).serve_forever()
