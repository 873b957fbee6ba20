// SAML HTTP-POST binding (Bindings §3.5.4): submit the form at once; without JavaScript the
// visible button does it.
document.getElementById("saml-post").submit();
