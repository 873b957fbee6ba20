// After a logout, the page loads the sites' front-channel logout pages in iframes (OIDC
// Front-Channel Logout 1.0 §3, SAML Profiles §4.4), then must continue by itself to where the
// logout goes next: the relying party's post_logout_redirect_uri (RP-Initiated Logout 1.0 §3)
// or the SAML answer. Continue once the window's load event says every iframe has loaded, or
// after data-wait-ms if one of them hangs (as node oidc-provider and Keycloak do). Without
// JavaScript the page's meta refresh does it once the iframes have loaded.
(function () {
  "use strict";
  var next = document.getElementById("logout-continue");
  if (!next) {
    return;
  }
  var done = false;
  function go() {
    if (done) {
      return;
    }
    done = true;
    if (next.tagName === "FORM") {
      next.submit();
    } else {
      window.location.replace(next.getAttribute("href"));
    }
  }
  var wait = parseInt(next.getAttribute("data-wait-ms"), 10);
  window.setTimeout(go, wait > 0 ? wait : 3000);
  if (document.readyState === "complete") {
    go();
  } else {
    window.addEventListener("load", go);
  }
})();
