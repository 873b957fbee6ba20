// Scan to log in: ask the server every 2 seconds whether the phone has scanned or confirmed
// this browser's QR code; once confirmed, send the page's own "I confirmed" form. First-party,
// no library; without JavaScript the form's button does the same once.
(function () {
  "use strict";
  var box = document.querySelector("[data-scan-status]");
  if (!box || !window.fetch) { return; }
  var say = document.getElementById("scan-say");
  var form = document.getElementById("scan-finish");
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var words = {
    scanned: zh ? "已扫描，请在手机上确认登录" : "Scanned: confirm on your phone",
    confirmed: zh ? "已确认，正在登录…" : "Confirmed: logging you in…",
    denied: zh ? "已在手机上拒绝登录，请刷新二维码" : "Denied on the phone: get a new code",
    expired: zh ? "二维码已过期，请刷新" : "The code expired: get a new one",
    unknown: zh ? "二维码已失效，请刷新" : "The code is no longer valid: get a new one"
  };
  var deadline = Date.now() + (parseInt(box.getAttribute("data-scan-ttl"), 10) + 5) * 1000;
  function show(state, kind) {
    say.textContent = words[state];
    say.className = "scan-say " + (kind || "");
  }
  function poll() {
    if (Date.now() > deadline) { show("expired", "bad"); return; }
    fetch(box.getAttribute("data-scan-status"), {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (body) {
        var state = body.state;
        if (state === "confirmed") { show(state, "ok"); form.submit(); return; }
        if (state === "denied" || state === "expired" || state === "unknown") {
          show(state, "bad"); return;
        }
        if (state === "scanned") { show(state, "ok"); }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 1500);
})();
