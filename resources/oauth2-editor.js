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
    var buttons = $('#node-config-oauth2-test').closest('.form-row');
    $('<div class="form-row">' +
      '<label for="node-config-input-keepAliveHours"><i class="fa fa-heartbeat"></i> Keep alive (h)</label>' +
      '<input type="text" id="node-config-input-keepAliveHours" placeholder="refresh an idle credential at least this often, e.g. 24" style="width:70%">' +
      '</div>' +
      '<div class="form-tips">An idle credential is always refreshed before its refresh token expires (when the lifetime is known); ' +
      'set hours here for providers that revoke refresh tokens left unused.</div>' +
      '<div class="form-row">' +
      '<label for="node-config-input-revokeOnRemove"><i class="fa fa-trash"></i> On delete</label>' +
      '<input type="checkbox" id="node-config-input-revokeOnRemove" style="width:auto;vertical-align:top"> ' +
      '<span>revoke the tokens at the provider when this configuration is deleted and deployed</span>' +
      '</div>').insertBefore(buttons);
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
  function authorize(type, id, box) {
    var body = collect(type);
    body.redirectUri = callbackUrl();
    show(box, 'pending', '<i class="fa fa-spinner fa-spin"></i> Starting…');
    post(route(type, id, 'authorize'), body)
      .done(function (data) {
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
    var grantOf = options.grant || function () { return $('#node-config-input-grantType').val(); };
    function toggle() {
      var grant = grantOf();
      var code = grant === 'authorization_code';
      $('#node-config-oauth2-authorize').toggle(code);
      $('.node-config-oauth2-code-only').toggle(code);
      $('#node-config-oauth2-test').toggle(grant === 'client_credentials' || grant === 'password');
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

  window.OAuth2ConnectorsEditor = { setup: setup, lifecycleDefaults: lifecycleDefaults, callbackUrl: callbackUrl, safeHttpUrl: safeHttpUrl, fillSelect: fillSelect, scopeList: scopeList };
}
