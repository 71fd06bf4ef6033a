'use strict';
// Preloaded (-r) into `node-red-dev validate`: the flow library's catalogue
// (catalogue.nodered.org) is not reachable from here, so its two look-ups (P08: a similarly named
// package elsewhere; N01: the same node type in another package) are answered with an empty
// catalogue and reported by the test as not checked. Every other request goes out as usual
// (registry.npmjs.org for P06/P07 and the dependency checks).
const Module = require('node:module');

const original = Module.prototype.require;
Module.prototype.require = function patched(id) {
  const exported = original.apply(this, arguments);
  if (id === 'axios' && exported && !exported.__offlineCatalogue) {
    const get = exported.get.bind(exported);
    exported.get = (url, ...rest) => (String(url).startsWith('https://catalogue.nodered.org/')
      ? Promise.resolve({ status: 200, data: { modules: [] } })
      : get(url, ...rest));
    exported.__offlineCatalogue = true;
  }
  return exported;
};
