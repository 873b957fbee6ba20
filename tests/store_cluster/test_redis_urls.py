"""IDP_REDIS_URL names one server, a Cluster or a Sentinel set; a malformed one stops start-up
with a message that says what is wrong and never shows the password."""

from __future__ import annotations

import pytest

from idp.settings import Settings, SettingsError
from idp.store.redis_urls import RedisTarget, parse_redis_url


@pytest.mark.parametrize(("url", "target"), [
    ("redis://127.0.0.1:6379/0", RedisTarget("server", url="redis://127.0.0.1:6379/0")),
    ("redis+cluster://10.0.0.1:7000,10.0.0.2:7001/",
     RedisTarget("cluster", nodes=(("10.0.0.1", 7000), ("10.0.0.2", 7001)))),
    ("redis+cluster://:s%40cret@redis-a,redis-b:7001",
     RedisTarget("cluster", nodes=(("redis-a", 6379), ("redis-b", 7001)), password="s@cret")),
    ("rediss+cluster://idp:pw@[::1]:7000/?ssl_ca_certs=/etc/ca.pem",
     RedisTarget("cluster", nodes=(("::1", 7000),), username="idp", password="pw", tls=True,
                 ssl_ca_certs="/etc/ca.pem")),
    ("redis+sentinel://s1,s2:26380,s3/mymaster",
     RedisTarget("sentinel", nodes=(("s1", 26379), ("s2", 26380), ("s3", 26379)),
                 service="mymaster")),
    ("redis+sentinel://:pw@s1:26379/mymaster/2?sentinel_password=spw&sentinel_username=sen",
     RedisTarget("sentinel", nodes=(("s1", 26379),), service="mymaster", db=2, password="pw",
                 sentinel_username="sen", sentinel_password="spw")),
])
def test_each_url_form_names_its_nodes_service_and_credentials(url, target):
    assert parse_redis_url(url) == target


@pytest.mark.parametrize(("url", "says"), [
    ("memcached://127.0.0.1:11211", "must start with redis://"),
    ("redis+sentinel://:hunter2@s1,s2", "needs /service_name"),
    ("redis+sentinel://:hunter2@s1/mymaster/zero", "where the database should be"),
    ("redis+cluster://:hunter2@a:7000/3", "one database"),
    ("redis+cluster://:hunter2@a:seven", "where a port should be"),
    ("redis+cluster://:hunter2@a,,b", "empty host"),
    ("redis+cluster://:hunter2@a?db=3", "takes no option db"),
])
def test_a_malformed_url_stops_start_up_saying_why_without_the_password(url, says, tmp_path):
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"IDP_REDIS_URL": url, "IDP_DATA_DIR": str(tmp_path)})
    assert says in str(refused.value) and "hunter2" not in str(refused.value)
