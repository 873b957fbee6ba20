"""The integration guide and the example configurations say what the code does: every scope
with exactly the claims it releases, every level and its SAML class, every SAML attribute
name; the configurations for stacks the suite cannot run are at least well-formed and name
the IdP's real endpoints and classes."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import EXAMPLES
from lxml import etree

from idp.claims import SCOPE_CLAIMS, SUPPORTED_SCOPES
from idp.oidc.authorization.parameters import ACR_LEVELS
from idp.saml.attributes import ATTRIBUTES, LEGAL_PERSON
from idp.saml.constants import LEVEL_CLASSES

GUIDE = (Path(__file__).resolve().parents[2] / "docs" / "integrating.md").read_text()


def _table_row(first_cell: str) -> list[str]:
    row = next(line for line in GUIDE.splitlines() if line.startswith(f"| {first_cell} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_the_scope_table_lists_every_scope_with_exactly_the_claims_it_releases():
    for scope in SUPPORTED_SCOPES:
        cells = _table_row(f"`{scope}`")
        claims = set(re.findall(r"`(\w+)`", cells[1].split(":")[0]))
        assert claims == set(SCOPE_CLAIMS.get(scope, ())), scope


def test_the_level_table_names_every_acr_value_and_its_saml_class():
    for level in ACR_LEVELS:
        cells = _table_row(level)
        assert cells[1] == f"`{level}`" and cells[2] == f"`{LEVEL_CLASSES[int(level)]}`"


def test_the_guide_and_the_shibboleth_attribute_map_name_every_attribute_released():
    names = {name for name, _ in ATTRIBUTES.values()} | {n for n, _ in LEGAL_PERSON.values()}
    mapped = etree.parse(str(EXAMPLES / "saml" / "attribute-map.xml")).getroot()
    in_map = {element.get("name") for element in mapped}
    assert names <= in_map
    for name in names - {n for n, _ in LEGAL_PERSON.values()}:
        assert f"`{name}`" in GUIDE, name


def test_the_shibboleth_and_simplesamlphp_configurations_ask_for_our_classes():
    shib = etree.parse(str(EXAMPLES / "saml" / "shibboleth2.xml")).getroot()
    sso = shib.find(".//{*}SSO")
    assert sso.get("entityID").endswith("/saml/metadata")
    assert sso.get("authnContextClassRef") in LEVEL_CLASSES.values()
    php = (EXAMPLES / "saml" / "authsources.php").read_text()
    asked = re.search(r"'AuthnContextClassRef' => '([^']+)'", php).group(1)
    assert asked in LEVEL_CLASSES.values()
    assert "'idp' => 'https://id.example.gov.cn/saml/metadata'" in php


def test_the_spring_configuration_is_yaml_for_the_discovery_issuer():
    config = yaml.safe_load((EXAMPLES / "java-spring" / "application.yml").read_text())
    client = config["spring"]["security"]["oauth2"]["client"]
    assert client["provider"]["yiwang"]["issuer-uri"] == "https://id.example.gov.cn"
    registration = client["registration"]["yiwang"]
    assert registration["authorization-grant-type"] == "authorization_code"
    assert set(registration["scope"].split(",")) <= set(SUPPORTED_SCOPES)
