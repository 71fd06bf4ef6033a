// Copies what tsc does not: node icons and the Node-RED editor files (.html) into dist/.
const { src, dest, parallel } = require('gulp');

function copyIcons() {
  return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}', 'node-red/**/*.{png,svg}'], {
    base: '.', allowEmpty: true, encoding: false,
  }).pipe(dest('dist'));
}

function copyNodeRedHtml() {
  return src(['node-red/**/*.html', 'node-red/icons/**'], { base: '.', allowEmpty: true, encoding: false })
    .pipe(dest('dist'));
}

exports.build = parallel(copyIcons, copyNodeRedHtml);
