"""The SAML 2.0 identity provider (SAML Core, Bindings and Profiles 2.0).

The only package that parses or signs SAML XML. Messages are built with lxml and signed in
process with signxml (a key object loaded once: hundreds per second, where pysaml2's calls to
the ``xmlsec1`` program give about 7). Every inbound message goes through ``xml.parse`` (no
DTD, bounded size) and ``signatures`` (keys from the SP's registered metadata only).
"""
