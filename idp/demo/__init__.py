"""``idp demo``: sample citizens, a company, and two department sites roaming on one login."""
