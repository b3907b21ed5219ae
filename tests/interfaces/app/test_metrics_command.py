"""`passculture metrics --port`: the metrics of a host without a web server, on a port of their own."""

import httpx
import pytest

from passculture.interfaces.app.management.commands.metrics import serve


@pytest.mark.django_db
def test_the_metrics_port_serves_the_process_and_database_metrics():
    server, thread = serve(0, "127.0.0.1")
    try:
        response = httpx.get(f"http://127.0.0.1:{server.server_port}/metrics", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert response.status_code == 200
    assert "passculture_outbox_pending" in response.text
    assert "passculture_job_interval_seconds" in response.text
    assert 'passculture_scrape_error{part="jobs"} 0.0' in response.text
