// Validates each body of a corpus against a bundle schema with ajv (draft 2020-12, strict mode).
//
//   node check.cjs BUNDLE.json CORPUS.json
//
// CORPUS.json is an array of strings, each one request body. Prints one line per body, "valid" or "invalid"
// (a body that is not JSON is invalid). The bundle must compile in strict mode without a single warning:
// anything ajv logs while compiling makes this exit with status 3.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;

const [bundlePath, corpusPath] = process.argv.slice(2);
const warnings = [];
const logger = {
  log: () => {},
  warn: (...args) => warnings.push(args.join(" ")),
  error: (...args) => warnings.push(args.join(" ")),
};
const ajv = new Ajv2020({ strict: true, allErrors: false, logger });
let validate;
try {
  validate = ajv.compile(JSON.parse(fs.readFileSync(bundlePath, "utf8")));
} catch (err) {
  console.error(`ajv: the bundle does not compile in strict mode: ${err.message}`);
  process.exit(3);
}
if (warnings.length > 0) {
  console.error(`ajv: compiling the bundle in strict mode warned:\n  ${warnings.join("\n  ")}`);
  process.exit(3);
}
const out = [];
for (const body of JSON.parse(fs.readFileSync(corpusPath, "utf8"))) {
  let instance;
  try {
    instance = JSON.parse(body);
  } catch {
    out.push("invalid");
    continue;
  }
  out.push(validate(instance) ? "valid" : "invalid");
}
process.stdout.write(out.join("\n") + "\n");
