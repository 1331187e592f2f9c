// ESLint (flat config): the map's own scripts and their Node tests; recommended rules.
"use strict";
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {
    // Vendored, minified or generated: not ours to lint.
    ignores: ["cufmap/static/leaflet.js", "cufmap/static/topojson-client.min.js",
              "cufmap/static/cartes/**", "cufmap/static/carte/**", "node_modules/**",
              "bench/out/**", "tests/artifacts/**", "data/publie/**", "static/**", "build/**", "dist/**"]
  },
  js.configs.recommended,
  {
    // The page's scripts: plain browser scripts sharing a few globals, loaded in order.
    files: ["cufmap/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser, L: "readonly", topojson: "readonly",
                 CufData: "readonly", CufShare: "readonly" }
    }
  },
  {
    // The pure data module (and share.js's address rules) are also CommonJS (node --test).
    files: ["cufmap/static/relay/data.js", "cufmap/static/relay/share.js"],
    languageOptions: { globals: { ...globals.node } }
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "commonjs", globals: { ...globals.node } }
  }
];
