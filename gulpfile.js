// Copies what tsc does not: node icons, the Node-RED editor files (.html) and their locales (help, labels) into dist/.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
  return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}', 'node-red/**/*.{png,svg}'], {
    base: '.', allowEmpty: true, encoding: false,
  }).pipe(dest('dist'));
}

function copyNodeRedHtml() {
  return src(['node-red/**/*.html', 'node-red/locales/**/*.json', 'node-red/icons/**'], { base: '.', allowEmpty: true, encoding: false })
    .pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copyNodeRedHtml);
