// Passkeys (WebAuthn) on our pages: a first-party script, loaded from /static (the pages'
// Content-Security-Policy allows no inline or third-party script). A button marked
// data-passkey ("create" or "get") fetches its ceremony's options from data-options (a POST
// carrying the form's CSRF token), asks the browser's authenticator, puts the answer in the
// form's "credential" field and submits the form: the server checks it and answers with a
// page, as for a password. Without JavaScript or WebAuthn the buttons stay hidden.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) {
    return;
  }

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function decodeOptions(options) {
    options.challenge = toBytes(options.challenge);
    if (options.user) {
      options.user.id = toBytes(options.user.id);
    }
    ["excludeCredentials", "allowCredentials"].forEach(function (name) {
      (options[name] || []).forEach(function (descriptor) {
        descriptor.id = toBytes(descriptor.id);
      });
    });
    return options;
  }

  function encodeCredential(credential) {
    var response = credential.response;
    var encoded = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      encoded.response.attestationObject = toText(response.attestationObject);
      encoded.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      encoded.response.authenticatorData = toText(response.authenticatorData);
      encoded.response.signature = toText(response.signature);
      encoded.response.userHandle = toText(response.userHandle);
    }
    return encoded;
  }

  function run(button) {
    var form = document.getElementById(button.getAttribute("data-form"));
    var status = document.getElementById(button.getAttribute("data-status"));
    var kind = button.getAttribute("data-passkey");
    if (form.reportValidity && !form.reportValidity()) {
      return;
    }
    button.disabled = true;
    if (status) {
      status.textContent = button.getAttribute("data-waiting") || "";
    }
    fetch(button.getAttribute("data-options"), {
      method: "POST", body: new FormData(form), credentials: "same-origin"
    }).then(function (answer) {
      if (!answer.ok) {
        throw new Error("options " + answer.status);
      }
      return answer.json();
    }).then(function (options) {
      var publicKey = decodeOptions(options);
      return kind === "create" ? navigator.credentials.create({ publicKey: publicKey })
        : navigator.credentials.get({ publicKey: publicKey });
    }).then(function (credential) {
      form.elements.credential.value = JSON.stringify(encodeCredential(credential));
      form.submit();
    }).catch(function () {
      button.disabled = false;
      if (status) {
        status.textContent = button.getAttribute("data-failed") || "";
      }
    });
  }

  document.querySelectorAll("[data-passkey-fallback]").forEach(function (note) {
    note.hidden = true;
  });
  document.querySelectorAll("[data-passkey]").forEach(function (button) {
    button.hidden = false;
    var holder = button.closest("[data-passkey-block]");
    if (holder) {
      holder.hidden = false;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      run(button);
    });
  });
})();
