"""examples/python-authlib/check_registration.py, the tool a department points at Yiwang to
check its registration: every check passes for a correct registration (the whole code flow
with a test account included), and each mistake a department makes is named."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import EXAMPLES
from docs_helpers import PASSWORD, USERNAME

TOOL = EXAMPLES / "python-authlib" / "check_registration.py"
REDIRECT = "https://wsbs.example.gov.cn/callback"  # never contacted: the tool reads the answer


def _check(served, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDP_")}
    return subprocess.run([sys.executable, str(TOOL), "--issuer", served.base, *args],
                          input=stdin, capture_output=True, text=True, timeout=60, env=env,
                          check=False)


def _client(served) -> dict:
    return served.idp("clients", "add", "--name", "网上办事大厅", "--redirect-uri", REDIRECT,
                      "--scope", "profile")


def test_a_correct_registration_passes_every_check_through_the_whole_code_flow(served):
    client = _client(served)
    done = _check(served, f"--client-id={client['client_id']}", "--redirect-uri", REDIRECT,
                  "--client-secret-stdin", "--scope", "openid profile", "--username", USERNAME,
                  stdin=f"{client['client_secret']}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for expected in ("✓ 发现文档与签发者一致", "✓ 签名公钥", "✓ 客户端与回调地址已登记",
                     "✓ 客户端密钥正确", "✓ 登录后带授权码返回", "✓ 换取令牌",
                     "✓ ID 令牌有效 / ID token valid: acr=2", "✓ 用户信息"):
        assert any(line.startswith(expected) for line in lines), done.stdout
    # the claims the client receives
    assert "claims: acr, name, preferred_username, sub, updated_at" in done.stdout
    assert lines[-1] == "全部通过 / all passed"
    assert PASSWORD not in done.stdout and client["client_secret"] not in done.stdout


def test_an_unregistered_redirect_uri_is_named_with_the_idps_reason(served):
    client = _client(served)
    done = _check(served, f"--client-id={client['client_id']}",
                  "--redirect-uri", "https://wsbs.example.gov.cn/other")
    assert done.returncode == 1
    assert "✗ 客户端或回调地址未登记 / client or redirect URI not registered: HTTP 400" \
        in done.stdout


def test_an_unknown_client_id_is_named(served):
    done = _check(served, "--client-id", "no-such-client", "--redirect-uri", REDIRECT)
    assert done.returncode == 1 and "✗ 客户端或回调地址未登记" in done.stdout


def test_a_wrong_secret_is_told_apart_from_a_registration_mistake(served):
    client = _client(served)
    done = _check(served, f"--client-id={client['client_id']}", "--redirect-uri", REDIRECT,
                  "--client-secret-stdin", stdin="not-the-secret\n")
    assert done.returncode == 1
    assert "✓ 客户端与回调地址已登记" in done.stdout
    assert "✗ 客户端密钥正确 / client secret accepted: token endpoint answered invalid_client" \
        in done.stdout


def test_a_scope_outside_the_registration_is_named_and_its_claims_are_not_released(served):
    client = _client(served)
    done = _check(served, f"--client-id={client['client_id']}", "--redirect-uri", REDIRECT,
                  "--client-secret-stdin", "--scope", "openid profile id_card",
                  "--username", USERNAME, stdin=f"{client['client_secret']}\n{PASSWORD}\n")
    assert done.returncode == 1
    assert ("✗ 所请求的授权范围均已授予 / every requested scope granted: "
            "not granted (not in the registration): id_card") in done.stdout
    assert ("✓ 用户信息 / userinfo: claims: acr, name, preferred_username, sub, updated_at"
            in done.stdout)


def test_a_wrong_issuer_url_fails_at_discovery(served):
    done = _check(served.__class__(served.base + "/wrong", served.env, served.run),
                  "--client-id", "x", "--redirect-uri", REDIRECT)
    assert done.returncode == 1 and done.stdout.startswith("✗ 发现文档")


def test_a_public_native_client_runs_the_code_flow_with_pkce_alone(served):
    client = served.idp("clients", "add", "--name", "掌上办", "--public", "--native",
                        "--redirect-uri", "cn.gov.example.app:/cb")
    done = _check(served, f"--client-id={client['client_id']}", "--public",
                  "--redirect-uri", "cn.gov.example.app:/cb", "--username", USERNAME,
                  stdin=f"{PASSWORD}\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ ID 令牌有效" in done.stdout and "客户端密钥" not in done.stdout
