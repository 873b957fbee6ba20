<?php
/*
 * SimpleSAMLphp 2: the service provider in config/authsources.php, pointed at Yiwang.
 * Replace bdc.example.gov.cn (this SP) and id.example.gov.cn (the IdP).
 * The IdP's metadata goes in metadata/saml20-idp-remote.php, converted from
 * https://id.example.gov.cn/saml/metadata by the admin UI's "XML to SimpleSAMLphp metadata
 * converter", or kept fresh by the metarefresh module.
 * Register this SP's metadata (https://bdc.example.gov.cn/simplesaml/module.php/saml/sp/metadata/yiwang)
 * with: idp clients add-saml --metadata-file sp.xml --name 不动产登记 --department 自然资源厅 \
 *           --attribute name --attribute preferred_username --min-level 2
 * Not exercised by the test suite (no PHP runtime with SimpleSAMLphp on the test machines).
 */
$config = [
    'yiwang' => [
        'saml:SP',
        'entityID' => 'https://bdc.example.gov.cn/simplesaml/module.php/saml/sp/metadata/yiwang',
        'idp' => 'https://id.example.gov.cn/saml/metadata',
        // Signed AuthnRequests and LogoutRequests, RSA-SHA256 (Yiwang refuses SHA-1).
        'privatekey' => 'sp.key',
        'certificate' => 'sp.crt',
        'sign.authnrequest' => true,
        'sign.logout' => true,
        'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        // A pairwise pseudonym for this SP (transient: a new one each login).
        'NameIDPolicy' => [
            'Format' => 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
            'AllowCreate' => true,
        ],
        // Level 2 (real-name) at least; level3 asks for a second factor.
        'AuthnContextClassRef' => 'urn:yiwang:ac:classes:level2',
        'AuthnContextComparison' => 'minimum',
        // Attribute names are URIs (urn:oid:...); map them with the oid2name filter:
        'authproc' => [
            20 => ['class' => 'core:AttributeMap', 'oid2name'],
        ],
    ],
];
