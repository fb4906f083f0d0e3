"""gunicorn settings for `make run` (the scheduler runs in its own process, never here)."""
import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 60
graceful_timeout = 30
accesslog = None  # the app writes JSON access lines with request ids
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
"""``make run`` sends gunicorn's own lines (start, workers booting) to var/log/gunicorn.log."""
preload_app = False


def post_worker_init(worker) -> None:
    """Load the active ranker and the open-posting index before the first request arrives,
    so nobody waits for them (about a second with 20,000 open postings)."""
    app = worker.wsgi
    try:
        with app.app_context():
            from api import ranking

            ranking.scorer()
            ranking.open_postings()
    except Exception:  # a cold cache only costs the first request some time
        worker.log.exception("ranking warm-up failed; the first request will build the caches")
