// OAuth 2.0 Form Post Response Mode: submit the response to the client at once. Without
// JavaScript the page shows a button that does the same.
document.forms["oidc-response"].submit();
