"""SAML 2.0 upstream identity providers (issue 15): pysaml2's service-provider side as a
``RedirectSource``; ``add-saml`` registers one from its metadata."""
