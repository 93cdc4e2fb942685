from registry.accounts.client_ip import client_address


def test_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_address("198.51.100.7", "203.0.113.9", ()) == "198.51.100.7"


def test_a_trusted_proxy_names_the_client():
    assert client_address("10.0.0.2", "203.0.113.9", ("10.0.0.0/8",)) == "203.0.113.9"


def test_what_a_client_writes_into_the_header_before_the_proxy_is_not_believed():
    # The client sent "X-Forwarded-For: 192.0.2.1"; the proxy appended the real address.
    assert client_address("10.0.0.2", "192.0.2.1, 203.0.113.9", ("10.0.0.0/8",)) == "203.0.113.9"


def test_a_chain_of_trusted_proxies_is_peeled_off():
    trusted = ("10.0.0.0/8", "172.16.0.5")
    assert client_address("10.0.0.2", "203.0.113.9, 172.16.0.5", trusted) == "203.0.113.9"


def test_garbage_from_a_trusted_proxy_leaves_the_proxy_address():
    assert client_address("10.0.0.2", "not-an-address", ("10.0.0.0/8",)) == "10.0.0.2"


def test_an_untrusted_connection_cannot_claim_to_be_a_proxy():
    assert client_address("198.51.100.7", "10.0.0.2, 203.0.113.9", ("10.0.0.0/8",)) == "198.51.100.7"
