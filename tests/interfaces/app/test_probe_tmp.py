import urllib.request
import pytest
from passculture.core.offerers.factories import VenueFactory

@pytest.mark.enable_socket
def test_probe(live_server, transactional_db):
    VenueFactory()
    urllib.request.urlopen(live_server.url + "/").read()
