"""Web plumbing shared by every page: CSRF, languages, security headers, error pages."""
