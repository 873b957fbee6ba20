"""Registry errors, named after their RFC 7591 §3.2.2 codes.

``description`` is public (sent to the registrant or printed by the CLI); it never holds a
secret.
"""

from __future__ import annotations


class ClientError(Exception):
    error = "invalid_request"
    status = 400
    zh = "请求不正确"  # what the console and the CLI say first, before the English description

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class InvalidRedirectUri(ClientError):
    error = "invalid_redirect_uri"
    zh = "回调地址不正确"


class InvalidClientMetadata(ClientError):
    error = "invalid_client_metadata"
    zh = "应用信息不正确"


class ClientNotFound(ClientError):
    error = "invalid_client_id"
    status = 404
    zh = "没有该应用"
