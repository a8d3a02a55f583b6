// Passkeys: asks the server for WebAuthn options, lets the browser create or use a credential, and
// posts the result with the form it belongs to (forms marked data-passkey="create" or "request").
// Without WebAuthn support the passkey controls stay hidden and nothing else changes.
(function () {
  'use strict';

  var supported = typeof window.PublicKeyCredential === 'function' &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function' &&
    !!navigator.credentials;

  function base64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = '';
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // Some password managers break credential.toJSON(); the fields the server reads, by hand.
  function serialize(credential) {
    try {
      return JSON.stringify(credential.toJSON());
    } catch (e) {
      var r = credential.response;
      var response = { clientDataJSON: base64url(r.clientDataJSON) };
      if (r.attestationObject) {
        response.attestationObject = base64url(r.attestationObject);
        response.transports = r.getTransports ? r.getTransports() : [];
      }
      if (r.authenticatorData) { response.authenticatorData = base64url(r.authenticatorData); }
      if (r.signature) { response.signature = base64url(r.signature); }
      if (r.userHandle) { response.userHandle = base64url(r.userHandle); }
      return JSON.stringify({
        id: credential.id,
        rawId: base64url(credential.rawId),
        type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: response
      });
    }
  }

  function fail(form, key) {
    var status = form.querySelector('[data-passkey-status]');
    if (status) {
      status.textContent = status.getAttribute('data-' + key) || '';
      status.hidden = false;
    }
  }

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var mode = form.getAttribute('data-passkey');
    var start = form.querySelector('[data-passkey-start]');
    if (!supported) {
      if (mode === 'create') { fail(form, 'unsupported'); }
      return;
    }
    form.hidden = false;
    if (start) { start.hidden = false; }

    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      var token = form.querySelector('input[name="__RequestVerificationToken"]');
      try {
        var response = await fetch(mode === 'create' ? '/passkeys/creation-options' : '/passkeys/request-options', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'X-CSRF-TOKEN': token ? token.value : '' }
        });
        if (!response.ok) { throw new Error('options ' + response.status); }
        var options = await response.json();
        var credential = mode === 'create'
          ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
          : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
        if (!credential) { throw new Error('cancelled'); }
        form.querySelector('input[name="CredentialJson"]').value = serialize(credential);
        // form.submit() does not raise the submit event again.
        form.submit();
      } catch (e) {
        fail(form, 'failed');
      }
    });
  });
})();
