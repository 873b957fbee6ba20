"""The privacy notice a person accepts at sign-up (PIPL art. 14, 17): its version.

The text is ``idp/templates/auth/privacy_notice_text.html``; change this version with every
change of the text, so each account records which words its owner accepted.
"""

VERSION = "2026-12-01"
