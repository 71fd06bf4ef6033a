/* global window, $, RED */
'use strict';
// strict: the functions below are scoped to the block, so nothing but OAuth2ConnectorsEditor becomes global
if (!window.OAuth2ConnectorsEditor) {
  // Editor helpers shared by the OAuth2 connector config nodes. Node-RED serves this package's
  // resources/ folder at <httpAdminRoot>/resources/node-red-contrib-oauth2-connectors/; each config node's
  // .html loads this file with a relative <script src>, which the editor fetches before it runs
  // that .html's registerType (so it is there for oneditprepare). Loaded once per config node
  // type, so it defines its global only once. Secrets typed in the dialog travel only in the body
  // of authenticated admin calls; the editor never receives secrets or tokens back.
  var PREFIX = 'oauth2-connectors/';

  function callbackUrl() {
    var path = window.location.pathname;
    if (!/\/$/.test(path)) path = path.replace(/[^/]*$/, '') || '/';
    return window.location.origin + path + PREFIX + 'callback';
  }

  function collect(type) {
    var def = RED.nodes.getType(type);
    var settings = {};
    Object.keys(def.defaults || {}).forEach(function (key) {
      var input = $('#node-config-input-' + key);
      if (!input.length) return;
      settings[key] = input.is(':checkbox') ? input.is(':checked') : input.val();
    });
    var credentials = {};
    Object.keys(def.credentials || {}).forEach(function (key) {
      var value = $('#node-config-input-' + key).val();
      if (typeof value === 'string' && value !== '' && value !== '__PWRD__') credentials[key] = value;
    });
    return { settings: settings, credentials: credentials };
  }

  /** The client authentication that worked, named as the generic description's choices name it. */
  function authLine(method) {
    if (!method) return '';
    var choices = (window.OAuth2ConnectorsDescriptions && window.OAuth2ConnectorsDescriptions.generic.clientAuthChoices) || [];
    var choice = choices.filter(function (c) { return c.value === method; })[0];
    return '<br>Client authentication: <span class="oauth2-client-auth">' + RED.utils.sanitize(choice ? choice.label : method) + '</span>';
  }

  /** Only http(s) pages are ever opened or linked: never javascript:, data:, file: or vbscript:. */
  function safeHttpUrl(value) {
    if (typeof value !== 'string') return null;
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch {
      return null;
    }
  }

  function when(ts) {
    if (!ts) return 'unknown (refreshed when rejected)';
    return new Date(ts).toLocaleString();
  }

  function show(box, state, html) {
    box.attr('data-state', state).html(html);
  }

  function render(box, data) {
    var t = (data && data.tokens) || {};
    var a = data && data.attempt;
    if (a && a.status === 'pending') return show(box, 'pending', '<i class="fa fa-spinner fa-spin"></i> Waiting for the provider…');
    if (a && a.status === 'error' && (!t.authorized || (a.finishedAt || 0) > (t.obtainedAt || 0))) {
      return show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(a.message || 'Authorization failed'));
    }
    $('#node-config-oauth2-disconnect').toggle(!!t.authorized || t.state === 'reauthorization_required');
    if (t.state === 'reauthorization_required') return show(box, 'reconnect', '<i class="fa fa-circle-o" style="color:#c62828"></i> Reconnect needed: the refresh token was rejected. Authorize again.');
    if (t.state === 'misconfigured') return show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(t.message || 'Invalid settings'));
    if (t.authorized) {
      return show(box, 'authorized', '<i class="fa fa-check-circle" style="color:#2e7d32"></i> Authorized' +
        (t.pendingDeploy ? ' <i class="oauth2-pending-deploy">(with these settings: deploy to use it)</i>' : '') +
        '<br>Scopes: <span class="oauth2-scopes">' + RED.utils.sanitize(t.scope || '(not reported)') + '</span>' +
        '<br>Access token expires: ' + RED.utils.sanitize(when(t.expiresAt)) +
        '<br>Refresh token: ' + (t.hasRefreshToken ? 'yes' + refreshExpiry(t.refreshExpiresAt) : 'no') + authLine(t.clientAuthMethod));
    }
    return show(box, 'empty', 'Not authorized yet.');
  }

  /** ", expires <date>" for a refresh token whose lifetime is known. */
  function refreshExpiry(at) {
    return at ? ', expires <span class="oauth2-refresh-expiry">' + RED.utils.sanitize(new Date(at).toLocaleString()) + '</span>' : '';
  }

  function route(type, id, action) {
    return PREFIX + type + '/' + encodeURIComponent(id) + '/' + action;
  }

  function errorText(xhr) {
    try {
      return JSON.parse(xhr.responseText).error || xhr.statusText;
    } catch {
      return xhr.status === 401 ? 'Not permitted (log in again)' : xhr.statusText || 'request failed';
    }
  }

  function refresh(type, id, box, done) {
    $.ajax({ url: route(type, id, 'status'), method: 'GET', dataType: 'json' })
      .done(function (data) { render(box, data); if (done) done(data); })
      .fail(function (xhr) { show(box, 'error', RED.utils.sanitize(errorText(xhr))); if (done) done(null); });
  }

  function poll(type, id, box, startedAt) {
    refresh(type, id, box, function (data) {
      var a = data && data.attempt;
      if (a && a.status === 'pending' && Date.now() - startedAt < 10 * 60 * 1000 && box.closest('body').length) {
        setTimeout(function () { poll(type, id, box, startedAt); }, 1000);
      } else if (a && a.status === 'success') {
        RED.notify('Authorized', 'success');
      }
    });
  }

  function post(url, body) {
    return $.ajax({ url: url, method: 'POST', contentType: 'application/json', data: JSON.stringify(body), dataType: 'json' });
  }

  /** Every config node's keep-alive and removal settings (the rows are added by setup). */
  var lifecycleDefaults = {
    keepAliveHours: { value: '', validate: function (v) { return v === undefined || v === '' || (/^\d+(\.\d+)?$/.test(String(v)) && Number(v) > 0); } },
    revokeOnRemove: { value: false },
  };

  /** The keep-alive and "revoke when deleted" rows and the Disconnect button, the same in every config dialog. */
  function lifecycleRows(node) {
    var rows = $('<div class="form-row">' +
      '<label for="node-config-input-keepAliveHours"><i class="fa fa-heartbeat"></i> Keep alive (h)</label>' +
      '<input type="text" id="node-config-input-keepAliveHours" placeholder="refresh an idle credential at least this often, e.g. 24" style="width:70%">' +
      '</div>' +
      '<div class="form-tips">An idle credential is always refreshed before its refresh token expires (when the lifetime is known); ' +
      'set hours here for providers that revoke refresh tokens left unused.</div>' +
      '<div class="form-row">' +
      '<label for="node-config-input-revokeOnRemove"><i class="fa fa-trash"></i> On delete</label>' +
      '<input type="checkbox" id="node-config-input-revokeOnRemove" style="width:auto;vertical-align:top"> ' +
      '<span>revoke the tokens at the provider when this configuration is deleted and deployed</span>' +
      '</div>');
    rows.appendTo('#node-config-oauth2-advanced');
    $('#node-config-input-keepAliveHours').val(node.keepAliveHours === undefined ? '' : node.keepAliveHours);
    $('#node-config-input-revokeOnRemove').prop('checked', node.revokeOnRemove === true);
    $('<button type="button" class="red-ui-button" id="node-config-oauth2-disconnect"><i class="fa fa-chain-broken"></i> Disconnect</button>')
      .insertAfter('#node-config-oauth2-test');
  }

  function disconnect(type, id, box) {
    show(box, 'pending', '<i class="fa fa-spinner fa-spin"></i> Disconnecting…');
    post(route(type, id, 'disconnect'), collect(type))
      .done(function (data) {
        var warn = !!(data && data.error);
        show(box, warn ? 'disconnected-warning' : 'disconnected', '<i class="fa ' + (warn ? 'fa-exclamation-triangle" style="color:#e65100"' : 'fa-check-circle" style="color:#2e7d32"') + '></i> Disconnected: ' +
          RED.utils.sanitize((data && data.message) || 'the tokens were deleted'));
        $('#node-config-oauth2-disconnect').hide();
        RED.notify('Disconnected', warn ? 'warning' : 'success');
      })
      .fail(function (xhr) { show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(errorText(xhr))); });
  }

  /**
   * Warns when the refresh token typed in is one another config node already holds (typed in this
   * editor, deployed, or its current one): the two would spend each other's rotated token. The
   * runtime compares deployed nodes; the editor only learns names, never a token.
   */
  function seedCheck(node, type) {
    var input = $('#node-config-input-refreshToken');
    if (!input.length) return;
    var note = $('<div class="form-tips" id="node-config-oauth2-seed-warning" style="display:none"></div>').insertAfter(input.closest('.form-row'));
    input.on('change', function () {
      var value = input.val();
      note.hide().empty();
      if (typeof value !== 'string' || value === '' || value === '__PWRD__') return;
      var names = [];
      RED.nodes.eachConfig(function (other) {
        if (other.type === type && other.id !== node.id && other.credentials && other.credentials.refreshToken === value) names.push(other.name || other.id);
      });
      post(route(type, node.id, 'seed-check'), { credentials: { refreshToken: value } })
        .always(function (data) {
          ((data && data.sharedWith) || []).forEach(function (n) { if (names.indexOf(n.name) < 0) names.push(n.name); });
          if (!names.length) return;
          note.html('<i class="fa fa-exclamation-triangle" style="color:#e65100"></i> ' + RED.utils.sanitize('This refresh token is already used by ' + names.join(', ') +
            '. Each config node spends the token the other holds (rotation), and one of them will need reconnecting: give each config node its own refresh token.')).show();
          RED.notify('This refresh token is already used by another configuration node', 'warning');
        });
    });
  }

  /** Authorize: the admin route makes the authorization request; its URL opens in a new window, then the status is polled. */
  /** The device grant: the user code and where to enter it (the page with the code filled in opens too). */
  function deviceCode(device) {
    var page = safeHttpUrl(device.verificationUri);
    var complete = safeHttpUrl(device.verificationUriComplete);
    $('#node-config-oauth2-device').show().html('<i class="fa fa-mobile"></i> Enter the code <code class="oauth2-user-code" style="font-size:1.3em">' +
      RED.utils.sanitize(String(device.userCode)) + '</code> at ' + (page ? '<a target="_blank" rel="noopener noreferrer" href="' + RED.utils.sanitize(page) + '">' + RED.utils.sanitize(page) + '</a>' : 'the provider\'s device page') +
      ' before ' + RED.utils.sanitize(new Date(device.expiresAt).toLocaleTimeString()) + '. This dialog shows the result.');
    if (complete) {
      var w = window.open(complete, '_blank');
      if (w) { try { w.opener = null; } catch { /* ignore */ } }
    }
  }

  function authorize(type, id, box) {
    var body = collect(type);
    body.redirectUri = callbackUrl();
    show(box, 'pending', '<i class="fa fa-spinner fa-spin"></i> Starting…');
    $('#node-config-oauth2-device').hide();
    post(route(type, id, 'authorize'), body)
      .done(function (data) {
        if (data && data.device) {
          deviceCode(data.device);
          poll(type, id, box, Date.now());
          return;
        }
        var target = safeHttpUrl(data && data.authorizeUrl);
        if (!target) {
          show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> The authorization URL is not an http(s) URL; it was not opened.');
          return;
        }
        var w = window.open(target, '_blank');
        if (w) { try { w.opener = null; } catch { /* ignore */ } }
        else show(box, 'pending', 'Open <a target="_blank" rel="noopener noreferrer" href="' + RED.utils.sanitize(target) + '">the provider\'s page</a> to continue.');
        poll(type, id, box, Date.now());
      })
      .fail(function (xhr) { show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(errorText(xhr))); });
  }

  /** Test: one token request with the dialog's settings; the answer (never a token) in the status box. */
  function test(type, id, box) {
    show(box, 'pending', '<i class="fa fa-spinner fa-spin"></i> Requesting a token…');
    post(route(type, id, 'test'), collect(type))
      .done(function (data) {
        show(box, 'tested', '<i class="fa fa-check-circle" style="color:#2e7d32"></i> Token received' +
          '<br>Scopes: <span class="oauth2-scopes">' + RED.utils.sanitize(data.scope || '(not reported)') + '</span>' +
          '<br>Lifetime: ' + (data.expiresIn === null ? 'not reported' : RED.utils.sanitize(String(data.expiresIn)) + ' s') +
          (data.hasRefreshToken ? '<br>Refresh token: yes' + (data.refreshExpiresIn ? ', lifetime <span class="oauth2-refresh-expiry">' + RED.utils.sanitize(String(data.refreshExpiresIn)) + ' s</span>' : '') : '') +
          authLine(data.clientAuthMethod));
      })
      .fail(function (xhr) { show(box, 'error', '<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(errorText(xhr))); });
  }

  /** Wires the Redirect URI field, the Authorize and Test buttons and the status box of a dialog. */
  function setup(node, type, options) {
    var box = $('#node-config-oauth2-status');
    $('#node-config-oauth2-redirect').val(callbackUrl());
    function toggle() {
      var grant = $('#node-config-input-grantType').val();
      var code = grant === 'authorization_code';
      $('#node-config-oauth2-authorize').toggle(code || grant === 'device_code');
      $('.node-config-oauth2-code-only').toggle(code);
      $('#node-config-oauth2-test').toggle(['client_credentials', 'password', 'jwt_bearer', 'token_exchange'].indexOf(grant) >= 0);
      if (options.onGrant) options.onGrant(grant);
    }
    $('#node-config-input-grantType').on('change', toggle);
    toggle();
    refresh(type, node.id, box);
    $('#node-config-oauth2-authorize').on('click', function (e) { e.preventDefault(); authorize(type, node.id, box); });
    lifecycleRows(node);
    seedCheck(node, type);
    $('#node-config-oauth2-disconnect').hide().on('click', function (e) {
      e.preventDefault();
      var notice = RED.notify('Disconnect revokes the tokens at the provider (when it has a revocation endpoint) and deletes them here. Flows using this configuration stop until you authorize again.', {
        modal: true,
        fixed: true,
        type: 'warning',
        buttons: [
          { text: 'Cancel', click: function () { notice.close(); } },
          { text: 'Disconnect', class: 'primary', id: 'node-config-oauth2-disconnect-confirm', click: function () { notice.close(); disconnect(type, node.id, box); } },
        ],
      });
    });
    $('#node-config-oauth2-test').on('click', function (e) { e.preventDefault(); test(type, node.id, box); });
  }

  /** Fills a <select> from a description's choices ({value, label, description}) and selects `current`. */
  function fillSelect(selector, choices, current) {
    var select = $(selector).empty();
    choices.forEach(function (c) {
      var option = $('<option>').val(c.value).text(c.label);
      if (c.description) option.attr('title', c.description);
      select.append(option);
    });
    if (current !== undefined && current !== null && current !== '') select.val(current);
    return select;
  }

  /** The scopes a provider offers, as a short list for the form tips (values, labels; defaults marked). */
  function scopeList(scopes) {
    return 'Scopes (space separated): ' + scopes.choices.map(function (c) {
      var mark = scopes.default.indexOf(c.value) >= 0 ? ' <i>(default)</i>' : '';
      return '<code>' + RED.utils.sanitize(c.value) + '</code> ' + RED.utils.sanitize(c.label) + mark;
    }).join(', ') + '.';
  }

  // ---- dialogs rendered from a settings schema (lib/providers/<provider>/settings.ts) ----

  function esc(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  /** A map: a JSON object, or name=value pairs separated by & or new lines (the same syntax in both hosts). */
  function isMap(v) {
    if (!v || String(v).trim().charAt(0) !== '{') return true;
    try { var o = JSON.parse(v); return !!o && typeof o === 'object' && !Array.isArray(o); } catch { return false; }
  }

  function isJsonList(v) {
    if (!v) return true;
    try { return Array.isArray(JSON.parse(v)); } catch { return false; }
  }

  /** A setting's validator, from its kind and format. A missing value (a flow saved before the setting existed) is valid. */
  function validatorOf(setting) {
    var format = setting.ui && setting.ui.format;
    var pattern = format === 'statuses' ? /^[\d,\s]*$/ : format === 'decimal' ? /^\d*(\.\d+)?$/ : setting.kind === 'number' ? /^\d*$/ : null;
    if (pattern) return function (v) { return v === undefined || v === null || pattern.test(String(v)); };
    if (setting.kind === 'map') return isMap;
    if (setting.kind === 'json') return isJsonList;
    return undefined;
  }

  /** A new node's value of a setting: the schema's default, else off for a switch and empty otherwise. */
  function defaultOf(setting) {
    return setting.default !== undefined ? setting.default : setting.kind === 'boolean' ? false : '';
  }

  /** The editor's `defaults` (every setting that is not kept with the credentials) and `credentials`. */
  function schemaDefinition(settings, credentialFields) {
    var defaults = { name: { value: '' } };
    var credentials = {};
    settings.forEach(function (s) {
      if (credentialFields[s.name]) {
        credentials[s.name] = { type: credentialFields[s.name] };
        return;
      }
      var d = { value: defaultOf(s) };
      if (s.required) d.required = true;
      var validate = validatorOf(s);
      if (validate) d.validate = validate;
      defaults[s.name] = d;
    });
    defaults.keepAliveHours = lifecycleDefaults.keepAliveHours;
    defaults.revokeOnRemove = lifecycleDefaults.revokeOnRemove;
    return { defaults: defaults, credentials: credentials };
  }

  function rowHtml(s, credentialType) {
    var ui = s.ui;
    var id = 'node-config-input-' + s.name;
    var input = s.kind === 'choice' ? '<select id="' + id + '"></select>'
      : s.kind === 'boolean' ? '<input type="checkbox" id="' + id + '" style="width:auto;vertical-align:top">'
        : '<input type="' + (credentialType === 'password' ? 'password' : 'text') + '" id="' + id + '"' + (ui.placeholder ? ' placeholder="' + esc(ui.placeholder) + '"' : '') + (ui.action ? ' style="width:calc(70% - 100px)"' : '') + '>';
    return '<div class="form-row oauth2-setting" data-setting="' + esc(s.name) + '" title="' + esc(s.label) + '">' +
      '<label for="' + id + '"><i class="fa fa-' + esc(ui.icon) + '"></i> ' + esc(ui.short || s.label) + '</label>' + input + actionHtml(ui.action) + '</div>' +
      // the provider's scopes, listed under the scopes row
      (s.name === 'scopes' ? '<div class="form-tips oauth2-setting-tip" data-setting="scopes" id="node-config-oauth2-scope-list" style="display:none"></div>' : '') +
      (ui.tips || []).map(function (tip, i) {
        return '<div class="form-tips oauth2-setting-tip" data-setting="' + esc(s.name) + '" data-tip="' + i + '">' + withCode(tip.text) + '</div>';
      }).join('');
  }

  /** The button a setting's `action` adds beside its input, and where its result is shown. */
  function actionHtml(action) {
    if (action === 'register') {
      return ' <button type="button" class="red-ui-button" id="node-config-oauth2-register" title="Register a client (RFC 7591)"><i class="fa fa-id-card-o"></i> Register</button>' +
        '<div class="form-tips" id="node-config-oauth2-register-result" style="display:none"></div>';
    }
    if (action === 'import-key') {
      return ' <button type="button" class="red-ui-button" id="node-config-oauth2-import-key" title="Import key file"><i class="fa fa-upload"></i> Import</button>' +
        '<input type="file" id="node-config-oauth2-key-file" accept=".json,application/json" style="display:none">' +
        '<div class="form-tips" id="node-config-oauth2-import-result" style="display:none"></div>';
    }
    if (action !== 'discover') return '';
    return ' <button type="button" class="red-ui-button" id="node-config-oauth2-discover"><i class="fa fa-search"></i> Discover</button>' +
      '<div class="form-tips" id="node-config-oauth2-discover-result" style="display:none"></div>';
  }

  /** The facts a discovery found, as lines of escaped text. */
  function discoveredHtml(found) {
    var list = function (v) { return v && v.length ? v.join(', ') : 'not listed'; };
    return ['<i class="fa fa-check-circle" style="color:#2e7d32"></i> Found the authorization server of this API; the endpoints, issuer, resource and scopes are filled in',
      'Issuer: ' + found.issuer, 'Resource: ' + found.resource,
      'Client authentication: ' + list(found.clientAuthMethods), 'PKCE: ' + list(found.pkceMethods), 'DPoP: ' + list(found.dpopAlgs),
      'Dynamic registration: ' + (found.registration ? 'offered' : 'no'), 'Device flow: ' + (found.deviceFlow ? 'offered' : 'no'),
      'Pushed authorization requests: ' + found.pushedAuthorization].map(function (line, i) { return i ? RED.utils.sanitize(line) : line; }).join('<br>');
  }

  /** Discover: the runtime reads the API's metadata; the settings it answers fill the dialog (scopes only when empty). */
  function discover() {
    var box = $('#node-config-oauth2-discover-result');
    box.show().html('<i class="fa fa-spinner fa-spin"></i> Reading the metadata…');
    post(PREFIX + 'oauth2-client/discover', { url: $('#node-config-input-discoverFrom').val(), allowHttpHosts: $('#node-config-input-allowHttpHosts').val() })
      .done(function (data) {
        Object.keys(data.settings || {}).forEach(function (name) {
          var input = $('#node-config-input-' + name);
          if (name !== 'scopes' || !input.val()) input.val(data.settings[name]).trigger('change');
        });
        box.html(discoveredHtml(data.found));
      })
      .fail(function (xhr) { box.html('<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(errorText(xhr))); });
  }

  /**
   * Import key file: a service-account JSON key, read here in the browser, fills the fields its
   * members map to (the descriptions' serviceAccountFields); the scopes go in the assertion.
   */
  function importKey(file) {
    var box = $('#node-config-oauth2-import-result').show();
    var fields = (window.OAuth2ConnectorsDescriptions || {}).serviceAccountFields || {};
    var reader = new window.FileReader();
    reader.onload = function () {
      var key;
      try { key = JSON.parse(String(reader.result)); } catch { key = null; }
      if (!key || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
        box.html('<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> Not a service-account JSON key (it needs client_email and private_key)');
        return;
      }
      Object.keys(fields).forEach(function (member) {
        if (typeof key[member] === 'string' && key[member]) $('#node-config-input-' + fields[member]).val(key[member]).trigger('change');
      });
      $('#node-config-input-jwtScopeClaim').prop('checked', true);
      box.html('<i class="fa fa-check-circle" style="color:#2e7d32"></i> Imported the key of ' + RED.utils.sanitize(key.client_email) + ' (the file itself is not kept)');
    };
    reader.readAsText(file);
  }

  /** Register: the runtime registers a client (RFC 7591); the dialog gets its ID and client authentication, never its secret. */
  function register(type, id) {
    var box = $('#node-config-oauth2-register-result').show().html('<i class="fa fa-spinner fa-spin"></i> Registering…');
    post(route(type, id, 'register'), { settings: collect(type).settings, redirectUri: callbackUrl() })
      .done(function (data) {
        $('#node-config-input-clientId').val(data.clientId).trigger('change');
        $('#node-config-input-clientAuth').val(data.clientAuth).trigger('change');
        box.html('<i class="fa fa-check-circle" style="color:#2e7d32"></i> Registered client <code>' + RED.utils.sanitize(String(data.clientId)) + '</code>' +
          (data.secretKept ? '; its secret is kept by the runtime (encrypted), not in this dialog: leave the client secret empty' : ' (a public client)') +
          (data.clientSecretExpiresAt ? '; the secret expires ' + RED.utils.sanitize(new Date(data.clientSecretExpiresAt).toLocaleString()) : '') + '.');
      })
      .fail(function (xhr) { box.html('<i class="fa fa-exclamation-triangle" style="color:#c62828"></i> ' + RED.utils.sanitize(errorText(xhr))); });
  }

  /** A tip's text, escaped, with `code` in backticks as <code>. */
  function withCode(text) {
    return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
  }

  /** The rows every config dialog ends with: redirect URI, Authorize / Test (/ Disconnect), status. */
  function actionRowsHtml(redirectTip) {
    return '<div class="form-row node-config-oauth2-code-only">' +
      '<label for="node-config-oauth2-redirect"><i class="fa fa-link"></i> Redirect URI</label>' +
      '<input type="text" id="node-config-oauth2-redirect" readonly></div>' +
      '<div class="form-tips node-config-oauth2-code-only">' + esc(redirectTip) + '</div>' +
      '<div class="form-row"><label>&nbsp;</label>' +
      '<button type="button" class="red-ui-button" id="node-config-oauth2-authorize"><i class="fa fa-sign-in"></i> Authorize</button> ' +
      '<button type="button" class="red-ui-button" id="node-config-oauth2-test"><i class="fa fa-flask"></i> Test</button></div>' +
      '<div class="form-tips" id="node-config-oauth2-device" style="display:none"></div>' +
      '<div class="form-row"><label><i class="fa fa-info-circle"></i> Status</label>' +
      '<div id="node-config-oauth2-status" data-state="" style="display:inline-block;width:70%;vertical-align:top"></div></div>';
  }

  /** The collapsed "Advanced" section: its toggle and its body (the lifecycle rows are added by setup). */
  function advancedHtml(body) {
    return '<div class="form-row"><a href="#" id="node-config-oauth2-advanced-toggle" class="red-ui-button">' +
      '<i class="fa fa-caret-right"></i> Advanced</a> <span id="node-config-oauth2-advanced-summary" style="margin-left:6px;font-style:italic;opacity:0.8"></span></div>' +
      '<div id="node-config-oauth2-advanced" style="display:none">' + body + '</div>';
  }

  /** The whole dialog of a schema: name, the main settings, the actions, then the Advanced sections. */
  function schemaTemplate(settings, credentialFields, sections, redirectTip) {
    var main = rowHtml({ name: 'name', label: 'Name', kind: 'text', ui: { icon: 'tag', placeholder: 'Name' } });
    var advanced = '';
    settings.forEach(function (s) { if (!s.ui.section) main += rowHtml(s, credentialFields[s.name]); });
    sections.forEach(function (section) {
      var rows = settings.filter(function (s) { return s.ui.section === section.id; });
      if (!rows.length) return;
      advanced += '<h4>' + esc(section.title) + '</h4>';
      rows.forEach(function (s) { advanced += rowHtml(s, credentialFields[s.name]); });
    });
    return main + actionRowsHtml(redirectTip) + advancedHtml(advanced + '<h4>Lifecycle</h4>');
  }

  /** Puts the dialog into the type's template (read by the editor when a dialog opens). */
  function fillTemplate(type, html, retried) {
    var template = $('script[data-template-name="' + type + '"]');
    if (template && template.length) template.html(html);
    // not in the page yet (the .html's template follows its script): once more when this script has run
    else if (template && template.length === 0 && !retried) setTimeout(function () { fillTemplate(type, html, true); }, 0);
  }

  /** A choice setting's list: the description's, or (`configNodes`) the other config nodes of this package. */
  function choicesOf(s, node, D) {
    if (s.ui.choices !== 'configNodes') return D[s.ui.choices];
    var types = (window.OAuth2ConnectorsDescriptions || {}).configTypes || [];
    var list = [{ value: '', label: '(choose a configuration)' }];
    RED.nodes.eachConfig(function (n) {
      if (n.id !== node.id && types.indexOf(n.type) >= 0) list.push({ value: n.id, label: (n.name || n.id) + ' (' + n.type + ')' });
    });
    return list;
  }

  /** Whether a setting holds a value other than its default (an Advanced section holding one opens by itself). */
  function isSet(s, node) {
    if (s.kind === 'secret') return !!(node.credentials && node.credentials['has_' + s.name]);
    var value = node[s.name];
    if (value === undefined || value === null || value === '') return false;
    return String(value) !== String(defaultOf(s));
  }

  /** Shows each row only for the grants and choices it applies to, and wires the Advanced toggle. */
  function prepareSchemaDialog(node, settings, D) {
    settings.forEach(function (s) {
      if (s.kind === 'choice') fillSelect('#node-config-input-' + s.name, choicesOf(s, node, D), node[s.name]);
    });
    function applies(s, grant) {
      if (s.grants && s.ui.shownFor !== 'all' && s.grants.indexOf(grant) < 0) return false;
      var when = s.ui.when;
      return !when || when.values.indexOf($('#node-config-input-' + when.setting).val()) >= 0;
    }
    var scopes = D.scopes && D.scopes.choices && D.scopes.choices.length ? scopeList(D.scopes) : '';
    $('#node-config-oauth2-scope-list').html(scopes);
    function update() {
      var grant = $('#node-config-input-grantType').val();
      settings.forEach(function (s) {
        var shown = applies(s, grant);
        $('.oauth2-setting[data-setting="' + s.name + '"]').toggle(shown);
        (s.ui.tips || []).forEach(function (tip, i) {
          $('.oauth2-setting-tip[data-setting="' + s.name + '"][data-tip="' + i + '"]').toggle(shown && (!tip.grants || tip.grants.indexOf(grant) >= 0));
        });
        if (s.name === 'scopes') $('#node-config-oauth2-scope-list').toggle(shown && !!scopes);
      });
    }
    settings.forEach(function (s) { if (s.ui.when) $('#node-config-input-' + s.ui.when.setting).on('change', update); });
    var advanced = settings.filter(function (s) { return s.ui.section && isSet(s, node); });
    if (node.keepAliveHours || node.revokeOnRemove === true) advanced.push({ label: 'Lifecycle' });
    var body = $('#node-config-oauth2-advanced');
    var toggle = $('#node-config-oauth2-advanced-toggle');
    function open(show) {
      body.toggle(show);
      toggle.find('i').toggleClass('fa-caret-right', !show).toggleClass('fa-caret-down', show);
    }
    var sections = ((window.OAuth2ConnectorsDescriptions || {}).sections || []).filter(function (section) {
      return settings.some(function (s) { return s.ui.section === section.id; });
    });
    var contents = sections.map(function (section) { return section.title; }).concat(['keep-alive and removal']).join(', ');
    $('#node-config-oauth2-advanced-summary').text(advanced.length ? advanced.length + ' set: ' + advanced.map(function (s) { return s.label; }).join(', ') : contents);
    toggle.on('click', function (e) { e.preventDefault(); open(!body.is(':visible')); });
    open(advanced.length > 0);
    $('#node-config-oauth2-discover').on('click', function (e) { e.preventDefault(); discover(); });
    $('#node-config-oauth2-register').on('click', function (e) { e.preventDefault(); register(node.type, node.id); });
    $('#node-config-oauth2-import-key').on('click', function (e) { e.preventDefault(); $('#node-config-oauth2-key-file').trigger('click'); });
    $('#node-config-oauth2-key-file').on('change', function () { if (this.files && this.files[0]) importKey(this.files[0]); this.value = ''; });
    return update;
  }

  /**
   * A config node type whose dialog comes from its settings schema: `defaults`, `credentials`, the
   * template and the dialog's wiring, from the type's entry in the descriptions' `dialogs` (its
   * provider's description, `settings` and `credentialFields`). The type's .html keeps only its
   * palette name and label; its help is in locales/en-US/.
   */
  function schemaNode(type) {
    var descriptions = window.OAuth2ConnectorsDescriptions || {};
    var D = descriptions.dialogs[type];
    var settings = D.settings;
    var definition = schemaDefinition(settings, D.credentialFields);
    fillTemplate(type, schemaTemplate(settings, D.credentialFields, descriptions.sections || [], D.redirectUriTip));
    return {
      defaults: definition.defaults,
      credentials: definition.credentials,
      oneditprepare: function () {
        var update = prepareSchemaDialog(this, settings, D);
        setup(this, type, { onGrant: update });
      },
    };
  }

  window.OAuth2ConnectorsEditor = { setup: setup, schemaNode: schemaNode };
}
