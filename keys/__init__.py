"""Every key the IdP encrypts, decrypts or signs with, and their protection at rest."""
