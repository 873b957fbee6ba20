"""``idp clients``: what an operator types and sees."""

import json

from clients.registry import get_client


def _add(cli, *extra: str):
    result = cli("clients", "add", "--name", "公积金中心", "--redirect-uri",
                 "https://gjj.example.gov.cn/cb", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_prints_the_client_id_and_secret_once(cli, services):
    added = _add(cli, "--department", "住建厅", "--backchannel-logout-uri",
                 "https://gjj.example.gov.cn/bc", "--first-party", "--min-level", "2",
                 "--alg", "ES256", "--scope", "profile", "--scope", "id_card",
                 "--claim", "name", "--claim", "id_card", "--pairwise", "--refresh")
    with services.db.session() as session:
        client = get_client(session, added["client_id"], keyring=services.keyring)
        assert client.check_client_secret(added["client_secret"])
    assert added["department"] == "住建厅" and added["first_party"] is True
    assert added["min_level"] == 2 and added["id_token_signed_response_alg"] == "ES256"
    assert added["scope"] == "openid profile id_card offline_access"
    assert added["allowed_claims"] == ["id_card", "name"]
    assert added["subject_type"] == "pairwise" and added["allow_refresh"] is True
    shown = cli("clients", "show", added["client_id"], "--json")
    assert "client_secret" not in json.loads(shown.stdout)
    assert added["client_secret"] not in shown.stdout


def test_a_public_client_has_no_secret(cli):
    added = _add(cli, "--public")
    assert added["client_secret"] is None
    assert added["token_endpoint_auth_method"] == "none"


def test_text_output_names_the_client_and_warns_the_secret_is_shown_once(cli):
    result = cli("clients", "add", "--name", "x", "--redirect-uri", "https://x.gov.cn/cb")
    assert result.exit_code == 0
    assert "client_id:" in result.output and "shown only now" in result.output


def test_bad_metadata_is_refused_with_its_error_code(cli):
    result = cli("clients", "add", "--name", "x", "--redirect-uri", "http://x.gov.cn/cb")
    assert result.exit_code == 1
    assert "invalid_redirect_uri" in result.output and "https" in result.output
    listed = json.loads(cli("clients", "list", "--json").stdout)
    assert "x" not in [c["client_name"] for c in listed]


def test_list_disable_enable_rotate_and_delete(cli):
    added = _add(cli)
    cid = added["client_id"]
    assert cid in cli("clients", "list").output
    assert cli("clients", "disable", cid).exit_code == 0
    assert json.loads(cli("clients", "list", "--json").stdout)[0]["disabled"] is True
    assert cli("clients", "enable", cid).exit_code == 0
    rotated = json.loads(cli("clients", "rotate-secret", cid, "--json").stdout)
    assert rotated["client_secret"] != added["client_secret"]
    assert cli("clients", "delete", cid, "--yes").exit_code == 0
    assert cli("clients", "show", cid).exit_code == 1


def test_unknown_clients_are_reported(cli):
    for command in ("show", "disable", "rotate-secret"):
        result = cli("clients", command, "nope")
        assert result.exit_code == 1 and "nope" in result.output


def test_an_initial_access_token_lets_a_registrant_register(cli, client):
    issued = json.loads(cli("clients", "initial-access-token", "--ttl", "60", "--json").stdout)
    assert issued["expires_in"] == 60 and issued["single_use"] is True
    response = client.post("/connect/register", json={"redirect_uris": ["https://r.gov.cn/cb"]},
                           headers={"Authorization": f"Bearer {issued['initial_access_token']}"})
    assert response.status_code == 201


def test_a_scope_the_idp_does_not_define_is_refused_and_nothing_is_stored(cli):
    result = cli("clients", "add", "--name", "社保", "--redirect-uri",
                 "https://sb.example.gov.cn/cb", "--scope", "openid", "--scope", "bogus", "--json")
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["error"] == "invalid_client_metadata" and "bogus" in answer["message"]
    # Only the provincial app's built-in client (migration 0021_app_client) is registered.
    listed = json.loads(cli("clients", "list", "--json").stdout)
    assert [c["client_id"] for c in listed] == ["yiwang-app"]
